"""Reminders of upcoming shifts and calendars of shifts: a self-contained capability.

It holds its own services and selectors (rather than campaigns/services.py and selectors.py) and its own
small iCalendar (RFC 5545) writer; it reads sign-ups, shifts and calls and changes none of them.

- Reminders: `shift_reminders_send` runs from beat every few minutes (`send_shift_reminders_task`) and
  reminds each person confirmed for a shift once a day before ("24h") and once shortly before ("2h"),
  by e-mail and SMS, exactly once per sign-up and kind (see `_shift_reminder_claim_and_send`).
- Calendars: a secret feed per person (`/calendar/<token>.ics`) of their confirmed shifts, and a
  download of one shift (`/calendar/shifts/<id>.ics`) for anyone.

People promoted from the waiting list are already told by `notify_signup_promoted_task`. Telling people
whose sign-up staff cancel is left for later.
"""

import datetime
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, Exists, OuterRef, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.localization import format_date
from volunteers.notifications import person_language, person_notify

from .models import CalendarFeed, CallClosure, OpenCallPage, Shift, ShiftReminder, SignUp

logger = logging.getLogger(__name__)

# The city's language: reminders and calendars are read outside any request (SMS, calendar apps).
CITY_LANGUAGE = "fa"


def site_base_url(base_url: str | None = None) -> str:
    """The site's address without a trailing slash: `base_url` (the address a request came to) when given,
    else WAGTAILADMIN_BASE_URL, the setting that names it for notices sent from the worker."""
    return (base_url or settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def call_public_url(call: OpenCallPage, *, base_url: str | None = None, language: str | None = None) -> str:
    """The absolute address of the call's public page, for messages and calendars read outside the site.

    Built on `site_base_url` rather than on Wagtail's `get_full_url()`, which takes the host from the
    Site record (created as `localhost` by a migration and easily left so in production).
    """
    base_url = site_base_url(base_url)
    # The default language has no prefix; a worker or calendar request might have another one active.
    with translation.override(language or settings.LANGUAGE_CODE):
        url_parts = call.get_url_parts()
    if not url_parts or not url_parts[2]:
        return f"{base_url}/"
    return f"{base_url}{url_parts[2]}"


# --- Reminders ------------------------------------------------------------------------------------------

REMINDER_BATCH_SIZE = 500
# A run stops after this many sends fail in a row: the e-mail or SMS service is probably down, and each
# failed attempt may already have sent the e-mail half of a reminder that will be sent again later.
REMINDER_MAX_FAILURES_IN_A_ROW = 5
REMINDER_WINDOWS = {
    ShiftReminder.Kind.DAY_BEFORE: datetime.timedelta(hours=24),
    ShiftReminder.Kind.HOURS_BEFORE: datetime.timedelta(hours=2),
}


def _signups_in_reminder_window(*, now: datetime.datetime) -> QuerySet[SignUp]:
    """Confirmed sign-ups of active people for shifts of live, open calls starting in the next 24 hours,
    each annotated with the reminder now due: "2h" in the last two hours before the start, else "24h".

    The windows do not overlap, so a sign-up made (or a reminder run missed) less than two hours before
    the shift gets only the "2h" reminder.
    """
    day_window = REMINDER_WINDOWS[ShiftReminder.Kind.DAY_BEFORE]
    hours_window = REMINDER_WINDOWS[ShiftReminder.Kind.HOURS_BEFORE]
    return (
        SignUp.objects.filter(
            status=SignUp.Status.CONFIRMED,
            volunteer__is_active=True,
            shift__starts_at__gt=now,
            shift__starts_at__lte=now + day_window,
            shift__call__live=True,
        )
        .filter(~Exists(CallClosure.objects.filter(call_id=OuterRef("shift__call_id"))))
        .annotate(
            due_kind=Case(
                When(
                    shift__starts_at__lte=now + hours_window,
                    then=Value(ShiftReminder.Kind.HOURS_BEFORE.value),
                ),
                default=Value(ShiftReminder.Kind.DAY_BEFORE.value),
                output_field=CharField(),
            )
        )
    )


def shift_reminders_due(*, now: datetime.datetime | None = None, limit: int = REMINDER_BATCH_SIZE) -> list:
    """Up to `limit` sign-ups whose due reminder (in `due_kind`) has not been sent, soonest shift first,
    so that "2h" reminders never wait behind a backlog of "24h" ones."""
    now = now or timezone.now()
    already_sent = ShiftReminder.objects.filter(signup_id=OuterRef("pk"), kind=OuterRef("due_kind"))
    return list(
        _signups_in_reminder_window(now=now)
        .filter(~Exists(already_sent))
        .select_related("volunteer", "shift__call")
        .order_by("shift__starts_at", "pk")[:limit]
    )


def _reminder_message(*, signup: SignUp, kind: str, language: str) -> tuple[str, str]:
    """The reminder in the person's language: the call's title, address and page in it too."""
    call = signup.shift.call
    with translation.override(language):
        values = {
            "call": call.localized_title,
            "date": format_date(signup.shift.starts_at, with_time=True, with_weekday=True),
            "address": call.address,
            "url": call_public_url(call, language=language),
        }
        if kind == ShiftReminder.Kind.DAY_BEFORE:
            subject = _("Reminder: your shift for “%(call)s”") % values
            text = (
                _("Reminder: your shift for “%(call)s” is on %(date)s at %(address)s. Details: %(url)s")
                % values
            )
        else:
            subject = _("Your shift for “%(call)s” starts soon") % values
            text = (
                _("Your shift for “%(call)s” starts soon, on %(date)s, at %(address)s. Details: %(url)s")
                % values
            )
    return subject, text


def _shift_reminder_claim_and_send(*, signup: SignUp, kind: str) -> bool:
    """Claims the sign-up's reminder of this kind and sends it, in one transaction. False: not sent,
    because another run claimed it or the sign-up is no longer due it.

    The claim is the ShiftReminder row and its unique constraint. A concurrent run inserting the same
    row waits on PostgreSQL's unique index until this transaction ends, then either fails (this run
    sent it) or goes ahead (this run rolled back). If sending raises, the claim is rolled back and a
    later run sends the reminder.

    So the choice is "at least once": if the process dies, or the commit fails, after the e-mail or SMS
    went out, the row is gone and the person gets the reminder twice. That window is the few
    milliseconds of a COMMIT; the other choice (commit the claim, then send) would instead lose the
    reminder for good whenever sending fails, and a missed shift costs the city more than a repeated
    message costs the person. For the same reason, when the SMS fails after the e-mail went out, the
    e-mail is sent again with the retry.
    """
    try:
        with transaction.atomic():
            ShiftReminder.objects.create(signup=signup, kind=kind, sent_at=timezone.now())
            # Read again under a lock on the sign-up: it may have been cancelled (signup_cancel locks the
            # same row), or its call closed, since the batch was selected.
            still_due = (
                _signups_in_reminder_window(now=timezone.now())
                .select_for_update(of=("self",))
                .filter(pk=signup.pk, due_kind=kind)
                .values_list("pk", flat=True)
            )
            if not list(still_due):
                transaction.set_rollback(True)
                return False
            language = person_language(signup.volunteer)
            subject, text = _reminder_message(signup=signup, kind=kind, language=language)
            person_notify(user=signup.volunteer, subject=subject, text=text, language=language)
    except IntegrityError:
        return False  # another run claimed it first
    return True


def shift_reminders_send(*, batch_size: int = REMINDER_BATCH_SIZE) -> int:
    """Sends the reminders now due, at most `batch_size` of them, each exactly once per sign-up and kind.

    Safe to run twice at once, to retry, or to run again after a crash: the claims decide who sends.
    A reminder that fails to send is logged and left unclaimed for the next run; one person's bad
    address does not hold up the others. Returns how many reminders were sent.
    """
    sent = failures_in_a_row = 0
    for signup in shift_reminders_due(limit=batch_size):
        try:
            was_sent = _shift_reminder_claim_and_send(signup=signup, kind=signup.due_kind)
        except Exception:
            logger.exception("Shift reminder %s for sign-up %s not sent", signup.due_kind, signup.pk)
            failures_in_a_row += 1
            if failures_in_a_row >= REMINDER_MAX_FAILURES_IN_A_ROW:
                logger.error("Stopping shift reminders after %s failures in a row", failures_in_a_row)
                break
            continue
        failures_in_a_row = 0
        if was_sent:
            sent += 1
    return sent


# --- iCalendar text (RFC 5545) --------------------------------------------------------------------------

ICAL_LINE_OCTETS = 75  # a content line longer than this is folded
ICAL_CONTENT_TYPE = "text/calendar; charset=utf-8"
ICAL_PRODID = "-//Hamyar//Volunteer shifts//FA"


def ical_escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma and line breaks escaped, other control characters
    (which TEXT may not hold) dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = "".join(char for char in value if char in "\n\t" or (ord(char) >= 0x20 and ord(char) != 0x7F))
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def ical_fold(line: str) -> str:
    """Folds a content line into lines of at most 75 octets of UTF-8, joined by CRLF and a space, never
    splitting a character (Persian letters take two octets each)."""
    parts, current, current_octets = [], [], 0
    limit = ICAL_LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if current_octets + octets > limit:
            parts.append("".join(current))
            # A continuation line starts with the space, which counts towards its 75 octets.
            current, current_octets, limit = [], 0, ICAL_LINE_OCTETS - 1
        current.append(char)
        current_octets += octets
    parts.append("".join(current))
    return "\r\n ".join(parts)


def ical_datetime(value: datetime.datetime) -> str:
    """A DATE-TIME in UTC ("form #2"), which every calendar reads without a VTIMEZONE."""
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _content_line(name: str, value: str) -> str:
    return ical_fold(f"{name}:{value}") + "\r\n"


@dataclass(frozen=True)
class CalendarEvent:
    """What a VEVENT says, in plain values; `ical_calendar` escapes and formats them."""

    uid: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    summary: str
    location: str = ""
    url: str = ""
    description: str = ""
    cancelled: bool = False


def _event_properties(event: CalendarEvent, *, now: datetime.datetime) -> list[tuple[str, str]]:
    properties = [
        ("UID", ical_escape_text(event.uid)),
        ("DTSTAMP", ical_datetime(now)),
        ("DTSTART", ical_datetime(event.starts_at)),
        ("DTEND", ical_datetime(event.ends_at)),
        ("SUMMARY", ical_escape_text(event.summary)),
    ]
    if event.location:
        properties.append(("LOCATION", ical_escape_text(event.location)))
    if event.url:
        # A URI value is not TEXT and is not escaped; it cannot hold line breaks anyway.
        properties.append(("URL", event.url.replace("\r", "").replace("\n", "")))
    if event.description:
        properties.append(("DESCRIPTION", ical_escape_text(event.description)))
    properties.append(("STATUS", "CANCELLED" if event.cancelled else "CONFIRMED"))
    return [("BEGIN", "VEVENT"), *properties, ("END", "VEVENT")]


def ical_calendar(*, events: Iterable[CalendarEvent], name: str = "", now: datetime.datetime) -> str:
    """A VCALENDAR of the events. A `name` makes it a feed that calendar apps subscribe to and refresh."""
    properties = [
        ("BEGIN", "VCALENDAR"),
        ("VERSION", "2.0"),
        ("PRODID", ICAL_PRODID),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
    ]
    if name:
        properties += [
            ("NAME", ical_escape_text(name)),  # RFC 7986
            ("X-WR-CALNAME", ical_escape_text(name)),  # what older apps read
            ("REFRESH-INTERVAL;VALUE=DURATION", "PT1H"),
            ("X-PUBLISHED-TTL", "PT1H"),
        ]
    for event in events:
        properties += _event_properties(event, now=now)
    properties.append(("END", "VCALENDAR"))
    return "".join(_content_line(property_name, value) for property_name, value in properties)


# --- Calendars ------------------------------------------------------------------------------------------

CALENDAR_PAST_DAYS = 30


def _new_calendar_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits, 43 characters of [A-Za-z0-9_-]


def calendar_feed_get_or_create(*, user) -> CalendarFeed:
    """The person's calendar feed, given a secret address the first time it is asked for."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user, defaults={"token": _new_calendar_token()})
    return feed


@transaction.atomic
def calendar_feed_reset(*, user) -> CalendarFeed:
    """Gives the person's feed a new secret address; the old address stops working at once."""
    feed, _created = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token": _new_calendar_token(), "created_at": timezone.now()}
    )
    return feed


def calendar_feed_get_by_token(*, token: str) -> CalendarFeed | None:
    """The feed with this secret, if its person can still log in; None otherwise."""
    return CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()


def calendar_feed_url(*, feed: CalendarFeed, base_url: str | None = None) -> str:
    """The feed's absolute address, to show the person and paste into a calendar app."""
    path = reverse("calendar:feed", kwargs={"token": feed.token})
    return f"{site_base_url(base_url)}{path}"


def calendar_subscribe_url(*, feed: CalendarFeed, base_url: str | None = None) -> str:
    """The feed's address with the webcal scheme, which phones and desktop calendars open as "subscribe"."""
    return "webcal://" + calendar_feed_url(feed=feed, base_url=base_url).split("://", 1)[1]


def calendar_signups_for_person(*, user, now: datetime.datetime | None = None) -> QuerySet[SignUp]:
    """The person's confirmed sign-ups for shifts not ended or ended in the last 30 days, soonest first,
    each annotated with whether its call was closed."""
    now = now or timezone.now()
    return (
        SignUp.objects.filter(
            volunteer=user,
            status=SignUp.Status.CONFIRMED,
            shift__ends_at__gte=now - datetime.timedelta(days=CALENDAR_PAST_DAYS),
        )
        .select_related("shift__call__service")
        .annotate(call_is_closed=Exists(CallClosure.objects.filter(call_id=OuterRef("shift__call_id"))))
        .order_by("shift__starts_at", "pk")
    )


def _uid_domain() -> str:
    return urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "hamyar"


def _shift_event(*, shift: Shift, uid: str, call_is_closed: bool, base_url: str | None) -> CalendarEvent:
    call = shift.call
    with translation.override(CITY_LANGUAGE):
        url = call_public_url(call, base_url=base_url)
        lines = [str(_("Volunteer shift on Hamyar: %(service)s") % {"service": call.service.short_name})]
        if call.summary_fa:
            lines.append(call.summary_fa)
        if call.contact_name or call.contact_phone:
            contact = f"{call.contact_name} {call.contact_phone}".strip()
            lines.append(str(_("Contact: %(contact)s") % {"contact": contact}))
        lines.append(url)
    return CalendarEvent(
        uid=uid,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        summary=call.title,
        location=call.address_fa,
        url=url,
        description="\n".join(lines),
        # A call that stopped (closed or unpublished) will not go ahead: calendars show it cancelled.
        cancelled=call_is_closed or not call.live,
    )


def calendar_feed_render(*, feed: CalendarFeed, base_url: str | None = None) -> str:
    """The person's feed: one event per confirmed sign-up, its UID stable across refreshes so that
    calendar apps update events in place and drop those of cancelled sign-ups. Links are built on
    `base_url`, the address the calendar app asked (see `site_base_url`)."""
    now = timezone.now()
    domain = _uid_domain()
    events = [
        _shift_event(
            shift=signup.shift,
            uid=f"signup-{signup.pk}@{domain}",
            call_is_closed=signup.call_is_closed,
            base_url=base_url,
        )
        for signup in calendar_signups_for_person(user=feed.user, now=now)
    ]
    with translation.override(CITY_LANGUAGE):
        name = str(_("My shifts on Hamyar"))
    return ical_calendar(events=events, name=name, now=now)


def shift_calendar_render(*, shift: Shift, base_url: str | None = None) -> str:
    """One shift as a calendar file, for anyone to add to their calendar."""
    shift = Shift.objects.select_related("call__service").get(pk=shift.pk)
    event = _shift_event(
        shift=shift,
        uid=f"shift-{shift.pk}@{_uid_domain()}",
        call_is_closed=CallClosure.objects.filter(call_id=shift.call_id).exists(),
        base_url=base_url,
    )
    return ical_calendar(events=[event], now=timezone.now())
