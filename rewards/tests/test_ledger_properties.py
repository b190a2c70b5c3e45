"""Property-based tests of the ledger: whatever sequence of earning, spending, refunds, reversals and
expiry happens, and in whatever order, the balance is the sum of the entries, the lifetime points are
the sum of what lifetime counts, what is left of the lots adds up to the balance, and nothing is ever
below zero."""

import datetime

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from campaigns.tests.factories import PersonFactory, publish_call
from core.errors import DomainError
from rewards import selectors, services
from rewards.ledger import totals
from rewards.models import LedgerEntry, PointsAccount, Voucher
from rewards.tests.factories import approval_create, counter_staff, revocation_create, reward_create
from verification.models import Verification

APPROVALS = 6

step_strategy = st.tuples(
    st.sampled_from(["earn", "reverse", "redeem", "cancel", "counter", "expire_vouchers", "expire_points"]),
    st.integers(min_value=0, max_value=APPROVALS - 1),
    st.integers(min_value=0, max_value=200),  # days that pass before the step
)


class LedgerPropertyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.person = PersonFactory()
        cls.staff = counter_staff(department_slug="cultural")
        call = publish_call(points_per_hour=10)
        cls.approvals = [
            approval_create(volunteer=cls.person, call=call, hours=hours) for hours in (1, 2, 3, 5, 8, 13)
        ]
        cls.rewards = [
            reward_create(points_price=price, voucher_valid_days=days)
            for price, days in ((20, 10), (45, 60), (100, 400))
        ]
        cls.start = timezone.now()

    def assert_ledger_holds(self):
        account = PointsAccount.objects.filter(user=self.person).first()
        if account is None:
            return
        entries = list(LedgerEntry.objects.filter(account=account))
        balance, lifetime = totals(entries)
        assert account.balance == balance >= 0
        assert account.lifetime == lifetime
        assert sum(lot.remaining for lot in selectors.account_lots(account).values()) == balance
        assert all(lot.remaining >= 0 for lot in selectors.account_lots(account).values())
        assert services.ledger_verify() == []

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(steps=st.lists(step_strategy, min_size=1, max_size=20))
    def test_any_sequence_keeps_the_balance_equal_to_the_entries_and_never_negative(self, steps):
        now = self.start
        for action, index, days in steps:
            now += datetime.timedelta(days=days)
            approval = self.approvals[index]
            try:
                if action == "earn":
                    services.verification_points_credit(verification_id=approval.pk, now=now)
                elif action == "reverse":
                    revocation = Verification.objects.filter(revokes=approval).first() or revocation_create(
                        approval=approval
                    )
                    services.verification_points_reverse(revocation_id=revocation.pk, now=now)
                elif action == "redeem":
                    reward = self.rewards[index % len(self.rewards)]
                    services.reward_redeem(reward_id=reward.pk, user=self.person, now=now)
                elif action in ("cancel", "counter"):
                    vouchers = list(Voucher.objects.order_by("pk"))
                    if vouchers:
                        voucher = vouchers[index % len(vouchers)]
                        if action == "cancel":
                            services.voucher_cancel(voucher=voucher, actor=self.staff, now=now)
                        else:
                            services.voucher_redeem_at_counter(code=voucher.code, actor=self.staff, now=now)
                elif action == "expire_vouchers":
                    services.vouchers_expire(now=now)
                else:
                    services.points_expire(now=now)
            except DomainError:
                pass  # a refusal (too few points, a used voucher…) is a valid outcome; it must move nothing
            self.assert_ledger_holds()

        # Each cause is in the ledger at most once.
        entries = LedgerEntry.objects.all()
        for kind, cause in (("earn", "verification"), ("reversal", "verification"), ("redeem", "voucher"),
                            ("refund", "voucher"), ("expiry", "lot")):  # fmt: skip
            causes = list(entries.filter(kind=kind).values_list(cause, flat=True))
            assert len(causes) == len(set(causes))
        # Every voucher that is not cancelled or expired is paid for and not refunded, and vice versa.
        for voucher in Voucher.objects.all():
            refunded = entries.filter(kind="refund", voucher=voucher).exists()
            assert refunded == (voucher.status in ("cancelled", "expired"))
            assert entries.filter(kind="redeem", voucher=voucher).count() == 1
