"""The open calls' API shows the live, public version of published calls only, with the web listing's
filters, in pages, at a cost in queries that does not grow with the page."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from campaigns.models import CallClosure, OpenCallPage, Shift
from campaigns.tests.factories import publish_call
from city.models import District
from core.pagination import PAGE_MAX
from volunteers.models import Skill

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}
_numbers = itertools.count(1)


def make_call(
    *, service: str = "street-sweeping-and-cleaning", district: int = 1, live: bool = True, **fields
) -> OpenCallPage:
    """A call in its department's section of the page tree, published unless `live` is False."""
    number = next(_numbers)
    values = {
        "title": f"فراخوان {number}",
        "title_en": f"Call {number}",
        "slug": f"call-{number}",
        "summary_fa": "پاکسازی گذر",
        "summary_en": "Cleaning the passage",
        "district": District.objects.get(number=district),
        "address_fa": "خیابان چهارباغ",
        "address_en": "Chaharbagh street",
        **fields,
    }
    return publish_call(service_slug=service, live=live, **values)


def make_shift(
    call: OpenCallPage, *, in_days: float = 2, hours: float = 3, capacity: int = 10, **fields
) -> Shift:
    # Whole seconds: the API's JSON keeps milliseconds only.
    starts_at = timezone.now().replace(microsecond=0) + datetime.timedelta(days=in_days)
    ends_at = starts_at + datetime.timedelta(hours=hours)
    return Shift.objects.create(call=call, starts_at=starts_at, ends_at=ends_at, capacity=capacity, **fields)


def listed_ids(client, **params) -> list[int]:
    response = client.get("/api/v1/calls", params)
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


# --- What a call looks like ------------------------------------------------------------------------------


def test_a_listed_call_carries_its_live_fields_in_persian_by_default(client):
    call = make_call(
        latitude="32.657000", longitude="51.677000", min_age=12, points_per_hour=15, open_to_teams=False
    )
    make_shift(call, in_days=-3, capacity=4)  # over: neither its places nor its start count
    soon = make_shift(call, in_days=1, capacity=5, confirmed_count=2)
    make_shift(call, in_days=4, capacity=6)

    response = client.get("/api/v1/calls")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item == {
        "id": call.pk,
        "title": call.title,
        "title_fa": call.title,
        "title_en": call.title_en,
        "summary": "پاکسازی گذر",
        "service": {"slug": "street-sweeping-and-cleaning", "short_name": call.service.short_name_fa},
        "department": {"slug": "urban_services", "name": call.service.department.name_fa},
        "district": {"number": 1, "name": District.objects.get(number=1).name_fa},
        "address": "خیابان چهارباغ",
        "latitude": 32.657,
        "longitude": 51.677,
        "min_age": 12,
        "open_to_individuals": True,
        "open_to_teams": False,
        "points_per_hour": 15,
        "next_shift_starts_at": item["next_shift_starts_at"],
        "free_places": 3 + 6,
        "is_closed": False,
        "url": f"http://testserver/calls/urban-services/{call.slug}/",
    }
    assert datetime.datetime.fromisoformat(item["next_shift_starts_at"]) == soon.starts_at
    assert client.get(item["url"].removeprefix("http://testserver")).status_code == 200


def test_texts_and_the_address_of_the_page_follow_the_requested_language(client):
    call = make_call()

    item = client.get("/api/v1/calls", headers=ENGLISH).json()["items"][0]
    detail = client.get(f"/api/v1/calls/{call.pk}", headers=ENGLISH).json()

    assert item["title"] == detail["title"] == call.title_en
    assert item["title_fa"] == call.title
    assert item["summary"] == "Cleaning the passage"
    assert item["address"] == "Chaharbagh street"
    assert item["service"]["short_name"] == call.service.short_name_en
    assert item["department"]["name"] == "Urban Services Deputy"
    assert item["district"]["name"] == "District 1"
    assert item["url"] == detail["url"] == f"http://testserver/en/calls/urban-services/{call.slug}/"


def test_english_falls_back_to_persian_where_the_call_has_no_english(client):
    make_call(title_en="", summary_en="", address_en="")

    item = client.get("/api/v1/calls", headers=ENGLISH).json()["items"][0]

    assert item["title"] == item["title_fa"]
    assert item["title_en"] == ""
    assert item["summary"] == "پاکسازی گذر"
    assert item["address"] == "خیابان چهارباغ"


def test_a_call_without_a_map_position_has_null_coordinates_and_no_shift_ahead(client):
    make_call()

    item = client.get("/api/v1/calls").json()["items"][0]

    assert item["latitude"] is item["longitude"] is None
    assert item["next_shift_starts_at"] is None
    assert item["free_places"] == 0


def test_the_detail_has_the_shifts_skills_contact_and_body(client):
    first_aid = Skill.objects.create(slug="first-aid", name_fa="کمک‌های اولیه", name_en="First aid")
    call = make_call(
        contact_name="مریم رضایی",
        contact_phone="03112345678",
        body_fa=[("text", "<p>متن فارسی</p>")],
        body_en=[("text", "<p>English text</p>")],
        required_skills=[first_aid],
    )
    over = make_shift(call, in_days=-2, hours=2, capacity=4, confirmed_count=4)
    later = make_shift(
        call, in_days=5, hours=2.5, capacity=8, confirmed_count=3, team_places=2, checkin_radius_m=150
    )
    sooner = make_shift(
        call,
        in_days=1,
        capacity=10,
        signups_close_at=timezone.now().replace(microsecond=0) + datetime.timedelta(hours=12),
    )

    persian = client.get(f"/api/v1/calls/{call.pk}")
    english = client.get(f"/api/v1/calls/{call.pk}", headers=ENGLISH).json()

    assert persian.status_code == 200
    detail = persian.json()
    assert detail["id"] == call.pk
    assert detail["free_places"] == 5 + 10
    assert detail["required_skills"] == [{"slug": "first-aid", "name": "کمک‌های اولیه"}]
    assert english["required_skills"] == [{"slug": "first-aid", "name": "First aid"}]
    assert detail["contact_name"] == "مریم رضایی"
    assert detail["contact_phone"] == "03112345678"
    assert "متن فارسی" in detail["body_html"] and "English" not in detail["body_html"]
    assert "English text" in english["body_html"]
    assert detail["is_accepting_signups"] is True
    assert [shift["id"] for shift in detail["shifts"]] == [over.pk, sooner.pk, later.pk]
    assert detail["shifts"][0]["is_past"] is True
    assert detail["shifts"][0]["free_places"] == 0
    assert detail["shifts"][2] == {
        "id": later.pk,
        "starts_at": detail["shifts"][2]["starts_at"],
        "ends_at": detail["shifts"][2]["ends_at"],
        "duration_hours": 2.5,
        "capacity": 8,
        "free_places": 5,
        "team_places": 2,
        "checkin_radius_m": 150,
        "signups_close_at": None,
        "is_past": False,
    }
    assert datetime.datetime.fromisoformat(detail["shifts"][2]["starts_at"]) == later.starts_at
    assert datetime.datetime.fromisoformat(detail["shifts"][1]["signups_close_at"]) == sooner.signups_close_at


def test_free_places_follow_the_confirmed_count(client):
    call = make_call()
    shift = make_shift(call, capacity=3)

    Shift.objects.filter(pk=shift.pk).update(confirmed_count=2)
    partly = client.get(f"/api/v1/calls/{call.pk}").json()
    Shift.objects.filter(pk=shift.pk).update(confirmed_count=3)
    full = client.get(f"/api/v1/calls/{call.pk}").json()

    assert partly["free_places"] == partly["shifts"][0]["free_places"] == 1
    assert full["free_places"] == full["shifts"][0]["free_places"] == 0
    assert listed_ids(client, has_free_places="true") == []


def test_a_closed_call_says_so_and_takes_no_sign_ups(client):
    call = make_call()
    make_shift(call)
    CallClosure.objects.create(call=call, reason="باران")

    item = client.get("/api/v1/calls").json()["items"][0]
    detail = client.get(f"/api/v1/calls/{call.pk}").json()

    assert item["is_closed"] is detail["is_closed"] is True
    assert detail["is_accepting_signups"] is False
    assert listed_ids(client, has_free_places="true") == []


# --- Only what the public may see --------------------------------------------------------------------------


def assert_hidden(client, call: OpenCallPage) -> None:
    assert call.pk not in listed_ids(client)
    assert call.pk not in listed_ids(client, q="پاکسازی")
    for headers, message in (({}, None), (ENGLISH, f"There is no open call number {call.pk}.")):
        response = client.get(f"/api/v1/calls/{call.pk}", headers=headers)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "call_not_found"
        if message:
            assert response.json()["error"]["message"] == message


def test_a_draft_is_not_shown(client):
    visible = make_call()
    draft = make_call(live=False)
    make_shift(draft)

    assert listed_ids(client) == [visible.pk]
    assert_hidden(client, draft)


def test_an_unpublished_call_is_not_shown(client):
    call = make_call()
    make_shift(call)
    assert listed_ids(client) == [call.pk]

    call.unpublish()

    assert_hidden(client, call)


@pytest.mark.parametrize(
    "restriction", [{"restriction_type": "login"}, {"restriction_type": "password", "password": "secret"}]
)
def test_a_private_call_is_not_shown(client, restriction):
    visible = make_call()
    private = make_call()
    PageViewRestriction.objects.create(page=private, **restriction)

    assert listed_ids(client) == [visible.pk]
    assert_hidden(client, private)


def test_calls_under_a_private_section_are_not_shown(client):
    call = make_call()
    PageViewRestriction.objects.create(page=call.get_parent(), restriction_type="login")

    assert_hidden(client, call)


def test_a_newer_draft_does_not_leak_its_text(client):
    call = make_call(title="عنوان منتشرشده", title_en="Published title", summary_fa="پاکسازی گذر")
    call.title = "عنوان پیش‌نویس"
    call.title_en = "Draft title"
    call.summary_fa = "نارنجستان محرمانه"
    draft = call.save_revision()

    item = client.get("/api/v1/calls").json()["items"][0]
    detail = client.get(f"/api/v1/calls/{call.pk}").json()
    english = client.get(f"/api/v1/calls/{call.pk}", headers=ENGLISH).json()

    assert item["title"] == item["title_fa"] == detail["title"] == "عنوان منتشرشده"
    assert english["title"] == english["title_en"] == "Published title"
    assert detail["summary"] == "پاکسازی گذر"
    assert listed_ids(client, q="نارنجستان") == []
    assert listed_ids(client, q="Draft") == []
    assert listed_ids(client, q="پاکسازی") == [call.pk]

    draft.publish()  # the same words are found once they are live

    assert listed_ids(client, q="نارنجستان") == [call.pk]
    assert client.get(f"/api/v1/calls/{call.pk}").json()["title"] == "عنوان پیش‌نویس"


# --- Filters ---------------------------------------------------------------------------------------------


def test_filtering_by_department_service_and_district(client):
    sweeping = make_call(service="street-sweeping-and-cleaning", district=1)
    painting = make_call(service="painting-and-graffiti-removal", district=3)
    classes = make_call(service="classes-and-workshops", district=3)

    assert set(listed_ids(client, department="urban_services")) == {sweeping.pk, painting.pk}
    assert listed_ids(client, department="cultural") == [classes.pk]
    assert listed_ids(client, department="no-such-department") == []
    assert listed_ids(client, service="painting-and-graffiti-removal") == [painting.pk]
    assert set(listed_ids(client, district=3)) == {painting.pk, classes.pk}
    assert listed_ids(client, district=3, department="urban_services") == [painting.pk]
    assert listed_ids(client, district="۳", service="classes-and-workshops") == [classes.pk]  # Persian digits


def test_filtering_by_dates_of_the_shifts(client):
    today = timezone.localdate()
    this_week = make_call()
    make_shift(this_week, in_days=2)
    next_month = make_call()
    make_shift(next_month, in_days=30)
    no_shift = make_call()

    def on(days: int) -> str:
        return (today + datetime.timedelta(days=days)).isoformat()

    assert listed_ids(client) == [this_week.pk, next_month.pk, no_shift.pk]
    assert listed_ids(client, date_from=on(10)) == [next_month.pk]
    assert listed_ids(client, date_to=on(10)) == [this_week.pk]
    assert listed_ids(client, date_from=on(0), date_to=on(40)) == [this_week.pk, next_month.pk]
    assert listed_ids(client, date_from=on(5), date_to=on(10)) == []


def test_filtering_by_free_places_teams_and_age(client):
    roomy = make_call(open_to_teams=True, min_age=0)
    make_shift(roomy, in_days=1, capacity=5)
    full = make_call(open_to_teams=False, min_age=16)
    make_shift(full, in_days=2, capacity=2, confirmed_count=2)
    adults_only = make_call(open_to_teams=True, min_age=18)
    make_shift(adults_only, in_days=3, capacity=5)
    make_shift(adults_only, in_days=-1, capacity=5)

    assert listed_ids(client, has_free_places="true") == [roomy.pk, adults_only.pk]
    assert listed_ids(client, has_free_places="false") == [roomy.pk, full.pk, adults_only.pk]
    assert listed_ids(client, open_to_teams="1") == [roomy.pk, adults_only.pk]
    assert listed_ids(client, age=16) == [roomy.pk, full.pk]
    assert listed_ids(client, age=10) == [roomy.pk]
    assert listed_ids(client, age=0) == [roomy.pk]
    teams_with_room = {"open_to_teams": "true", "has_free_places": "true"}
    assert listed_ids(client, age=18, **teams_with_room) == [roomy.pk, adults_only.pk]
    assert listed_ids(client, age=17, **teams_with_room) == [roomy.pk]


def test_searching_the_text_of_live_calls(client):
    graffiti = make_call(
        title="پاک کردن دیوارنویسی", title_en="Graffiti removal", summary_fa="دیوارها را رنگ می‌زنیم"
    )
    sweeping = make_call(
        title="رفت و روب",
        title_en="Sweeping",
        summary_en="Sweeping the old bazaar",
        service="street-sweeping-and-cleaning",
        district=3,
    )

    assert listed_ids(client, q="دیوارنویسی") == [graffiti.pk]
    assert listed_ids(client, q="graffiti") == [graffiti.pk]
    assert listed_ids(client, q="bazaar") == [sweeping.pk]
    assert listed_ids(client, q="bazaar", district=1) == []
    assert listed_ids(client, q="no-such-word-anywhere") == []
    assert set(listed_ids(client, q="  ")) == {graffiti.pk, sweeping.pk}  # blank: no search


def test_blank_parameters_mean_any(client):
    call = make_call()

    assert listed_ids(
        client,
        department="",
        service="",
        district="",
        date_from="",
        date_to="",
        age="",
        has_free_places="",
        open_to_teams="",
        q="",
    ) == [call.pk]


# --- Bad input ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"district": "abc"}, "query.district"),
        ({"district": "0"}, "query.district"),
        ({"date_from": "notadate"}, "query.date_from"),
        ({"date_to": "2025-13-40"}, "query.date_to"),
        ({"age": "-3"}, "query.age"),
        ({"age": "121"}, "query.age"),
        ({"has_free_places": "maybe"}, "query.has_free_places"),
        ({"q": "x" * 101}, "query.q"),
        ({"page": "0"}, "query.page"),
        ({"page_size": "101"}, "query.page_size"),
        ({"date_from": "2025-05-10", "date_to": "2025-05-01"}, "query.date_to"),
    ],
)
def test_bad_parameters_are_a_422_in_the_error_format_naming_the_field(client, params, field):
    persian = client.get("/api/v1/calls", params)
    english = client.get("/api/v1/calls", params, headers=ENGLISH)

    assert persian.status_code == english.status_code == 422
    assert persian.json()["error"]["code"] == english.json()["error"]["code"] == "invalid_input"
    assert persian.json()["error"]["message"] == "بخشی از اطلاعات فرستاده‌شده درست نیست."
    assert english.json()["error"]["message"] == "Some of the data sent is not valid."
    assert [detail["field"] for detail in english.json()["error"]["details"]] == [field]


def test_the_reason_for_a_date_range_error_is_in_the_readers_language(client):
    params = {"date_from": "2026-05-10", "date_to": "2026-05-01"}

    english = client.get("/api/v1/calls", params, headers=ENGLISH).json()

    assert english["error"]["details"] == [
        {"field": "query.date_to", "message": "This date is before the “From” date."}
    ]


def test_a_call_id_that_is_not_a_number_is_a_422(client):
    response = client.get("/api/v1/calls/abc")

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "path.call_id"


def test_an_unknown_call_is_a_404(client):
    response = client.get("/api/v1/calls/987654")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "call_not_found"


# --- Pages and cost ----------------------------------------------------------------------------------------


def test_calls_come_in_pages(client):
    calls = [make_call() for _ in range(5)]
    for days, call in enumerate(calls, start=1):
        make_shift(call, in_days=days)
    ids = [call.pk for call in calls]

    first = client.get("/api/v1/calls", {"page_size": 2}).json()
    last = client.get("/api/v1/calls", {"page_size": 2, "page": 3}).json()
    past_the_end = client.get("/api/v1/calls", {"page_size": 2, "page": 4})
    far_past_the_end = client.get("/api/v1/calls", {"page": PAGE_MAX})
    beyond_the_bound = client.get("/api/v1/calls", {"page": 10**30})

    assert first == {"items": first["items"], "count": 5}
    assert [item["id"] for item in first["items"]] == ids[:2]
    assert [item["id"] for item in last["items"]] == ids[4:]
    assert past_the_end.status_code == far_past_the_end.status_code == 200
    assert past_the_end.json() == far_past_the_end.json() == {"items": [], "count": 5}
    assert beyond_the_bound.status_code == 422
    assert beyond_the_bound.json()["error"]["code"] == "invalid_input"
    assert listed_ids(client) == ids  # 20 a page by default


def test_the_list_costs_the_same_queries_however_many_calls_it_shows(client):
    def make_calls(count: int) -> None:
        for _ in range(count):
            call = make_call()
            make_shift(call)
            make_shift(call, in_days=3)

    make_calls(3)
    client.get("/api/v1/calls")  # warms the cache of the sites' root paths, which serves every request after
    with CaptureQueriesContext(connection) as with_3:
        assert len(client.get("/api/v1/calls").json()["items"]) == 3
    make_calls(12)
    with CaptureQueriesContext(connection) as with_15:
        assert len(client.get("/api/v1/calls").json()["items"]) == 15
    with CaptureQueriesContext(connection) as searching:
        response = client.get("/api/v1/calls", {"q": "پاکسازی", "has_free_places": "1"})
    assert len(response.json()["items"]) == 15

    # the count, the page of calls, and the catalogue its calls are named by (the search is a condition of
    # the same query); the catalogue and the response are read again only because each request here runs
    # in the test's transaction (test_listing_speed shows them kept outside one)
    assert len(with_15) == len(with_3) <= 5
    assert len(searching) <= len(with_15) + 1


def test_the_detail_costs_the_same_queries_however_many_shifts_and_skills(client):
    call = make_call()
    make_shift(call)

    client.get(f"/api/v1/calls/{call.pk}")  # warms the cache of the sites' root paths
    with CaptureQueriesContext(connection) as with_1:
        client.get(f"/api/v1/calls/{call.pk}")
    for days in range(2, 10):
        make_shift(call, in_days=days)
    call.required_skills.set(
        [Skill.objects.create(slug=f"skill-{n}", name_fa=f"مهارت {n}") for n in range(3)]
    )
    call.save_revision().publish()
    with CaptureQueriesContext(connection) as with_9:
        detail = client.get(f"/api/v1/calls/{call.pk}").json()

    assert len(detail["shifts"]) == 9 and len(detail["required_skills"]) == 3
    assert len(with_9) == len(with_1)


def test_the_openapi_schema_documents_the_calls(client):
    schema = client.get("/api/v1/openapi.json").json()

    assert "/api/v1/calls" in schema["paths"]
    assert "/api/v1/calls/{call_id}" in schema["paths"]
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/calls"]["get"]["parameters"]}
    assert {
        "department",
        "service",
        "district",
        "date_from",
        "date_to",
        "has_free_places",
        "open_to_teams",
        "age",
        "q",
        "page",
        "page_size",
    } <= set(parameters)
    assert parameters["page_size"]["schema"]["maximum"] == 100
