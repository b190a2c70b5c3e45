import logging
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from campaigns.services import departments_setup
from demo.calls import demo_calls_load, demo_team_reservation_load
from demo.delphi import demo_delphi_load
from demo.history import load as demo_history_load
from demo.home import demo_home_page_load
from demo.open_city import load as demo_open_city_load
from demo.people import DEMO_PASSWORD, demo_people_load
from demo.reports import load as demo_reports_load
from demo.rewards import load as demo_rewards_load
from demo.voice import demo_voice_load
from opencity.services import equity_bonus_refresh, figures_refresh


@contextmanager
def _log_level(logger: logging.Logger, level: int):
    previous = logger.level
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.setLevel(previous)


class Command(BaseCommand):
    help = "Loads demo accounts and content for a local site. Safe to run again: it changes nothing twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Load even though DEBUG is off (demo accounts share a published password).",
        )

    def handle(self, *args, allow_without_debug=False, **options):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError(
                "DEBUG is off: this looks like production, and demo accounts have a published password. "
                "Pass --allow-without-debug to load them anyway."
            )
        # The demo history awards badges and levels; the demo people need not be told of them, and the
        # people without a mobile or e-mail need not be reported as such, a line each.
        notices_log = logging.getLogger("volunteers.notifications")
        with (
            override_settings(
                EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
                SMS_BACKEND="volunteers.sms.DummySmsBackend",
            ),
            _log_level(notices_log, logging.ERROR),
        ):
            demo_home_page_load()
            departments_setup()
            calls = demo_calls_load()
            people = demo_people_load()
            demo_team_reservation_load()
            rewards = demo_rewards_load()
            reports = demo_reports_load()
            history = demo_history_load()
            delphi_study = demo_delphi_load()
            voice_items = demo_voice_load()
            neighbours_work = demo_open_city_load()
            # the under-served district bonus follows the districts the demo's history left behind
            equity_bonus_refresh()
            # and the open city shows the demo's figures from the first visit, as the beat would
            figures_refresh()
        self.stdout.write(
            f"Demo open calls: {len(calls.created)} created, {calls.existing} already there"
            + (f" ({calls.shifts_moved} shifts moved to today's dates)." if calls.shifts_moved else ".")
        )
        self.stdout.write(
            f"Demo rewards: {rewards['rewards_created']} created; reports waiting for verification: "
            f"{reports} created; verified work for the leaderboards: {history} pieces added; a Delphi study "
            + ("created" if delphi_study else "already there")
            + f"; citizens' items: {voice_items} created; the open city's neighbours: {neighbours_work}"
            " pieces of work added."
        )
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data is loaded. Log in at /account/login/ (everyone) or /admin/ (staff) with:"
            )
        )
        self.stdout.write(f"  password for every account: {DEMO_PASSWORD}")
        for person, user in people:
            department = f" ({person.department_slug})" if person.department_slug else ""
            self.stdout.write(
                f"  {person.role + department:<28} username {user.username:<14} mobile {user.phone}"
            )
