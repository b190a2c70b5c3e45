from django.core.management.base import BaseCommand

from achievements.services import leaderboards_rebuild


class Command(BaseCommand):
    help = (
        "Recomputes every leaderboard tally from the rewards ledger and replaces the tallies with it. "
        "Safe while the site runs: credits made meanwhile wait for it and are then added."
    )

    def handle(self, *args, **options):
        changes = leaderboards_rebuild()
        message = "Leaderboards rebuilt: {created} tallies created, {updated} corrected, {deleted} removed."
        self.stdout.write(self.style.SUCCESS(message.format(**changes)))
