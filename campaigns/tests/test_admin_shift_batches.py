"""Staff add a weekly series of shifts, or copy a call's shifts, from the admin: scoped to their own
departments' calls like the single-shift editor, typed in either calendar and any digits, previewed in the
reader's calendar before anything is made."""

import datetime

import jdatetime
import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from wagtail.users.models import UserProfile

from campaigns.models import Shift
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from campaigns.tests.test_admin_calls import staff_of
from core.localization import persian_digits

pytestmark = pytest.mark.django_db

SERIES_URL = "/admin/shift-series/"
COPY_URL = "/admin/shift-copies/"
FRIDAY = 4


def jalali_text(date: datetime.date, digits=persian_digits) -> str:
    value = jdatetime.date.fromgregorian(date=date)
    return digits(f"{value.year}/{value.month:02}/{value.day:02}")


def next_weekday(weekday: int, *, after: int = 1) -> datetime.date:
    """The first `weekday` (Monday 0) at least `after` days from today."""
    day = timezone.localdate() + datetime.timedelta(days=after)
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def series_form(call, **fields) -> dict:
    first_friday = next_weekday(FRIDAY)
    return {
        "call": str(call.pk),
        "weekdays": [str(FRIDAY)],
        "first_date": jalali_text(first_friday),
        "last_date": jalali_text(first_friday + datetime.timedelta(weeks=3)),
        "starts_at": "۰۸:۳۰",
        "ends_at": "۱۱:۰۰",
        "duration": "",
        "capacity": "۱۲",
        "team_places": "۲",
        "checkin_radius_m": "",
        "skip_dates": jalali_text(first_friday + datetime.timedelta(weeks=1)),
        **fields,
    }


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200, response.content.decode()[:3000]
    return BeautifulSoup(response.content, "html.parser")


def has_latin_digits(text: str) -> bool:
    return any(char.isascii() and char.isdigit() for char in text)


@pytest.fixture
def staff():
    return staff_of("urban_services")


def test_the_form_offers_only_the_staff_members_own_calls_with_a_calendar_for_days(client, staff):
    mine = publish_call()
    theirs = publish_call(service_slug="street-traffic-information")
    client.force_login(staff)

    soup = soup_of(client.get(SERIES_URL, {"call": mine.pk}))

    options = {
        option["value"]: option for option in soup.select("select[name=call] option") if option["value"]
    }
    assert set(options) == {str(mine.pk)} and str(theirs.pk) not in options
    assert options[str(mine.pk)].has_attr("selected")
    first_day = soup.select_one("input[name=first_date]")
    assert first_day.has_attr("data-date-picker") and first_day.has_attr("data-date-only")
    assert "js/jalali-picker.js" in str(soup)
    # The week starts on Saturday in Persian.
    assert [box["value"] for box in soup.select("input[name=weekdays]")] == [
        "5",
        "6",
        "0",
        "1",
        "2",
        "3",
        "4",
    ]


def test_staff_preview_a_series_typed_in_persian_digits_then_add_it(client, staff):
    call = publish_call(title="پاکسازی چهارباغ")
    client.force_login(staff)
    data = series_form(call)
    first_friday = next_weekday(FRIDAY)

    preview = soup_of(client.post(SERIES_URL, data))

    assert not Shift.objects.filter(call=call).exists()  # a preview makes nothing
    rows = preview.select(".shift-batch-preview tbody tr")
    assert len(rows) == 3  # four Fridays, one of them skipped
    first_cells = [cell.text.strip() for cell in rows[0].select("td")]
    jalali_first = jdatetime.date.fromgregorian(date=first_friday)
    assert first_cells[0].startswith("جمعه " + persian_digits(str(jalali_first.day)))
    assert persian_digits("08:30") in first_cells[0] and persian_digits("11:00") in first_cells[1]
    assert first_cells[2:4] == ["۱۲", "۲"]
    summary = [part.text for part in preview.select(".shift-batch-preview p")]
    assert "۳ نوبت" in summary[0]
    skipped = jdatetime.date.fromgregorian(date=first_friday + datetime.timedelta(weeks=1))
    assert persian_digits(str(skipped.day)) in summary[1]
    shown = "".join(
        part.text for part in preview.select(".shift-batch-preview p, .shift-batch-preview table")
    )
    assert not has_latin_digits(shown)
    confirm = preview.select_one(".shift-batch-preview form")
    hidden = {field["name"]: field.get("value", "") for field in confirm.select("input[type=hidden]")}
    assert hidden["starts_at"] == "۰۸:۳۰" and hidden["weekdays"] == str(FRIDAY)

    response = client.post(SERIES_URL, {**data, "confirm": "1"})

    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[call.pk])
    shifts = list(Shift.objects.filter(call=call).order_by("starts_at"))
    assert [timezone.localtime(shift.starts_at).date() for shift in shifts] == [
        first_friday,
        first_friday + datetime.timedelta(weeks=2),
        first_friday + datetime.timedelta(weeks=3),
    ]
    assert {
        (timezone.localtime(s.starts_at).time(), timezone.localtime(s.ends_at).time()) for s in shifts
    } == {(datetime.time(8, 30), datetime.time(11))}
    assert {(shift.capacity, shift.team_places) for shift in shifts} == {(12, 2)}
    told = [str(message) for message in get_messages(response.wsgi_request)]
    assert len(told) == 1 and "۳ نوبت" in told[0] and not has_latin_digits(told[0])

    # Confirming again (a double click) adds nothing.
    again = client.post(SERIES_URL, {**data, "confirm": "1"})
    assert again.status_code == 302 and Shift.objects.filter(call=call).count() == 3


def test_the_series_accepts_a_length_instead_of_an_end_and_gregorian_dates(client, staff):
    call = publish_call()
    client.force_login(staff)
    first_friday = next_weekday(FRIDAY)
    data = series_form(
        call,
        first_date=first_friday.isoformat(),
        last_date=first_friday.isoformat(),
        ends_at="",
        duration="۲٫۵",
        skip_dates="",
    )

    response = client.post(SERIES_URL, {**data, "confirm": "1"})

    assert response.status_code == 302
    shift = Shift.objects.get(call=call)
    assert shift.ends_at - shift.starts_at == datetime.timedelta(hours=2, minutes=30)


@pytest.mark.parametrize(
    ("fields", "field_with_error"),
    [
        ({"weekdays": []}, "weekdays"),
        ({"ends_at": "", "duration": ""}, "ends_at"),
        ({"duration": "۲"}, "duration"),
        ({"first_date": "۱۴۰۵/۱۳/۰۱"}, "first_date"),
        ({"skip_dates": "فردا"}, "skip_dates"),
        ({"team_places": "۱۳"}, "team_places"),
    ],
)
def test_a_series_form_with_a_mistake_says_where(client, staff, fields, field_with_error):
    call = publish_call()
    client.force_login(staff)

    soup = soup_of(client.post(SERIES_URL, {**series_form(call, **fields), "confirm": "1"}))

    assert soup.select_one(f"[name={field_with_error}]")
    assert soup.select(".error-message, .w-field__errors")
    assert not soup.select_one(".shift-batch-preview")
    assert not Shift.objects.filter(call=call).exists()


def test_a_series_too_long_is_refused_with_the_limit_in_persian_digits(client, staff):
    call = publish_call()
    client.force_login(staff)
    first = timezone.localdate() + datetime.timedelta(days=1)
    data = series_form(
        call,
        weekdays=[str(day) for day in range(7)],
        first_date=jalali_text(first),
        last_date=jalali_text(first + datetime.timedelta(days=250)),
        skip_dates="",
    )

    soup = soup_of(client.post(SERIES_URL, {**data, "confirm": "1"}))

    assert "۲۰۰" in soup.select_one("main, body").text
    assert not Shift.objects.filter(call=call).exists()


def test_staff_of_another_department_cannot_add_shifts_to_the_call(client):
    call = publish_call()
    client.force_login(staff_of("traffic"))

    soup = soup_of(client.post(SERIES_URL, {**series_form(call), "confirm": "1"}))

    assert soup.select_one("[name=call]")
    assert not Shift.objects.filter(call=call).exists()


def test_people_who_may_not_add_shifts_are_refused(client):
    call = publish_call()
    # In the admin, but with no permission on shifts: sent back to the dashboard, nothing made.
    person = PersonFactory(is_staff=True)
    person.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(person)

    series = client.post(SERIES_URL, {**series_form(call), "confirm": "1"})
    copy = client.post(COPY_URL, {"source": call.pk, "target": call.pk, "weeks": "1", "confirm": "1"})

    assert (series.status_code, series["Location"]) == (302, "/admin/")
    assert (copy.status_code, copy["Location"]) == (302, "/admin/")
    assert not Shift.objects.filter(call=call).exists()
    client.logout()
    assert client.get(SERIES_URL)["Location"].startswith("/admin/login/")


def test_staff_copy_a_week_of_shifts_a_week_later(client, staff):
    call = publish_call()
    monday = next_weekday(0)
    for day, hour in ((0, 9), (2, 17)):
        start = timezone.make_aware(
            datetime.datetime.combine(monday + datetime.timedelta(days=day), datetime.time(hour))
        )
        Shift.objects.create(
            call=call, starts_at=start, ends_at=start + datetime.timedelta(hours=2), capacity=6
        )
    client.force_login(staff)
    data = {
        "source": str(call.pk),
        "first_date": jalali_text(monday),
        "last_date": jalali_text(monday + datetime.timedelta(days=6)),
        "target": str(call.pk),
        "weeks": "۱",
        "days": "۰",
    }

    preview = soup_of(client.post(COPY_URL, data))
    assert len(preview.select(".shift-batch-preview tbody tr")) == 2
    assert Shift.objects.filter(call=call).count() == 2

    response = client.post(COPY_URL, {**data, "confirm": "1"})

    assert response.status_code == 302
    starts = sorted(timezone.localtime(shift.starts_at) for shift in Shift.objects.filter(call=call))
    assert [(start.date() - monday).days for start in starts] == [0, 2, 7, 9]
    assert [start.hour for start in starts] == [9, 17, 9, 17]


def test_the_copy_form_offers_only_the_staff_members_own_calls(client, staff):
    mine = publish_call()
    add_shift(mine)
    theirs = publish_call(service_slug="street-traffic-information")
    client.force_login(staff)

    form = soup_of(client.get(COPY_URL, {"call": mine.pk}))
    refused = soup_of(
        client.post(
            COPY_URL, {"source": mine.pk, "target": theirs.pk, "weeks": "0", "days": "0", "confirm": "1"}
        )
    )

    assert {option["value"] for option in form.select("select[name=target] option") if option["value"]} == {
        str(mine.pk)
    }
    assert refused.select_one("[name=target]")
    assert not Shift.objects.filter(call=theirs).exists()


def test_the_calls_shifts_panel_and_the_shift_list_link_to_both_tools(client, staff):
    call = publish_call()
    client.force_login(staff)

    editor = client.get(reverse("wagtailadmin_pages:edit", args=[call.pk])).content.decode()
    listing = client.get("/admin/campaigns_shift/").content.decode()

    assert f"{SERIES_URL}?call={call.pk}" in editor and f"{COPY_URL}?call={call.pk}" in editor
    assert SERIES_URL in listing and COPY_URL in listing


def test_the_english_admin_previews_in_the_gregorian_calendar(client, staff):
    profile = UserProfile.get_for_user(staff)
    profile.preferred_language = "en"
    profile.save()
    call = publish_call()
    client.force_login(staff)
    first_friday = next_weekday(FRIDAY)

    preview = soup_of(
        client.post(
            SERIES_URL,
            series_form(call, first_date=jalali_text(first_friday), last_date=first_friday.isoformat()),
        )
    )

    cells = [cell.text.strip() for cell in preview.select(".shift-batch-preview tbody tr")[0].select("td")]
    assert cells[0] == f"Friday {first_friday.day} {first_friday:%B %Y}, 08:30"
    assert [box["value"] for box in preview.select("input[name=weekdays]")][0] == "0"  # from Monday
