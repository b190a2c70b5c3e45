from django.core.management.base import BaseCommand

from campaigns.services import departments_setup


class Command(BaseCommand):
    help = (
        "Sets every department up to publish open calls: its section of the listing, staff and approver "
        "groups with permissions on that section only, and its moderation workflow. Safe to run again."
    )

    def handle(self, *args, **options):
        for section in departments_setup():
            self.stdout.write(f"{section.department.slug}: section /{section.slug}/ is ready")
