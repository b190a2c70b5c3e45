"""The public open-calls pages: the filtered listing with its map and pages, a call's page, and the
calls on a service's page. Calls are built through the real page tree and published like staff do."""

import datetime
import itertools
import json
import re
from decimal import Decimal

import jdatetime
import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from campaigns.forms import CallFilterForm
from campaigns.models import CallClosure, OpenCallPage, Shift
from campaigns.services import call_index_ensure, department_section_ensure
from city.models import District, Service
from core.localization import format_date, persian_digits
from volunteers.models import Skill

pytestmark = pytest.mark.django_db

PERSIAN_DIGIT = re.compile("[۰-۹]")
_slugs = itertools.count(1)


def day(offset: int, hour: int = 10) -> datetime.datetime:
    """A time `offset` days from today at `hour` o'clock in the city's time zone."""
    date = timezone.localdate() + datetime.timedelta(days=offset)
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour)))


def jalali(date: datetime.date, *, digits=str) -> str:
    value = jdatetime.date.fromgregorian(date=date)
    return digits(f"{value.year}/{value.month:02}/{value.day:02}")


def publish_call(
    *,
    title: str,
    service: str = "painting-and-graffiti-removal",
    district: int = 1,
    summary: str = "یک فراخوان برای شهر",
    shifts=((3, 10, 0),),
    publish: bool = True,
    **fields,
) -> OpenCallPage:
    """A call in its department's section, published (or left as a draft), with shifts given as
    (days from today, places, confirmed places)."""
    service_obj = Service.objects.select_related("department").get(slug=service)
    section = department_section_ensure(department=service_obj.department)
    call = section.add_child(
        instance=OpenCallPage(
            title=title,
            slug=f"call-{next(_slugs)}",
            service=service_obj,
            summary_fa=summary,
            district=District.objects.get(number=district),
            address_fa="اصفهان، خیابان چهارباغ",
            live=publish,
            **fields,
        )
    )
    revision = call.save_revision()
    if publish:
        revision.publish()
    for days_ahead, capacity, confirmed in shifts:
        starts_at = day(days_ahead)
        Shift.objects.create(
            call=call,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=3),
            capacity=capacity,
            confirmed_count=confirmed,
        )
    return call


def get_soup(client, url, data=None):
    response = client.get(url, data or {})
    assert response.status_code == 200, (url, data)
    return BeautifulSoup(response.content, "html.parser")


def card_titles(soup) -> set[str]:
    return {a.text.strip() for a in soup.select(".call-card__title a")}


@pytest.fixture(autouse=True)
def persian_outside_requests():
    """Requests to /en/ leave English active in the thread; page.url and friends outside requests then
    answer in English. Each test starts in the site's language and leaves the language as it found it."""
    with translation.override("fa"):
        yield


@pytest.fixture
def listing_url():
    return call_index_ensure().url


@pytest.fixture
def three_calls():
    """Three calls that differ in every way the listing filters by."""
    return {
        "graffiti": publish_call(
            title="پاکسازی دیوار",
            service="painting-and-graffiti-removal",
            district=1,
            shifts=[(3, 10, 2)],
            summary="دیوارهای چهارباغ را پاک می‌کنیم",
            open_to_teams=True,
            min_age=0,
        ),
        "tour": publish_call(
            title="تور نقش جهان",
            service="cultural-camps-and-city-tours",
            district=2,
            shifts=[(10, 5, 5)],
            summary="گردشگران را راهنمایی کنید",
            open_to_teams=False,
            min_age=18,
        ),
        "traffic": publish_call(
            title="اطلاع‌رسانی ترافیک",
            service="street-traffic-information",
            district=3,
            shifts=[(20, 8, 0)],
            summary="مسیرهای تازهٔ اتوبوس",
            open_to_teams=True,
            min_age=12,
        ),
    }


def test_the_listing_shows_each_published_call_as_a_card_in_persian(client, listing_url):
    call = publish_call(
        title="پاکسازی مادی نیاصرم",
        district=3,
        shifts=[(4, 1200, 0), (9, 5, 5)],
        points_per_hour=25,
        open_to_teams=True,
    )

    soup = get_soup(client, listing_url)

    assert soup.html["dir"] == "rtl"
    assert soup.select_one("#calls-results-heading").text.split()[0] == "۱"
    card = soup.select_one(".call-card")
    assert card.select_one(".call-card__title a")["href"] == call.url
    assert card.select_one(".call-card__title").text.strip() == "پاکسازی مادی نیاصرم"
    assert card.select_one(".call-card__service").text.strip() == call.service.short_name_fa
    assert card.select_one(".call-card__district").text.strip() == "منطقهٔ ۳"
    facts = [dd.text.strip() for dd in card.select(".call-card__facts dd")]
    assert facts == [format_date(day(4), with_time=True, with_weekday=True, language="fa"), "۱٬۲۰۰", "۲۵"]
    assert "۱۴" in facts[0] and not re.search("[0-9]", "".join(facts))  # Jalali year, Persian digits only
    assert card.select_one(".badge--teams")
    assert not card.select_one(".badge--closed")


def test_the_english_listing_shows_gregorian_dates_in_western_digits(client, listing_url):
    publish_call(title="پاکسازی", title_en="Clean-up", shifts=[(4, 12, 0)])

    soup = get_soup(client, f"/en{listing_url}")

    assert soup.html["dir"] == "ltr"
    card = soup.select_one(".call-card")
    assert card.select_one(".call-card__title").text.strip() == "Clean-up"
    next_shift = card.select_one(".call-card__facts dd").text.strip()
    assert next_shift == format_date(day(4), with_time=True, with_weekday=True, language="en")
    assert str(day(4).year) in next_shift
    assert not PERSIAN_DIGIT.search(card.text)
    assert card.select_one(".call-card__title a")["href"].startswith("/en/")


def test_a_closed_call_is_listed_with_a_closed_badge(client, listing_url):
    call = publish_call(title="فراخوان بسته")
    CallClosure.objects.create(call=call, reason="باران")

    card = get_soup(client, listing_url).select_one(".call-card")

    assert "call-card--closed" in card["class"]
    assert card.select_one(".badge--closed")


def test_drafts_and_unpublished_calls_never_appear(client, listing_url):
    publish_call(title="منتشرشده")
    publish_call(title="پیش‌نویس", publish=False)
    withdrawn = publish_call(title="لغوشده")
    withdrawn.unpublish()
    edited = publish_call(title="عنوان منتشرشده")
    edited.title = "عنوان پیش‌نویس"
    edited.save_revision()  # a newer draft of a live call: the public still sees the published title

    soup = get_soup(client, listing_url)

    assert card_titles(soup) == {"منتشرشده", "عنوان منتشرشده"}
    points = json.loads(soup.select_one("#calls-map-points").string)
    assert points == []  # none of them has a position


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"department": "cultural"}, {"tour"}),
        ({"service": "street-traffic-information"}, {"traffic"}),
        ({"district": "3"}, {"traffic"}),
        ({"district": "۳"}, {"traffic"}),  # Persian digits, as a Persian keyboard types them
        ({"date_from": lambda: day(5).date().isoformat()}, {"tour", "traffic"}),
        ({"date_to": lambda: day(5).date().isoformat()}, {"graffiti"}),
        (
            {
                "date_from": lambda: jalali(day(5).date(), digits=persian_digits),
                "date_to": lambda: jalali(day(15).date(), digits=persian_digits),
            },
            {"tour"},
        ),
        ({"has_free_places": "on"}, {"graffiti", "traffic"}),
        ({"open_to_teams": "on"}, {"graffiti", "traffic"}),
        ({"age": "15"}, {"graffiti", "traffic"}),
        ({"age": "۱۵"}, {"graffiti", "traffic"}),
        ({"q": "گردشگران"}, {"tour"}),
        ({"open_to_teams": "on", "age": "15", "district": "1"}, {"graffiti"}),
        ({"department": "urban_services", "date_from": lambda: day(5).date().isoformat()}, set()),
        (
            {"has_free_places": "on", "age": "13", "date_from": lambda: day(15).date().isoformat()},
            {"traffic"},
        ),
    ],
)
def test_each_filter_narrows_the_listing_and_filters_combine(
    client, listing_url, three_calls, query, expected
):
    query = {key: value() if callable(value) else value for key, value in query.items()}
    titles = {name: call.title for name, call in three_calls.items()}

    soup = get_soup(client, listing_url, query)

    assert card_titles(soup) == {titles[name] for name in expected}
    assert not soup.select(".form__errors")


def test_free_places_leaves_out_full_and_closed_calls(client, listing_url):
    publish_call(title="پر", shifts=[(3, 5, 5)])
    CallClosure.objects.create(call=publish_call(title="بسته", shifts=[(3, 5, 0)]))
    publish_call(title="جا دارد", shifts=[(3, 5, 4)])

    assert card_titles(get_soup(client, listing_url, {"has_free_places": "on"})) == {"جا دارد"}


def test_text_search_finds_a_call_by_a_word_in_its_summary(client, listing_url):
    publish_call(title="فراخوان یک", summary="کاشت نهال در بوستان ناژوان")
    publish_call(title="فراخوان دو", summary="رنگ‌آمیزی نیمکت‌ها")

    soup = get_soup(client, listing_url, {"q": "ناژوان"})

    assert card_titles(soup) == {"فراخوان یک"}
    assert soup.select_one("#id_q")["value"] == "ناژوان"


def test_filters_round_trip_through_the_pagination_links(client, listing_url):
    for number in range(14):
        publish_call(title=f"فراخوان {number:02}", district=4, shifts=[(number + 1, 10, 0)])
    publish_call(title="جای دیگر", district=5)
    query = {"district": "4", "q": "", "has_free_places": "on"}

    first = get_soup(client, listing_url, query)

    assert len(first.select(".call-card")) == 12
    assert first.select_one("#calls-results-heading").text.split()[0] == "۱۴"
    next_link = first.select_one(".pagination a[rel=next]")["href"]
    assert next_link == "?district=4&has_free_places=on&page=2"  # empty fields are left out
    second = get_soup(client, f"{listing_url}{next_link}")
    assert len(second.select(".call-card")) == 2
    assert second.select_one(".pagination [aria-current=page]").text.strip().endswith("۲")
    assert second.select_one("#id_district").find("option", selected=True)["value"] == "4"
    assert second.select_one("#id_has_free_places").has_attr("checked")
    assert second.select_one(".pagination a[rel=prev]")["href"] == "?district=4&has_free_places=on&page=1"


def test_parameters_that_are_no_filters_are_neither_filters_nor_carried_along(client, listing_url):
    for number in range(13):
        publish_call(title=f"فراخوان {number:02}", district=4, shifts=[(number + 1, 10, 0)])

    plain = get_soup(client, listing_url, {"utm_source": "sms", "_": "1"})
    filtered = get_soup(client, listing_url, {"district": "4", "utm_source": "sms"})

    assert len(plain.select(".call-card")) == 12
    assert plain.select_one(".pagination a[rel=next]")["href"] == "?page=2"
    assert not plain.select(".call-filters__actions a")  # no "Clear filters": there are none
    assert filtered.select_one(".pagination a[rel=next]")["href"] == "?district=4&page=2"
    assert filtered.select_one(".call-filters__actions a")["href"] == listing_url


def test_the_soonest_calls_come_first(client, listing_url):
    publish_call(title="دیرتر", shifts=[(9, 5, 0)])
    publish_call(title="زودتر", shifts=[(2, 5, 0)])
    publish_call(title="بی‌نوبت", shifts=[])

    soup = get_soup(client, listing_url)

    assert [a.text.strip() for a in soup.select(".call-card__title a")] == ["زودتر", "دیرتر", "بی‌نوبت"]


def test_bad_input_shows_errors_next_to_the_fields_and_still_lists_calls(client, listing_url):
    publish_call(title="فراخوان")

    response = client.get(
        listing_url, {"district": "abc", "date_from": "notadate", "age": "200", "page": "999"}
    )

    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert card_titles(soup) == {"فراخوان"}  # the bad filters are left out; the last page is shown
    summary = soup.select_one(".form__errors[role=alert]")
    assert len(summary.select("li")) == 3
    date_field = soup.select_one("#id_date_from")
    assert date_field["value"] == "notadate"  # what the person typed stays in the box
    assert date_field["aria-invalid"] == "true"
    assert soup.select_one("#id_date_from_error .field__error").text.strip()
    assert soup.select_one("#id_district_error")
    assert soup.select_one("#id_age")["value"] == "200"
    assert soup.select_one(".call-filters__more").has_attr("open")


@pytest.mark.parametrize("page", ["abc", "0", "-3", "999", "۲", ""])
def test_page_numbers_out_of_range_show_a_page_instead_of_an_error(client, listing_url, page):
    for number in range(13):
        publish_call(title=f"فراخوان {number}")

    soup = get_soup(client, listing_url, {"page": page})

    assert soup.select(".call-card")


def test_a_date_range_that_ends_before_it_starts_is_an_error_on_the_end_date(client, listing_url):
    publish_call(title="زود", shifts=[(3, 5, 0)])
    publish_call(title="دیر", shifts=[(40, 5, 0)])
    query = {"date_from": day(30).date().isoformat(), "date_to": day(1).date().isoformat()}

    soup = get_soup(client, listing_url, query)

    assert soup.select_one("#id_date_to_error")
    assert not soup.select_one("#id_date_from_error")
    assert card_titles(soup) == {"دیر"}  # the start date still applies


def test_an_empty_result_offers_to_clear_the_filters(client, listing_url):
    publish_call(title="فراخوان", district=1)

    soup = get_soup(client, listing_url, {"district": "9"})

    assert not soup.select(".call-card")
    assert soup.select_one(".empty a")["href"] == listing_url


def test_the_map_gets_the_positions_of_the_calls_on_the_page(client, listing_url):
    call = publish_call(title="با نقشه", latitude=Decimal("32.654600"), longitude=Decimal("51.668000"))
    publish_call(title="بی نقشه")

    soup = get_soup(client, listing_url)

    points = json.loads(soup.select_one("script#calls-map-points").string)
    assert points == [
        {
            "id": call.pk,
            "title": "با نقشه",
            "url": call.url,
            "lat": 32.6546,
            "lng": 51.668,
            "service": call.service.short_name_fa,
        }
    ]
    map_section = soup.select_one("[data-calls-map]")
    assert map_section.has_attr("hidden")  # shown by the script; without it the list is the page
    assert soup.select_one('script[src$="js/calls-map.js"]')
    assert soup.select_one('script[src$="vendor/leaflet/leaflet.js"]')


def test_the_listing_costs_the_same_queries_however_many_calls_it_shows(client, listing_url):
    publish_call(title="اول", latitude=Decimal("32.6"), longitude=Decimal("51.6"))
    publish_call(title="دوم", service="tourist-tours", district=2)
    client.get(listing_url)  # warm caches shared by every request (site root paths)
    with CaptureQueriesContext(connection) as with_two:
        client.get(listing_url)
    for number in range(10):
        publish_call(
            title=f"فراخوان {number}",
            district=number + 1,
            service="tourist-tours",
            latitude=Decimal("32.6"),
            longitude=Decimal("51.6"),
            shifts=[(2, 5, 0), (6, 5, 1)],
        )

    with CaptureQueriesContext(connection) as with_twelve:
        response = client.get(listing_url)

    assert len(BeautifulSoup(response.content, "html.parser").select(".call-card")) == 12
    assert len(with_twelve) == len(with_two)


def test_the_filter_form_reads_persian_digits_and_jalali_dates():
    form = CallFilterForm({"date_from": "۱۴۰۵/۰۹/۰۱", "date_to": "2026-12-31", "district": "۱۲", "age": "٣٠"})

    filters = form.to_filters()

    assert form.is_valid(), form.errors
    assert filters.date_from == jdatetime.date(1405, 9, 1).togregorian()
    assert filters.date_to == datetime.date(2026, 12, 31)
    assert filters.district == 12
    assert filters.age == 30


@pytest.mark.parametrize("typed", ["1405/13/01", "2026-02-30", "31/12/2026", "دیروز"])
def test_the_filter_form_refuses_dates_that_do_not_exist(typed):
    form = CallFilterForm({"date_from": typed, "district": "2"})

    filters = form.to_filters()

    assert "date_from" in form.errors
    assert filters.date_from is None
    assert filters.district == 2  # the other filters still apply


# --- A call's page -----------------------------------------------------------------------------------


def test_a_call_page_shows_its_details_and_shifts_with_free_places(client):
    skill = Skill.objects.create(slug="first-aid", name_fa="کمک‌های اولیه", name_en="First aid")
    call = publish_call(
        title="راهنمای گردشگران",
        service="tourist-tours",
        district=3,
        min_age=16,
        points_per_hour=15,
        latitude=Decimal("32.657500"),
        longitude=Decimal("51.677600"),
        contact_name="خانم رضایی",
        open_to_teams=False,
        shifts=[(-2, 10, 3), (3, 10, 4), (6, 8, 8)],
    )
    call.required_skills.add(skill)
    call.save_revision().publish()

    soup = get_soup(client, call.url)

    assert soup.h1.text.strip() == "راهنمای گردشگران"
    facts = soup.select_one(".call-facts").text
    assert "منطقهٔ ۳" in facts and "خیابان چهارباغ" in facts
    assert "۱۶" in facts and "۱۵" in facts and "کمک‌های اولیه" in facts and "خانم رضایی" in facts
    # The shifts still to come fill the table, so their sign-up buttons come first on a phone; the ended
    # one is folded away after it.
    rows = soup.select(".shifts-table tbody tr")
    assert len(rows) == 2
    upcoming, full = rows
    assert upcoming.select_one("th time").text.strip() == format_date(
        day(3), with_time=True, with_weekday=True, language="fa"
    )
    assert upcoming.select_one("[data-free-places]").text.strip() == "۶"
    assert not PERSIAN_DIGIT.search(full.select_one("[data-free-places]").text)  # says the shift is full
    past_shift, *upcoming_shifts = call.shifts.order_by("starts_at")
    assert [row["data-shift-id"] for row in rows] == [str(shift.pk) for shift in upcoming_shifts]
    assert all(row.select(".shift-signup") for row in rows)
    past_shifts = soup.select_one(".call-shifts details.call-past-shifts")
    assert soup.select_one(".shifts-table").find_next("details") is past_shifts
    assert datetime.datetime.fromisoformat(past_shifts.select_one("time")["datetime"]) == past_shift.starts_at
    assert not past_shifts.select("[data-free-places], .shift-signup")
    assert soup.select_one("[data-live-shifts]")["data-live-url"] == f"/api/v1/calls/{call.pk}"
    map_element = soup.select_one("[data-calls-map]")
    assert (map_element["data-marker-lat"], map_element["data-marker-lng"]) == ("32.657500", "51.677600")
    assert soup.find(
        "a", href=re.compile(r"^https://www\.openstreetmap\.org/\?mlat=32\.657500&mlon=51\.677600")
    )
    assert not soup.select(".call-notice--closed")


def test_an_english_call_page_shows_gregorian_dates(client):
    call = publish_call(title="تور", title_en="Tour", shifts=[(3, 10, 4)])

    soup = get_soup(client, f"/en{call.url}")

    assert soup.h1.text.strip() == "Tour"
    when = soup.select_one(".shifts-table tbody th time").text.strip()
    assert when == format_date(day(3), with_time=True, with_weekday=True, language="en")
    assert soup.select_one("[data-free-places]").text.strip() == "6"
    assert not PERSIAN_DIGIT.search(soup.select_one(".shifts-table").text)


def test_a_closed_call_says_it_takes_no_new_sign_ups(client):
    call = publish_call(title="بسته")
    CallClosure.objects.create(call=call, reason="پیش‌بینی باران")

    notice = get_soup(client, call.url).select_one(".call-notice--closed")

    assert notice and "پیش‌بینی باران" in notice.text


def test_a_call_page_without_a_position_has_no_map(client):
    call = publish_call(title="بی نقشه")

    soup = get_soup(client, call.url)

    assert not soup.select("[data-calls-map]")
    assert not soup.select('script[src$="leaflet.js"]')


def test_a_draft_call_page_is_not_public(client):
    call = publish_call(title="پیش‌نویس", publish=False)

    assert client.get(call.url).status_code == 404


# --- A service's page ------------------------------------------------------------------------------------


def test_a_service_page_lists_its_calls_ahead_and_links_to_the_filtered_listing(client, listing_url):
    publish_call(title="نوبت دارد", service="tourist-tours")
    publish_call(title="گذشته", service="tourist-tours", shifts=[(-3, 5, 0)])
    publish_call(title="خدمت دیگر", service="painting-and-graffiti-removal")

    soup = get_soup(client, "/services/tourist-tours/")

    calls = soup.select_one(".calls")
    assert card_titles(calls) == {"نوبت دارد"}
    assert not calls.select(".call-card__service")  # the page is the service's own
    assert calls.find("a", href=f"{listing_url}?service=tourist-tours")
    assert not calls.select(".empty")


def test_a_service_page_without_calls_keeps_its_empty_state(client):
    soup = get_soup(client, "/en/services/tourist-tours/")

    assert soup.select_one(".calls .empty")
    assert not soup.select(".calls .call-card")
