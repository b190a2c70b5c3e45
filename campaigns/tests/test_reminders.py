import datetime
import time

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone, translation

from campaigns import reminders
from campaigns.models import Shift, ShiftReminder, SignUp
from campaigns.reminders import call_public_url, shift_reminders_due, shift_reminders_send
from campaigns.services import call_close, signup_cancel, signup_create
from campaigns.tasks import send_shift_reminders_task
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from campaigns.tests.test_signup_concurrency import run_together
from core.localization import format_date
from tests.pytest_servers import postgres_missing_reason_key
from tests.servers import skip_or_fail
from volunteers.sms import BaseSmsBackend, OutboxSmsBackend

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


class FailingSmsBackend(BaseSmsBackend):
    """An SMS service that is down."""

    attempts: list[str] = []

    def send(self, *, phone: str, text: str) -> None:
        self.attempts.append(phone)
        raise ConnectionError("SMS gateway unreachable")


class PickySmsBackend(OutboxSmsBackend):
    """Refuses one number, delivers the others."""

    refused_phone = ""

    def send(self, *, phone: str, text: str) -> None:
        if phone == self.refused_phone:
            raise ValueError("number not in service")
        super().send(phone=phone, text=text)


class SlowSmsBackend(OutboxSmsBackend):
    """Takes a while per message, so that reminder runs in parallel threads overlap."""

    def send(self, *, phone: str, text: str) -> None:
        time.sleep(0.2)
        super().send(phone=phone, text=text)


@pytest.fixture(autouse=True)
def sms_outbox(monkeypatch) -> list[dict]:
    """A fresh list of sent SMS for each test (the outbox backend keeps them on the class)."""
    outbox: list[dict] = []
    monkeypatch.setattr(OutboxSmsBackend, "outbox", outbox)
    monkeypatch.setattr(FailingSmsBackend, "attempts", [])
    return outbox


def confirmed_signup(starts_in: datetime.timedelta, *, call=None, volunteer=None) -> SignUp:
    """A confirmed sign-up for a shift that starts `starts_in` from now (in the past when negative).

    The person signs up while the shift is days away; then the shift is moved, as time passing would.
    """
    shift = add_shift(call or publish_call(), starts_in=datetime.timedelta(days=3))
    signup = signup_create(shift=shift, volunteer=volunteer or PersonFactory())
    starts_at = timezone.now() + starts_in
    Shift.objects.filter(pk=shift.pk).update(starts_at=starts_at, ends_at=starts_at + 3 * HOUR)
    signup.shift.refresh_from_db()
    return signup


def sent_kinds(signup: SignUp) -> list[str]:
    return list(ShiftReminder.objects.filter(signup=signup).order_by("kind").values_list("kind", flat=True))


# --- Which reminders are due ----------------------------------------------------------------------------


def test_a_shift_in_20_hours_gets_the_day_before_reminder_only(mailoutbox, sms_outbox):
    signup = confirmed_signup(20 * HOUR)

    sent = shift_reminders_send()

    assert sent == 1
    assert sent_kinds(signup) == ["24h"]
    assert [message.to for message in mailoutbox] == [[signup.volunteer.email]]
    assert [message["phone"] for message in sms_outbox] == [signup.volunteer.phone]


def test_a_shift_in_1_hour_gets_the_two_hour_reminder_only(mailoutbox, sms_outbox):
    signup = confirmed_signup(HOUR)

    shift_reminders_send()

    assert sent_kinds(signup) == ["2h"]
    assert len(mailoutbox) == 1 and len(sms_outbox) == 1


def test_a_shift_gets_the_day_before_reminder_then_the_two_hour_one(mailoutbox):
    signup = confirmed_signup(20 * HOUR)
    shift_reminders_send()

    # when time passes and the shift is an hour away
    starts_at = timezone.now() + HOUR
    Shift.objects.filter(pk=signup.shift_id).update(starts_at=starts_at, ends_at=starts_at + 3 * HOUR)
    shift_reminders_send()
    shift_reminders_send()

    assert sent_kinds(signup) == ["24h", "2h"]
    assert len(mailoutbox) == 2


@pytest.mark.parametrize(
    "starts_in",
    [30 * HOUR, 24 * HOUR + datetime.timedelta(minutes=1), -HOUR, -datetime.timedelta(minutes=1)],
    ids=["in 30 hours", "just over a day away", "started an hour ago", "started a minute ago"],
)
def test_no_reminder_for_shifts_outside_the_windows(starts_in, mailoutbox, sms_outbox):
    confirmed_signup(starts_in)

    assert shift_reminders_send() == 0
    assert not ShiftReminder.objects.exists()
    assert mailoutbox == [] and sms_outbox == []


def test_no_reminder_for_cancelled_or_waitlisted_signups(mailoutbox):
    shift = add_shift(publish_call(), starts_in=datetime.timedelta(days=3), capacity=1)
    confirmed, waiting, leaving = PersonFactory.create_batch(3)
    signup_create(shift=shift, volunteer=confirmed)
    signup_create(shift=shift, volunteer=waiting)
    signup_cancel(signup=signup_create(shift=shift, volunteer=leaving))
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=timezone.now() + 20 * HOUR, ends_at=timezone.now() + 23 * HOUR
    )

    shift_reminders_send()

    assert [message.to for message in mailoutbox] == [[confirmed.email]]
    assert ShiftReminder.objects.get().signup.volunteer == confirmed


def test_no_reminder_for_a_closed_call(mailoutbox):
    signup = confirmed_signup(20 * HOUR)
    call_close(call=signup.shift.call, actor=None, reason="باران")

    assert shift_reminders_send() == 0
    assert mailoutbox == []


def test_no_reminder_for_an_unpublished_call(mailoutbox):
    signup = confirmed_signup(HOUR)
    signup.shift.call.unpublish()

    assert shift_reminders_send() == 0
    assert mailoutbox == []


def test_no_reminder_for_a_deactivated_person(mailoutbox):
    signup = confirmed_signup(HOUR)
    type(signup.volunteer).objects.filter(pk=signup.volunteer_id).update(is_active=False)

    assert shift_reminders_send() == 0


# --- Exactly once ---------------------------------------------------------------------------------------


def test_running_twice_sends_each_reminder_once(mailoutbox, sms_outbox):
    signups = [confirmed_signup(20 * HOUR), confirmed_signup(HOUR)]

    first_run, second_run = shift_reminders_send(), shift_reminders_send()

    assert (first_run, second_run) == (2, 0)
    assert len(mailoutbox) == 2 and len(sms_outbox) == 2
    assert [sent_kinds(signup) for signup in signups] == [["24h"], ["2h"]]


def test_a_reminder_another_run_already_claimed_is_not_sent(mailoutbox, sms_outbox):
    signup = confirmed_signup(HOUR)
    ShiftReminder.objects.create(signup=signup, kind=ShiftReminder.Kind.HOURS_BEFORE)

    assert shift_reminders_send() == 0
    assert mailoutbox == [] and sms_outbox == []


def test_a_run_working_on_a_stale_batch_does_not_send_again(monkeypatch, mailoutbox, sms_outbox):
    # given a run that selected its batch, and then another run that sent the same reminders meanwhile
    signups = [confirmed_signup(HOUR), confirmed_signup(20 * HOUR)]
    stale_batch = shift_reminders_due()
    assert shift_reminders_send() == 2

    # when the first run goes on with its batch
    monkeypatch.setattr(reminders, "shift_reminders_due", lambda limit: stale_batch)
    sent = shift_reminders_send()

    # then its claims fail on the unique constraint and nobody hears twice
    assert sent == 0
    assert len(mailoutbox) == 2 and len(sms_outbox) == 2
    assert ShiftReminder.objects.filter(signup__in=signups).count() == 2


def test_a_signup_cancelled_after_the_batch_was_selected_gets_no_reminder(monkeypatch, mailoutbox):
    signup = confirmed_signup(20 * HOUR)
    stale_batch = shift_reminders_due()
    signup_cancel(signup=signup)

    monkeypatch.setattr(reminders, "shift_reminders_due", lambda limit: stale_batch)

    assert shift_reminders_send() == 0
    assert mailoutbox == []
    assert not ShiftReminder.objects.exists()


def test_a_failing_send_leaves_no_claim_and_the_next_run_sends_it(settings, sms_outbox):
    signup = confirmed_signup(HOUR)
    settings.SMS_BACKEND = f"{__name__}.FailingSmsBackend"

    assert shift_reminders_send() == 0
    assert FailingSmsBackend.attempts == [signup.volunteer.phone]
    assert not ShiftReminder.objects.exists()

    # when the SMS service is back
    settings.SMS_BACKEND = "volunteers.sms.OutboxSmsBackend"
    assert shift_reminders_send() == 1
    assert sent_kinds(signup) == ["2h"]
    assert [message["phone"] for message in sms_outbox] == [signup.volunteer.phone]


def test_one_failing_person_does_not_hold_up_the_others(settings, monkeypatch, sms_outbox):
    unreachable, reachable = (
        confirmed_signup(HOUR),
        confirmed_signup(2 * HOUR - datetime.timedelta(minutes=1)),
    )
    settings.SMS_BACKEND = f"{__name__}.PickySmsBackend"
    monkeypatch.setattr(PickySmsBackend, "refused_phone", unreachable.volunteer.phone)

    assert shift_reminders_send() == 1

    assert sent_kinds(unreachable) == [] and sent_kinds(reachable) == ["2h"]
    assert [message["phone"] for message in sms_outbox] == [reachable.volunteer.phone]


def test_a_run_stops_when_sending_keeps_failing(settings):
    for _ in range(reminders.REMINDER_MAX_FAILURES_IN_A_ROW + 2):
        confirmed_signup(HOUR)
    settings.SMS_BACKEND = f"{__name__}.FailingSmsBackend"

    assert shift_reminders_send() == 0

    assert len(FailingSmsBackend.attempts) == reminders.REMINDER_MAX_FAILURES_IN_A_ROW
    assert not ShiftReminder.objects.exists()


def test_a_run_sends_one_batch_soonest_shifts_first(mailoutbox):
    later = [confirmed_signup(hours * HOUR) for hours in (22, 21, 20)]
    sooner = [confirmed_signup(minutes * datetime.timedelta(minutes=1)) for minutes in (90, 30)]

    assert shift_reminders_send(batch_size=3) == 3
    assert {signup.pk for signup in sooner} | {later[2].pk} == set(
        ShiftReminder.objects.values_list("signup_id", flat=True)
    )

    assert shift_reminders_send(batch_size=3) == 2
    assert shift_reminders_send(batch_size=3) == 0
    assert len(mailoutbox) == 5


# --- What the reminder says -----------------------------------------------------------------------------


def test_the_reminder_is_in_persian_with_the_call_the_jalali_date_the_address_and_a_link(
    client, mailoutbox, sms_outbox
):
    call = publish_call(address_fa="میدان نقش جهان، ضلع شمالی")
    signup = confirmed_signup(20 * HOUR, call=call)

    shift_reminders_send()

    (message,) = mailoutbox
    (sms,) = sms_outbox
    url = call_public_url(call)
    date = format_date(signup.shift.starts_at, with_time=True, with_weekday=True, language="fa")
    for text in (message.body, sms["text"]):
        assert call.title in text
        assert date in text
        assert "میدان نقش جهان، ضلع شمالی" in text
        assert url in text
    assert call.title in message.subject
    assert url.startswith(f"{settings.WAGTAILADMIN_BASE_URL}/") and url.endswith(f"/{call.slug}/")
    assert client.get(url.removeprefix(settings.WAGTAILADMIN_BASE_URL)).status_code == 200


def test_the_link_has_no_language_prefix_whatever_language_is_active():
    call = publish_call()

    with translation.override("en"):
        english_active = call_public_url(call)

    assert english_active == call_public_url(call)
    assert "/en/" not in english_active


# --- The task and its schedule --------------------------------------------------------------------------


def test_the_task_sends_the_due_reminders_once(mailoutbox):
    confirmed_signup(HOUR)

    assert send_shift_reminders_task.delay().get() == 1
    assert send_shift_reminders_task.delay().get() == 0
    assert len(mailoutbox) == 1


def test_beat_runs_the_reminders_every_five_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["send-shift-reminders"]

    assert entry["task"] == send_shift_reminders_task.name
    assert entry["schedule"] == 300.0


# --- Runs in parallel on PostgreSQL ---------------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_runs_send_each_reminder_once(request, settings, mailoutbox, sms_outbox):
    # given reminders due, and an SMS service slow enough for four runs to overlap
    if connection.vendor != "postgresql":
        reason = (
            request.config.stash.get(postgres_missing_reason_key, None) or "DATABASE_URL is not PostgreSQL"
        )
        skip_or_fail(f"Parallel runs need PostgreSQL's unique index locks. {reason}")
    signups = [confirmed_signup(HOUR) for _ in range(3)] + [confirmed_signup(20 * HOUR) for _ in range(2)]
    settings.SMS_BACKEND = f"{__name__}.SlowSmsBackend"

    # when four runs start at once, each with its own database connection
    results = run_together(lambda _: shift_reminders_send(), range(4))

    # then each reminder went out once, by whichever run claimed it (the sign-ups' own confirmations,
    # sent when they were made, are not reminders)
    assert sum(results) == 5
    confirmed = "قطعی شد"  # in the confirmation's text and subject
    reminders = [message for message in sms_outbox if confirmed not in message["text"]]
    assert sorted(message["phone"] for message in reminders) == sorted(s.volunteer.phone for s in signups)
    assert len([message for message in mailoutbox if confirmed not in message.subject]) == 5
    assert ShiftReminder.objects.count() == 5


def test_each_person_is_reminded_in_their_own_language(mailoutbox):
    english_reader = PersonFactory(preferred_language="en")
    persian_reader = PersonFactory(preferred_language="fa")
    call = publish_call(title="پاک‌سازی پارک", title_en="Park clean-up")
    confirmed_signup(20 * HOUR, call=call, volunteer=english_reader)
    confirmed_signup(20 * HOUR, call=call, volunteer=persian_reader)

    with translation.override("fa"):  # the worker runs in the site's language
        shift_reminders_send()

    bodies = {message.to[0]: message.subject + message.body for message in mailoutbox}
    english, persian = bodies[english_reader.email], bodies[persian_reader.email]
    assert "Park clean-up" in english and "پاک‌سازی پارک" not in english
    assert "پاک‌سازی پارک" in persian and "Park clean-up" not in persian
