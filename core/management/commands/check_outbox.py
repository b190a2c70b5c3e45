import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.models import OutboxMessage
from core.outbox import relay_due, undone_messages


class Command(BaseCommand):
    help = (
        "Lists outbox messages (points to credit, notices to send) whose task has not succeeded after "
        "--older-than-minutes, and those the relay gave up on. Exits with an error when there are any; "
        "--retry hands them over again now, each from a fresh count."
    )

    def add_arguments(self, parser):
        parser.add_argument("--retry", action="store_true", help="Hand every listed message over again now.")
        parser.add_argument("--older-than-minutes", type=int, default=15)

    def handle(self, *args, retry=False, older_than_minutes=15, **options):
        written_before = timezone.now() - datetime.timedelta(minutes=older_than_minutes)
        late = list(undone_messages().filter(created_at__lt=written_before))
        given_up = {message.pk for message in undone_messages(given_up_only=True)}
        if not late:
            self.stdout.write(self.style.SUCCESS("Every outbox message older than that is done."))
            return
        for message in late:
            state = "given up" if message.pk in given_up else "pending"
            self.stdout.write(
                f"{message.pk} {message.task_name}{tuple(message.args)} "
                f"written {message.created_at:%Y-%m-%d %H:%M}, "
                f"{message.attempts} hand-over(s), {state}: {message.last_error or 'no error recorded'}"
            )
        if retry:
            OutboxMessage.objects.filter(pk__in=[m.pk for m in late]).update(
                attempts=0, next_attempt_at=timezone.now()
            )
            handed = relay_due(limit=len(late))
            self.stdout.write(self.style.WARNING(f"{handed} of {len(late)} message(s) handed over again."))
            return
        raise CommandError(f"{len(late)} outbox message(s) not done.")
