import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import CalendarFeed, Shift
from campaigns.reminders import (
    CalendarEvent,
    calendar_feed_get_or_create,
    calendar_feed_reset,
    calendar_feed_url,
    call_public_url,
    ical_calendar,
    ical_escape_text,
    ical_fold,
)
from campaigns.services import call_close, signup_cancel, signup_create
from campaigns.tests.factories import PersonFactory, add_shift, publish_call

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
UTC_DATE_TIME = re.compile(r"^\d{8}T\d{6}Z$")


def unfold(text: str) -> list[str]:
    """The content lines of iCalendar text: CRLF followed by a space continues the line before."""
    assert text.endswith("\r\n")
    return text[: -len("\r\n")].replace("\r\n ", "").split("\r\n")


def properties(lines: list[str], name: str) -> list[str]:
    return [line.split(":", 1)[1] for line in lines if line.split(":", 1)[0].split(";")[0] == name]


def events(text: str) -> list[dict[str, str]]:
    """Each VEVENT's properties by name (parameters dropped)."""
    found, current = [], None
    for line in unfold(text):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            name, value = line.split(":", 1)
            current[name.split(";")[0]] = value
    return found


def assert_valid_icalendar(text: str) -> None:
    """CRLF line endings, lines of at most 75 octets, balanced components, required properties."""
    physical_lines = text.split("\r\n")
    assert physical_lines[-1] == ""
    for line in physical_lines[:-1]:
        assert "\n" not in line and "\r" not in line
        assert len(line.encode("utf-8")) <= 75
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    depth = []
    for line in lines:
        if line.startswith("BEGIN:"):
            depth.append(line.removeprefix("BEGIN:"))
        elif line.startswith("END:"):
            assert depth.pop() == line.removeprefix("END:")
    assert depth == []
    for event in events(text):
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert required in event
        for moment in ("DTSTAMP", "DTSTART", "DTEND"):
            assert UTC_DATE_TIME.match(event[moment])


def utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def move_shift(shift: Shift, starts_in: datetime.timedelta) -> None:
    starts_at = timezone.now() + starts_in
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=3)
    )


# --- The iCalendar writer ------------------------------------------------------------------------------


def test_text_values_escape_backslash_semicolon_comma_and_line_breaks():
    assert ical_escape_text("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_control_characters_are_dropped_from_text_values():
    assert ical_escape_text("a\x00b\x07c\tD\x7f") == "abc\tD"


def test_lines_up_to_75_octets_are_not_folded():
    assert ical_fold("S" * 75) == "S" * 75


def test_longer_lines_fold_at_75_octets_with_a_space_starting_each_continuation():
    folded = ical_fold("S" * 200)

    lines = folded.split("\r\n")
    assert [len(line) for line in lines] == [75, 75, 52]
    assert all(line.startswith(" ") for line in lines[1:])
    assert folded.replace("\r\n ", "") == "S" * 200


def test_folding_never_splits_a_persian_letter():
    line = "SUMMARY:" + "پاکسازی بوستان ناژوان " * 10

    folded = ical_fold(line)

    for physical_line in folded.split("\r\n"):
        assert len(physical_line.encode("utf-8")) <= 75
        physical_line.encode("utf-8").decode("utf-8")  # each piece is whole characters
    assert folded.replace("\r\n ", "") == line


def test_a_calendar_of_one_event_is_valid_icalendar():
    starts_at = datetime.datetime(2026, 3, 20, 6, 30, tzinfo=datetime.UTC)
    event = CalendarEvent(
        uid="shift-1@example.org",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        summary="نوروز, ساحل; زاینده‌رود\\",
        location="پل خواجو",
        url="https://example.org/calls/a,b/",
        description="خط یک\nخط دو",
    )

    text = ical_calendar(events=[event], now=starts_at)

    assert_valid_icalendar(text)
    (parsed,) = events(text)
    assert parsed["DTSTART"] == "20260320T063000Z" and parsed["DTEND"] == "20260320T083000Z"
    assert parsed["SUMMARY"] == "نوروز\\, ساحل\\; زاینده‌رود\\\\"
    assert parsed["DESCRIPTION"] == "خط یک\\nخط دو"
    assert parsed["URL"] == "https://example.org/calls/a,b/"
    assert parsed["STATUS"] == "CONFIRMED"


# --- A person's feed ----------------------------------------------------------------------------------


def test_the_feed_address_is_made_once_and_kept():
    person = PersonFactory()

    feed = calendar_feed_get_or_create(user=person)

    assert len(feed.token) >= 32
    assert calendar_feed_get_or_create(user=person).token == feed.token
    assert calendar_feed_url(feed=feed) == f"http://testserver/calendar/{feed.token}.ics"


def test_the_feed_lists_exactly_the_persons_confirmed_upcoming_and_recent_shifts(client):
    # given a person with shifts of every kind, and someone else on one of the same shifts
    person, other, first_in_line = PersonFactory.create_batch(3)
    call = publish_call()
    upcoming = signup_create(shift=add_shift(call, starts_in=2 * DAY), volunteer=person)
    recent = signup_create(shift=add_shift(call, starts_in=3 * DAY), volunteer=person)
    move_shift(recent.shift, -10 * DAY)
    long_ago = signup_create(shift=add_shift(call, starts_in=3 * DAY), volunteer=person)
    move_shift(long_ago.shift, -40 * DAY)
    full_shift = add_shift(call, starts_in=4 * DAY, capacity=1)
    signup_create(shift=full_shift, volunteer=first_in_line)
    signup_create(shift=full_shift, volunteer=person)  # waiting in line
    signup_cancel(signup=signup_create(shift=add_shift(call, starts_in=5 * DAY), volunteer=person))
    others = signup_create(shift=upcoming.shift, volunteer=other)
    calendar_feed_get_or_create(user=other)
    feed = calendar_feed_get_or_create(user=person)

    # when their calendar app fetches the feed
    response = client.get(f"/calendar/{feed.token}.ics")

    # then it holds their two confirmed shifts, soonest first, and nothing of the other person's
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert_valid_icalendar(text)
    assert [event["UID"] for event in events(text)] == [
        f"signup-{recent.pk}@testserver",
        f"signup-{upcoming.pk}@testserver",
    ]
    assert f"signup-{others.pk}@" not in text
    assert other.username not in text and other.email not in text and other.phone not in text


def test_each_feed_event_describes_the_shift(client):
    call = publish_call(
        title="پاکسازی بوستان، بخش شمالی; صبح",
        address_fa="بوستان ناژوان، درب ۲",
        contact_name="رضا",
        contact_phone="03131234567",
    )
    person = PersonFactory()
    signup = signup_create(shift=add_shift(call, starts_in=2 * DAY), volunteer=person)
    feed = calendar_feed_get_or_create(user=person)

    text = client.get(f"/calendar/{feed.token}.ics").content.decode("utf-8")

    (event,) = events(text)
    assert event["DTSTART"] == utc(signup.shift.starts_at)
    assert event["DTEND"] == utc(signup.shift.ends_at)
    assert event["SUMMARY"] == "پاکسازی بوستان، بخش شمالی\\; صبح"
    assert event["LOCATION"] == "بوستان ناژوان، درب ۲"
    assert event["URL"] == call_public_url(call)
    assert "03131234567" in event["DESCRIPTION"] and call_public_url(call) in event["DESCRIPTION"]
    assert event["STATUS"] == "CONFIRMED"
    assert "NAME" in {line.split(":")[0] for line in unfold(text)}


def test_a_shift_of_a_closed_call_shows_as_cancelled(client):
    person = PersonFactory()
    call = publish_call()
    signup_create(shift=add_shift(call), volunteer=person)
    call_close(call=call, actor=None)
    feed = calendar_feed_get_or_create(user=person)

    (event,) = events(client.get(f"/calendar/{feed.token}.ics").content.decode("utf-8"))

    assert event["STATUS"] == "CANCELLED"


def test_the_feed_is_a_private_calendar_file(client):
    feed = calendar_feed_get_or_create(user=PersonFactory())

    response = client.get(f"/calendar/{feed.token}.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="hamyar-shifts.ics"'
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


def test_the_feed_takes_the_same_number_of_queries_for_many_shifts(client):
    person = PersonFactory()
    feed = calendar_feed_get_or_create(user=person)
    signup_create(shift=add_shift(publish_call()), volunteer=person)
    client.get(f"/calendar/{feed.token}.ics")  # fills Wagtail's cache of site root paths
    with CaptureQueriesContext(connection) as one_shift:
        client.get(f"/calendar/{feed.token}.ics")

    for days in range(3, 6):  # one person's shifts never overlap
        signup_create(
            shift=add_shift(publish_call(), starts_in=datetime.timedelta(days=days)), volunteer=person
        )
    with CaptureQueriesContext(connection) as four_shifts:
        response = client.get(f"/calendar/{feed.token}.ics")

    assert len(events(response.content.decode("utf-8"))) == 4
    assert len(four_shifts) == len(one_shift)


@pytest.mark.parametrize(
    "path",
    ["/calendar/" + "x" * 43 + ".ics", "/calendar/short.ics", "/calendar/" + "x" * 42 + "..ics"],
    ids=["unknown token", "too short", "not a token's characters"],
)
def test_an_unknown_feed_address_does_not_exist(client, path):
    calendar_feed_get_or_create(user=PersonFactory())

    assert client.get(path).status_code == 404


def test_resetting_the_feed_address_retires_the_old_one(client):
    person = PersonFactory()
    old = calendar_feed_get_or_create(user=person)

    new = calendar_feed_reset(user=person)

    assert new.token != old.token
    assert CalendarFeed.objects.filter(user=person).count() == 1
    assert client.get(f"/calendar/{old.token}.ics").status_code == 404
    assert client.get(f"/calendar/{new.token}.ics").status_code == 200


def test_a_deactivated_persons_feed_does_not_exist(client):
    person = PersonFactory()
    feed = calendar_feed_get_or_create(user=person)
    type(person).objects.filter(pk=person.pk).update(is_active=False)

    assert client.get(f"/calendar/{feed.token}.ics").status_code == 404


# --- One shift to download ----------------------------------------------------------------------------


def test_anyone_can_download_a_shift_of_a_live_call(client):
    shift = add_shift(publish_call(title="راهنمای گردشگران"))

    response = client.get(reverse("calendar:shift", kwargs={"shift_id": shift.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="hamyar-shift-{shift.pk}.ics"'
    text = response.content.decode("utf-8")
    assert_valid_icalendar(text)
    (event,) = events(text)
    assert event["UID"] == f"shift-{shift.pk}@testserver"
    assert event["SUMMARY"] == "راهنمای گردشگران"
    assert event["DTSTART"] == utc(shift.starts_at)
    assert "NAME" not in {line.split(":")[0] for line in unfold(text)}


def test_a_shift_of_a_draft_call_cannot_be_downloaded(client):
    shift = add_shift(publish_call(live=False))

    assert client.get(f"/calendar/shifts/{shift.pk}.ics").status_code == 404


def test_a_shift_that_does_not_exist_cannot_be_downloaded(client):
    assert client.get("/calendar/shifts/999999.ics").status_code == 404


# --- Where people find their calendars ---------------------------------------------------------------


def test_calendar_files_link_to_the_address_they_were_fetched_from(client):
    # The site serves on another port than the notices' base address (`PORT=8123 ./dev run`).
    call = publish_call()
    person = PersonFactory()
    shift = add_shift(call, starts_in=2 * DAY)
    signup_create(shift=shift, volunteer=person)
    feed = calendar_feed_get_or_create(user=person)

    feed_text = client.get(f"/calendar/{feed.token}.ics", HTTP_HOST="127.0.0.1:8123").content.decode()
    shift_text = client.get(f"/calendar/shifts/{shift.pk}.ics", HTTP_HOST="127.0.0.1:8123").content.decode()

    for text in (feed_text, shift_text):
        (event,) = events(text)
        assert event["URL"].startswith("http://127.0.0.1:8123/"), event["URL"]


def test_my_shifts_offers_the_feed_address_each_shifts_file_and_a_new_address(client):
    person = PersonFactory()
    shift = add_shift(publish_call(), starts_in=2 * DAY)
    signup_create(shift=shift, volunteer=person)
    client.force_login(person)

    page = client.get(reverse("volunteer:my_shifts")).content.decode()

    feed = CalendarFeed.objects.get(user=person)
    assert f'value="http://testserver/calendar/{feed.token}.ics"' in page
    assert f'href="webcal://testserver/calendar/{feed.token}.ics"' in page
    assert f'href="/calendar/shifts/{shift.pk}.ics"' in page

    response = client.post(reverse("volunteer:calendar_feed_reset"))

    assert response.status_code == 302
    new_token = CalendarFeed.objects.get(user=person).token
    assert new_token != feed.token
    assert client.get(f"/calendar/{feed.token}.ics").status_code == 404
    assert new_token in client.get(reverse("volunteer:my_shifts")).content.decode()


def test_a_calls_page_offers_each_upcoming_shift_as_a_calendar_file(client):
    call = publish_call()
    shift = add_shift(call, starts_in=2 * DAY)

    page = client.get(call.url).content.decode()

    assert f'href="/calendar/shifts/{shift.pk}.ics"' in page


def test_the_api_gives_my_calendar_address_and_a_new_one(client):
    from volunteers.services import api_token_create

    person = PersonFactory()
    _, secret = api_token_create(user=person, name="app")
    headers = {"authorization": f"Bearer {secret}"}

    first = client.get("/api/v1/me/calendar", headers=headers).json()
    again = client.get("/api/v1/me/calendar", headers=headers).json()
    reset = client.post("/api/v1/me/calendar/reset", headers=headers).json()

    feed = CalendarFeed.objects.get(user=person)
    assert first == again
    assert reset == {
        "url": f"http://testserver/calendar/{feed.token}.ics",
        "subscribe_url": f"webcal://testserver/calendar/{feed.token}.ics",
    }
    assert reset["url"] != first["url"]
    assert client.get("/api/v1/me/calendar").status_code == 401


def test_my_shifts_shows_the_latest_past_shifts_and_the_rest_on_ask(client):
    from bs4 import BeautifulSoup

    from campaigns.models import SignUp
    from campaigns.volunteer_views import PAST_SHOWN

    person = PersonFactory()
    call = publish_call()
    for days in range(PAST_SHOWN + 5):
        shift = add_shift(call, starts_in=-datetime.timedelta(days=days + 1))
        SignUp.objects.create(shift=shift, volunteer=person, status=SignUp.Status.CONFIRMED)
    client.force_login(person)

    def past_cards(response):
        section = BeautifulSoup(response.content, "html.parser").find(
            "section", attrs={"aria-labelledby": "past-heading"}
        )
        return section, section.select(".signup-list > li")

    section, cards = past_cards(client.get(reverse("volunteer:my_shifts")))
    assert len(cards) == PAST_SHOWN
    assert "۲۵" in section.find("a", href="?past=all#past-heading").get_text()  # all 25, in Persian digits
    _section, all_cards = past_cards(client.get(reverse("volunteer:my_shifts") + "?past=all"))
    assert len(all_cards) == PAST_SHOWN + 5
