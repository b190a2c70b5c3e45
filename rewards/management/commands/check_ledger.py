import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rewards.selectors import approvals_missing_credit, revocations_missing_reversal
from rewards.services import (
    account_recompute,
    ledger_verify,
    verification_points_credit,
    verification_points_reverse,
)


class Command(BaseCommand):
    help = (
        "Proves that every points account's balance and lifetime points equal the sums of its ledger "
        "entries, that every standing approval decided a while ago was credited and every revocation of a "
        "credited approval reversed. Exits with an error listing what differs; --repair sets accounts from "
        "their ledger and makes the missing credits and reversals (each exactly once)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Set differing accounts; credit and reverse what is missing.",
        )
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=15,
            help="Only decisions at least this old count as missing (younger ones may be on their way).",
        )

    def handle(self, *args, repair=False, older_than_minutes=15, **options):
        problems = 0
        for mismatch in ledger_verify():
            problems += 1
            self.stdout.write(
                f"account {mismatch.account_id}: balance {mismatch.balance} "
                f"(ledger {mismatch.ledger_balance}), lifetime {mismatch.lifetime} "
                f"(ledger {mismatch.ledger_lifetime})"
            )
            if repair:
                account_recompute(account_id=mismatch.account_id)

        decided_before = timezone.now() - datetime.timedelta(minutes=older_than_minutes)
        for approval in approvals_missing_credit(decided_before=decided_before):
            problems += 1
            self.stdout.write(
                f"approval {approval.pk} ({approval.created_at:%Y-%m-%d %H:%M}): never credited"
            )
            if repair:
                verification_points_credit(verification_id=approval.pk)
        for revocation in revocations_missing_reversal(decided_before=decided_before):
            problems += 1
            self.stdout.write(
                f"revocation {revocation.pk} ({revocation.created_at:%Y-%m-%d %H:%M}): never reversed"
            )
            if repair:
                verification_points_reverse(revocation_id=revocation.pk)

        if not problems:
            self.stdout.write(
                self.style.SUCCESS(
                    "Every account equals its ledger; every approval is credited, every revocation reversed."
                )
            )
            return
        if repair:
            self.stdout.write(self.style.WARNING(f"{problems} problem(s) repaired."))
            return
        raise CommandError(f"{problems} problem(s) in the ledger.")
