"""A page of the listing comes from a statement composed once per filter shape and page window
(campaigns.selectors.call_list_page): the same calls, in the same order, with the same figures, as the
ORM's listing gives, for every filter and page; on PostgreSQL a search is one more value of its shape
(elsewhere it is composed each time), and pages far down the list are composed each time."""

import datetime
import decimal

import pytest
from django.db import connection
from django.utils import timezone

from campaigns import selectors
from campaigns.selectors import CallFilters, call_list, call_list_page, calls_with_catalogue
from campaigns.services import call_close, signup_create
from campaigns.tests.factories import PersonFactory, add_shift
from campaigns.tests.test_listing_speed import make_call
from city.models import Department

pytestmark = pytest.mark.django_db

# What a card, the map and the API's CallOut read of a listed call.
SHOWN = (
    "pk", "title", "title_en", "slug", "url_path", "summary_fa", "address_en", "latitude", "longitude",
    "min_age", "open_to_teams", "points_per_hour", "service_id", "district_id", "first_published_at",
    "next_shift_starts_at", "free_places", "is_closed",
)  # fmt: skip


def shown(calls) -> list[list]:
    return [
        [getattr(call, name) for name in SHOWN] + [call.service.slug, call.district.number] for call in calls
    ]


@pytest.fixture
def calls():
    today = timezone.now()
    made = []
    for number in range(30):
        call = make_call(
            service="street-sweeping-and-cleaning" if number % 3 else "festive-decoration",
            district=1 + number % 4,
            min_age=(12, 16, 18)[number % 3],
            open_to_teams=bool(number % 2),
            latitude=decimal.Decimal(f"32.{600 + number}"),
            longitude=decimal.Decimal("51.6"),
        )
        shift = add_shift(call, starts_in=datetime.timedelta(days=1 + number % 9, hours=number), capacity=2)
        made.append(call)
        if number % 5 == 0:
            for _ in range(2):  # full
                signup_create(shift=shift, volunteer=PersonFactory(date_of_birth=datetime.date(1990, 1, 1)))
        if number == 7:
            call_close(call=call, actor=PersonFactory())
    make_call()  # one without shifts: listed last
    assert timezone.now() - today < datetime.timedelta(minutes=5)
    return made


def filter_sets() -> list[CallFilters]:
    today = timezone.localdate()
    department = Department.objects.get(services__slug="festive-decoration").slug
    return [
        CallFilters(),
        CallFilters(department=department),
        CallFilters(service="street-sweeping-and-cleaning", district=2),
        CallFilters(has_free_places=True),
        CallFilters(service="festive-decoration", has_free_places=True),
        CallFilters(date_from=today + datetime.timedelta(days=2), date_to=today + datetime.timedelta(days=5)),
        CallFilters(date_from=today + datetime.timedelta(days=4)),
        CallFilters(age=16, open_to_teams=True),
        CallFilters(age=0),
        CallFilters(district=9),  # none
        CallFilters(text="نمونه"),
        CallFilters(text="Sample call", district=2),
        CallFilters(text="روز شه", has_free_places=True),  # the last word as the start of one
        CallFilters(text="کارگاه"),  # none
        CallFilters(text="«!»"),  # no word: none
    ]


def test_every_filter_and_page_lists_what_the_orm_lists(calls):
    now = timezone.now()
    for filters in filter_sets():
        for offset, limit in ((0, 12), (12, 12), (24, 12), (0, 20), (5, 100)):
            composed = call_list_page(filters=filters, offset=offset, limit=limit, now=now)
            expected = calls_with_catalogue(call_list(filters=filters, now=now)[offset : offset + limit])
            assert shown(composed) == shown(expected), (filters, offset, limit)
            assert [call.get_deferred_fields() for call in composed] == [
                call.get_deferred_fields() for call in expected
            ]
    assert shown(call_list_page(filters=CallFilters(), offset=0, limit=12, now=now))  # not all empty


def test_each_shape_is_composed_once_and_run_again_with_new_values(calls, monkeypatch):
    monkeypatch.setattr(selectors, "_listing_page_statements", {})
    now = timezone.now()

    for district in (1, 2, 3, 4, 1):
        call_list_page(filters=CallFilters(district=district), offset=0, limit=12, now=now)
    for district in (1, 2):
        call_list_page(filters=CallFilters(district=district), offset=12, limit=12, now=now)
    call_list_page(filters=CallFilters(district=1, age=16), offset=0, limit=12, now=now)

    assert len(selectors._listing_page_statements) == 3

    monkeypatch.setattr(selectors, "LISTING_STATEMENTS_KEPT", 4)
    for size in range(1, 7):  # as many page sizes as the API takes: this process keeps a few
        call_list_page(filters=CallFilters(), offset=0, limit=size, now=now)
    assert len(selectors._listing_page_statements) <= 4


def test_a_search_is_a_value_on_postgresql_and_far_pages_are_composed_each_time(calls, monkeypatch):
    monkeypatch.setattr(selectors, "_listing_page_statements", {})
    now = timezone.now()
    far = selectors.LISTING_PAGES_COMPOSED_ONCE * 5

    for text in ("نمونه", "sample", "روز شهر"):
        search = CallFilters(text=text)
        searched = call_list_page(filters=search, offset=0, limit=12, now=now)
        assert searched
        assert shown(searched) == shown(calls_with_catalogue(call_list(filters=search, now=now)[:12]))
    beyond = call_list_page(filters=CallFilters(), offset=far, limit=5, now=now)

    # One statement for every search on PostgreSQL; elsewhere its words shape the statement.
    assert len(selectors._listing_page_statements) == (1 if connection.vendor == "postgresql" else 0)
    assert len(beyond) == 5
    assert shown(beyond) == shown(calls_with_catalogue(call_list(now=now)[far : far + 5]))
