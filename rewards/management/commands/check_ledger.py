from django.core.management.base import BaseCommand, CommandError

from rewards.services import account_recompute, ledger_verify


class Command(BaseCommand):
    help = (
        "Proves that every points account's balance and lifetime points equal the sums of its ledger "
        "entries. Exits with an error listing the accounts that differ; --repair sets them from the ledger."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="Set differing accounts from their ledger.")

    def handle(self, *args, repair=False, **options):
        mismatches = ledger_verify()
        if not mismatches:
            self.stdout.write(self.style.SUCCESS("Every account equals its ledger."))
            return
        for mismatch in mismatches:
            self.stdout.write(
                f"account {mismatch.account_id}: balance {mismatch.balance} "
                f"(ledger {mismatch.ledger_balance}), lifetime {mismatch.lifetime} "
                f"(ledger {mismatch.ledger_lifetime})"
            )
            if repair:
                account_recompute(account_id=mismatch.account_id)
        if repair:
            self.stdout.write(self.style.WARNING(f"{len(mismatches)} account(s) set from their ledger."))
            return
        raise CommandError(f"{len(mismatches)} account(s) differ from their ledger.")
