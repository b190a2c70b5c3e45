"""Crediting, reversing and capping points for verified work, and the ledger that proves the balance."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from campaigns.tests.factories import PersonFactory, publish_call
from city.models import District, Service
from rewards import services, tasks
from rewards.models import EarningRule, LedgerEntry, PointsAccount
from rewards.tests.factories import approval_create, revocation_create

pytestmark = pytest.mark.django_db


def account_of(person) -> PointsAccount:
    return PointsAccount.objects.get(user=person)


def test_an_approval_credits_hours_times_the_calls_rate_once_however_often_the_task_runs():
    # given
    person = PersonFactory()
    approval = approval_create(volunteer=person, call=publish_call(points_per_hour=12), hours="2.5")

    # when
    results = [tasks.verification_points_credit_task.delay(approval.pk).get() for _ in range(3)]

    # then 2.5 h × 12 = 30 points, credited by the first run only
    assert results == [30, 0, 0]
    account = account_of(person)
    assert (account.balance, account.lifetime) == (30, 30)
    earn = LedgerEntry.objects.get(account=account)
    assert earn.kind == "earn" and earn.verification == approval
    assert earn.expires_at - earn.occurred_at == datetime.timedelta(days=365)
    assert services.ledger_verify() == []


def test_the_database_refuses_a_second_earn_for_the_same_approval():
    person = PersonFactory()
    approval = approval_create(volunteer=person)
    services.verification_points_credit(verification_id=approval.pk)

    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(account=account_of(person), kind="earn", amount=30, verification=approval)


def test_a_revocation_reverses_exactly_what_was_credited_once():
    person = PersonFactory()
    approval = approval_create(volunteer=person, hours=3)
    services.verification_points_credit(verification_id=approval.pk)
    revocation = revocation_create(approval=approval)

    results = [tasks.verification_points_reverse_task.delay(revocation.pk).get() for _ in range(3)]

    assert results == [30, 0, 0]
    account = account_of(person)
    assert (account.balance, account.lifetime) == (0, 0)
    assert LedgerEntry.objects.filter(kind="reversal").count() == 1
    assert services.ledger_verify() == []


def test_a_reversal_of_points_already_spent_takes_what_is_left_and_never_goes_negative():
    from rewards.tests.factories import reward_create

    person = PersonFactory()
    approval = approval_create(volunteer=person, hours=10)  # 100 points
    services.verification_points_credit(verification_id=approval.pk)
    services.reward_redeem(reward_id=reward_create(points_price=80).pk, user=person)

    reversal = services.verification_points_reverse(revocation_id=revocation_create(approval=approval).pk)

    assert (reversal.amount, reversal.unrecovered) == (-20, 80)
    account = account_of(person)
    assert (account.balance, account.lifetime) == (0, 0)
    assert services.ledger_verify() == []


def test_a_revocation_that_commits_before_the_credit_runs_moves_no_points():
    person = PersonFactory()
    approval = approval_create(volunteer=person)
    revocation = revocation_create(approval=approval)

    assert services.verification_points_reverse(revocation_id=revocation.pk) is None
    assert services.verification_points_credit(verification_id=approval.pk) is None
    assert not LedgerEntry.objects.exists()


def test_only_a_final_approval_is_credited():
    person = PersonFactory()
    approval = approval_create(volunteer=person)
    approval.is_final_approval = False
    approval.save()

    assert services.verification_points_credit(verification_id=approval.pk) is None
    assert not LedgerEntry.objects.exists()


# --- Earning rules -------------------------------------------------------------------------------------


def street_sweeping() -> Service:
    return Service.objects.get(slug="street-sweeping-and-cleaning")


def rule(kind: str, points: int, **fields) -> EarningRule:
    service = street_sweeping()
    return EarningRule.objects.create(
        name=f"{kind} {points}",
        kind=kind,
        points=points,
        department=service.department,
        service=service,
        **fields,
    )


def test_first_shift_bonus_once_and_district_bonus_for_under_served_districts():
    # given
    rule("first_shift", 50)
    district_rule = rule("district", 7)
    under_served = District.objects.get(number=1)
    district_rule.districts.add(under_served)
    call = publish_call(points_per_hour=10, district=under_served)
    person = PersonFactory()

    # when
    first = services.verification_points_credit(
        verification_id=approval_create(volunteer=person, call=call).pk
    )
    second = services.verification_points_credit(
        verification_id=approval_create(volunteer=person, call=call).pk
    )

    # then
    assert sorted(bonus.amount for bonus in first.bonuses) == [7, 50]
    assert [bonus.amount for bonus in second.bonuses] == [7]
    assert account_of(person).balance == 30 + 57 + 30 + 7


def test_an_approval_of_no_hours_earns_no_bonus():
    """Verification refuses 0 hours now; an approval of 0 hours written before earns nothing at all."""
    rule("first_shift", 50)
    person = PersonFactory()
    approval = approval_create(volunteer=person)
    approval.completion.approved_hours = 0
    approval.completion.save(update_fields=["approved_hours"])

    credit = services.verification_points_credit(verification_id=approval.pk)

    assert (credit.earn.amount, credit.bonuses) == (0, [])
    assert account_of(person).balance == 0


def test_a_five_minute_shift_earns_no_bonus_and_leaves_the_first_shift_bonus_for_real_work():
    rule("first_shift", 50)
    person = PersonFactory()
    call = publish_call(points_per_hour=10)

    short = services.verification_points_credit(
        verification_id=approval_create(volunteer=person, call=call, hours="0.08").pk
    )
    real = services.verification_points_credit(
        verification_id=approval_create(volunteer=person, call=call, hours="2").pk
    )

    assert short.bonuses == []
    assert [entry.amount for entry in real.bonuses] == [50]  # the first real shift still earns it


def test_zero_entries_without_an_explanation_are_not_shown_in_the_ledger():
    from rewards.selectors import ledger_list

    person = PersonFactory()
    services.verification_points_credit(
        verification_id=approval_create(volunteer=person, call=publish_call(points_per_hour=0)).pk
    )

    assert LedgerEntry.objects.filter(account__user=person, amount=0).exists()  # kept, append-only
    assert list(ledger_list(user=person)) == []


def test_rules_of_another_department_or_inactive_rules_do_not_apply():
    EarningRule.objects.create(name="culture", kind="first_shift", points=50, department_id=3)
    rule("first_shift", 40, is_active=False)
    person = PersonFactory()

    credit = services.verification_points_credit(verification_id=approval_create(volunteer=person).pk)

    assert credit.bonuses == []


def test_streak_bonus_for_consecutive_weeks_once_a_week():
    rule("streak", 25, streak_weeks=3)
    person = PersonFactory()
    call = publish_call(points_per_hour=10)
    now = timezone.now()
    bonuses = []
    for weeks_ago in (2, 1, 0, 0):
        worked_at = now - datetime.timedelta(weeks=weeks_ago, hours=1)
        approval = approval_create(volunteer=person, call=call, worked_at=worked_at)
        bonuses.append(
            sum(b.amount for b in services.verification_points_credit(verification_id=approval.pk).bonuses)
        )

    assert bonuses == [0, 0, 25, 0]


def test_a_daily_cap_limits_earn_and_bonus_and_its_reversal_takes_back_exactly_what_was_credited():
    # given a cap of 50 points a day and a 20-point first-shift bonus
    rule("cap_day", 50)
    rule("first_shift", 20)
    person = PersonFactory()
    call = publish_call(points_per_hour=10)
    # yesterday morning in the city's time, so both shifts fall on the same local day whatever the hour now
    worked_at = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0) - datetime.timedelta(
        days=1
    )

    # when two 3-hour shifts of the same day are approved
    first = services.verification_points_credit(
        verification_id=approval_create(volunteer=person, call=call, worked_at=worked_at).pk
    )
    second_approval = approval_create(
        volunteer=person, call=call, worked_at=worked_at + datetime.timedelta(hours=4)
    )
    second = services.verification_points_credit(verification_id=second_approval.pk)

    # then 30 + 20 fit, the second shift's 30 do not
    assert (first.earn.amount, [b.amount for b in first.bonuses]) == (30, [20])
    assert (second.earn.amount, second.bonuses) == (0, [])
    # the note says why, in the volunteer's language (the site's default: Persian)
    assert "سقف" in second.earn.note and "(۰ از ۳۰)" in second.earn.note, second.earn.note

    # and revoking the first frees the day: its reversal takes back 50, and the second's own reversal 0
    reversal = services.verification_points_reverse(
        revocation_id=revocation_create(approval=first.earn.verification).pk
    )
    assert reversal.amount == -50
    assert (
        services.verification_points_reverse(
            revocation_id=revocation_create(approval=second_approval).pk
        ).amount
        == 0
    )
    assert account_of(person).balance == 0
    assert services.ledger_verify() == []


def test_a_monthly_cap_counts_the_jalali_month():
    rule("cap_month", 40)
    person = PersonFactory()
    call = publish_call(points_per_hour=10)
    credits = [
        services.verification_points_credit(
            verification_id=approval_create(volunteer=person, call=call).pk
        ).total
        for _ in range(3)
    ]
    assert credits == [30, 10, 0]


# --- Expiry ---------------------------------------------------------------------------------------------


def test_points_expire_oldest_first_with_one_entry_per_lot_never_more_than_the_balance():
    from rewards.tests.factories import reward_create

    person = PersonFactory()
    call = publish_call(points_per_hour=10)
    start = timezone.now()
    old = services.verification_points_credit(
        verification_id=approval_create(volunteer=person, call=call).pk, now=start
    )
    newer = services.verification_points_credit(
        verification_id=approval_create(volunteer=person, call=call).pk,
        now=start + datetime.timedelta(days=100),
    )
    # 40 of the 60 points are spent: the oldest lot's 30 first, then 10 of the newer
    services.reward_redeem(
        reward_id=reward_create(points_price=40).pk, user=person, now=start + datetime.timedelta(days=101)
    )

    from rewards.selectors import points_summary

    summary = points_summary(user=person, now=start + datetime.timedelta(days=102))
    assert [(e.points, e.expires_at) for e in summary.expiring] == [(20, newer.earn.expires_at)]

    # when the first lot's date passes: nothing is left of it, a zero entry marks it
    assert services.points_expire(now=start + datetime.timedelta(days=366)) == 0
    assert account_of(person).balance == 20
    # when the second's passes: its 20 expire; runs again change nothing
    assert services.points_expire(now=start + datetime.timedelta(days=466)) == 20
    assert tasks.expire_points_task.delay().get() == 0
    assert services.points_expire(now=start + datetime.timedelta(days=500)) == 0
    account = account_of(person)
    assert (account.balance, account.lifetime) == (0, 60)
    assert LedgerEntry.objects.filter(kind="expiry").count() == 2
    assert old.earn.expiries.get().amount == 0
    assert services.ledger_verify() == []


def test_check_ledger_command_finds_and_repairs_an_account_that_differs(capsys):
    from django.core.management import CommandError, call_command

    person = PersonFactory()
    services.verification_points_credit(verification_id=approval_create(volunteer=person).pk)
    call_command("check_ledger")
    PointsAccount.objects.filter(user=person).update(balance=999)

    with pytest.raises(CommandError):
        call_command("check_ledger")
    call_command("check_ledger", "--repair")

    assert account_of(person).balance == 30
    assert services.ledger_verify() == []


def test_check_ledger_finds_an_approval_never_credited_and_a_revocation_never_reversed(capsys):
    from django.core.management import CommandError, call_command

    from verification.models import Verification

    # given an approval whose credit never ran, and a credited approval revoked without its reversal
    uncredited = approval_create(volunteer=PersonFactory())
    person = PersonFactory()
    credited = approval_create(volunteer=person)
    services.verification_points_credit(verification_id=credited.pk)
    revocation = revocation_create(approval=credited)
    # and a fresh approval whose credit may still be on its way
    approval_create(volunteer=PersonFactory())
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    decided = [uncredited.pk, credited.pk, revocation.pk]
    Verification.objects.filter(pk__in=decided).update(created_at=long_ago)
    capsys.readouterr()

    # then the accounts equal their ledgers, yet the check fails and names both
    assert services.ledger_verify() == []
    with pytest.raises(CommandError, match="2 problem"):
        call_command("check_ledger")
    output = capsys.readouterr().out
    assert f"approval {uncredited.pk} " in output and "never credited" in output
    assert f"revocation {revocation.pk} " in output and "never reversed" in output

    # and --repair makes the credit and the reversal, once
    call_command("check_ledger", "--repair")
    call_command("check_ledger", "--repair")
    assert LedgerEntry.objects.filter(kind="earn", verification=uncredited).count() == 1
    assert LedgerEntry.objects.filter(kind="reversal", verification=revocation).count() == 1
    assert account_of(person).balance == 0
    call_command("check_ledger")


def test_on_postgresql_ledger_entries_can_be_neither_changed_nor_deleted():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("The append-only trigger exists on PostgreSQL only.")
    person = PersonFactory()
    services.verification_points_credit(verification_id=approval_create(volunteer=person).pk)

    for attempt in (
        lambda: LedgerEntry.objects.update(amount=1000),
        lambda: LedgerEntry.objects.all().delete(),
    ):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            attempt()
    assert LedgerEntry.objects.get().amount == 30
