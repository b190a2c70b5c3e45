"""The open-calls listing stays fast at 10,000 calls without going wrong: the text search is one condition of
the listing's own query (with a GIN index on PostgreSQL), the pagination count is cached under versions that
every change of the listed calls replaces, and a page costs the same queries whatever its size."""

import datetime
import itertools
import json

import pytest
from bs4 import BeautifulSoup
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import PageViewRestriction

from campaigns.models import OpenCallPage, Shift
from campaigns.selectors import _calls_matching_text, call_list_count
from campaigns.services import call_close, call_index_ensure, call_reopen, signup_cancel, signup_create
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from city.models import District, Service

_numbers = itertools.count(1)

# The count is cached only outside transactions: these tests commit, like requests do. serialized_rollback
# puts the catalogue and the page tree back after the flush that ends each of them.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def make_call(*, service: str = "street-sweeping-and-cleaning", district: int = 1, **fields) -> OpenCallPage:
    """A published call whose own texts share no word with the searches below."""
    number = next(_numbers)
    values = {
        "title": "فراخوان نمونه",
        "title_en": "Sample call",
        "slug": f"listing-call-{number}",
        "summary_fa": "یک روز کار برای شهر",
        "summary_en": "A day of work for the city",
        "address_fa": "خیابان چهارباغ",
        "address_en": "Chaharbagh street",
        **fields,
    }
    return publish_call(service_slug=service, district=District.objects.get(number=district), **values)


def found(client, text: str, **params) -> set[int]:
    response = client.get("/api/v1/calls", {"q": text, "page_size": 100, **params})
    assert response.status_code == 200, response.content
    body = response.json()
    ids = {item["id"] for item in body["items"]}
    assert body["count"] == len(ids)
    return ids


def listed_count(client, **params) -> int:
    response = client.get("/api/v1/calls", params)
    assert response.status_code == 200, response.content
    return response.json()["count"]


def count_queries_of(client, path: str, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, params).status_code == 200
    return sum("COUNT(" in query["sql"] for query in captured.captured_queries)


# --- Text search --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_search_finds_a_call_by_a_word_of_anything_it_is_listed_with(client):
    pottery = make_call(title="کارگاه سفالگری", title_en="Pottery workshop", service="cultural-murals")
    bazaar = make_call(
        summary_fa="پاکسازی بازارچهٔ قدیمی",
        summary_en="Sweeping the old bazaar",
        address_fa="میدان عتیق",
        address_en="Atiq square",
    )
    tours = make_call(service="tourist-tours", district=2)
    make_call()

    assert found(client, "سفالگری") == {pottery.pk}  # the Persian title, on Wagtail's page row
    assert found(client, "pottery") == found(client, "POTTERY") == {pottery.pk}
    assert found(client, "بازارچهٔ") == {bazaar.pk}  # with the hamza that follows the last letter
    assert found(client, "bazaar") == {bazaar.pk}
    assert found(client, "عتیق") == found(client, "Atiq") == {bazaar.pk}
    assert found(client, "گردشگری") == found(client, "tourist") == {tours.pk}  # the service's short name
    assert found(client, "District 2") == {tours.pk}
    assert found(client, "نارنجستان") == set()


@pytest.mark.django_db
def test_every_word_must_be_found_and_the_last_one_may_be_unfinished(client):
    pottery = make_call(title="کارگاه سفالگری", summary_en="Clay for children", district=3)
    make_call(title="کارگاه نقاشی", district=3)

    assert found(client, "سفالگ") == {pottery.pk}
    assert found(client, "کارگاه سفالگ") == {pottery.pk}
    assert found(client, "سفالگری children") == {pottery.pk}  # words from two of its texts
    assert found(client, "سفالگری District 3") == {pottery.pk}
    assert found(client, "سفالگری bazaar") == set()
    assert found(client, "سفالگری", district=3) == {pottery.pk}
    assert found(client, "سفالگری", district=1) == set()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed", ["«سفالگری»!", "'سفالگری'", "سفالگری\\", "(سفالگری)&!", "سفالگری:*", "  سفالگری  "]
)
def test_quotes_and_query_syntax_in_a_search_are_only_punctuation(client, typed):
    pottery = make_call(title="کارگاه سفالگری")

    assert found(client, typed) == {pottery.pk}


@pytest.mark.django_db
def test_invisible_characters_separate_words_and_are_no_error(client):
    pottery = make_call(title="کارگاه سفالگری")
    library = make_call(title="کتاب‌خانهٔ محله")  # with a zero-width non-joiner, as Persian is typed

    # A NUL is refused in every input of the API (config.middleware.BadInputMiddleware), a search too.
    assert client.get("/api/v1/calls", {"q": "سفالگری\x00"}).status_code == 422
    assert found(client, "\u200bسفالگری\u200c") == {pottery.pk}
    assert found(client, "کتاب‌خانه") == {library.pk}


@pytest.mark.django_db
def test_a_search_of_punctuation_or_query_syntax_finds_nothing_and_is_no_error(client):
    make_call()

    assert found(client, "!!! ?؟ |&") == set()
    assert found(client, "a:b|c&(d") == set()


@pytest.mark.django_db
def test_the_count_of_a_search_is_every_match(client):
    matches = {make_call(summary_fa=f"کارگاه شمارهٔ {n}").pk for n in range(25)}
    make_call()

    response = client.get("/api/v1/calls", {"q": "کارگاه"}).json()

    assert response["count"] == 25
    assert {item["id"] for item in response["items"]} < matches


@pytest.mark.django_db
def test_a_call_is_found_by_its_new_words_once_they_are_published_and_not_before(client):
    call = make_call(title="کارگاه سفالگری")
    call.title = "کارگاه خوشنویسی"
    revision = call.save_revision()

    assert found(client, "خوشنویسی") == set()
    assert found(client, "سفالگری") == {call.pk}

    revision.publish()

    assert found(client, "خوشنویسی") == {call.pk}
    assert found(client, "سفالگری") == set()


@pytest.mark.django_db
def test_a_call_is_found_by_its_services_new_name(client):
    call = make_call(service="tourist-tours")
    service = Service.objects.get(slug="tourist-tours")
    service.short_name_fa = "گشت میراث"
    service.save()

    assert found(client, "میراث") == {call.pk}
    assert found(client, "گردشگری") == set()


@pytest.mark.django_db
def test_postgresql_finds_the_words_through_the_gin_index():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite searches the texts themselves, without an index.")
    make_call(title="کارگاه سفالگری")
    # The search condition exactly as the listing writes it, alone: with a handful of rows the planner would
    # rather walk the listing's order and check each row, as it does for a common word at 10,000 calls.
    matching = _calls_matching_text(OpenCallPage.objects.order_by(), "کارگاه سفالگ").values("pk")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a scan of a few rows beats any index
        plan = matching.explain()

    assert "open_call_search_vector" in plan, plan
    assert [row["pk"] for row in matching] == list(OpenCallPage.objects.values_list("pk", flat=True))


# --- The cached count ------------------------------------------------------------------------------------


@pytest.fixture
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@committed
def test_the_count_is_counted_once_per_filter_set_and_read_from_the_cache_after(client, empty_cache):
    listing_url = call_index_ensure().url
    add_shift(make_call(title="کارگاه سفالگری"))
    add_shift(make_call())

    assert count_queries_of(client, "/api/v1/calls") == 1
    assert count_queries_of(client, "/api/v1/calls") == 0
    assert count_queries_of(client, "/api/v1/calls", page=2) == 0  # the same filters
    assert count_queries_of(client, listing_url) == 0  # and the same count for the web page
    assert count_queries_of(client, "/api/v1/calls", q="سفالگری") == 1
    assert listed_count(client, q="سفالگری") == 1
    assert listed_count(client) == 2


@committed
def test_a_sign_up_for_the_last_place_takes_the_call_out_of_the_free_places_count(client, empty_cache):
    listing_url = call_index_ensure().url
    shift = add_shift(make_call(), capacity=1)
    add_shift(make_call(), capacity=5)
    assert listed_count(client, has_free_places="true") == 2
    assert listed_count(client) == 2

    signup = signup_create(shift=shift, volunteer=PersonFactory())

    assert listed_count(client, has_free_places="true") == 1
    assert client.get(listing_url, {"has_free_places": "on"}).context["paginator"].count == 1
    assert listed_count(client) == 2
    assert count_queries_of(client, "/api/v1/calls") == 0  # counts without that filter stay cached

    signup_cancel(signup=signup)

    assert listed_count(client, has_free_places="true") == 2


@committed
def test_publishing_unpublishing_and_restricting_a_call_change_the_count_at_once(client, empty_cache):
    add_shift(make_call())
    assert listed_count(client) == 1

    second = make_call()
    assert listed_count(client) == 2

    second.unpublish()
    assert listed_count(client) == 1

    second.save_revision().publish()
    assert listed_count(client) == 2

    PageViewRestriction.objects.create(page=second, restriction_type="login")
    assert listed_count(client) == 1


@committed
def test_adding_or_removing_a_shift_changes_the_count_of_its_dates_at_once(client, empty_cache):
    call = make_call()
    add_shift(call, starts_in=datetime.timedelta(days=2))
    in_ten_days = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    dates = {"date_from": in_ten_days, "date_to": in_ten_days}
    assert listed_count(client, **dates) == 0

    shift = add_shift(call, starts_in=datetime.timedelta(days=10))
    assert listed_count(client, **dates) == 1

    shift.delete()
    assert listed_count(client, **dates) == 0


@committed
def test_closing_a_call_takes_it_out_of_the_free_places_count_at_once(client, empty_cache):
    call = make_call()
    add_shift(call)
    assert listed_count(client, has_free_places="true") == 1

    call_close(call=call, actor=None)
    assert listed_count(client, has_free_places="true") == 0
    assert listed_count(client) == 1

    call_reopen(call=call)
    assert listed_count(client, has_free_places="true") == 1


class RolledBack(Exception):
    pass


@committed
def test_a_count_made_inside_a_transaction_is_never_cached(empty_cache):
    add_shift(make_call())
    assert call_list_count() == 1

    with pytest.raises(RolledBack), transaction.atomic():
        add_shift(make_call())
        assert call_list_count() == 2  # sees its own call, which nobody else ever will
        raise RolledBack

    assert call_list_count() == 1
    assert Shift.objects.count() == 1


# --- Queries and addresses ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_page_of_calls_costs_the_same_queries_at_every_page_size_and_with_a_search(client):
    for _ in range(25):
        add_shift(make_call(summary_fa="کارگاه"), capacity=4)
    client.get("/api/v1/calls")  # warms the cache of the sites' root paths

    def queries(**params) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/v1/calls", params)
        assert response.status_code == 200
        return len(captured)

    by_size = {size: queries(page_size=size) for size in (1, 20, 100)}
    searching = queries(page_size=100, q="کارگاه", has_free_places="true", district=1)

    assert by_size[1] == by_size[20] == by_size[100] == searching


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fa", "en"])
def test_a_web_page_of_cards_costs_the_same_queries_with_one_call_or_a_full_page(client, language):
    """The listing, the home page and a service's page read each call's shown fields in the one query:
    a field a card shows but the listing does not select would cost a query per card."""
    prefix = "/en" if language == "en" else ""
    listing_url = prefix + call_index_ensure().url
    service_url = prefix + reverse("campaigns:service_detail", args=["street-sweeping-and-cleaning"])
    add_shift(make_call(latitude="32.654600", longitude="51.668000"), capacity=4)
    addresses = (listing_url, f"{prefix}/", service_url)

    def queries(url: str) -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured)

    with_one = {url: queries(url) for url in addresses}
    for _ in range(12):
        add_shift(make_call(latitude="32.654600", longitude="51.668000"), capacity=4)
    with_many = {url: queries(url) for url in addresses}

    assert with_many == with_one


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_map_links_each_call_to_the_same_address_as_its_card(client, language):
    calls = [make_call(latitude="32.654600", longitude="51.668000") for _ in range(3)]
    listing = call_index_ensure()
    with translation.override(language):
        listing_url = listing.url
        expected = {call.pk: call.get_url() for call in calls}

    soup = BeautifulSoup(client.get(listing_url).content, "html.parser")

    points = json.loads(soup.select_one("script#calls-map-points").string)
    cards = [a["href"] for a in soup.select(".call-card__title a")]
    assert {point["id"]: point["url"] for point in points} == expected
    assert sorted(cards) == sorted(expected.values())
    assert all(url.startswith("/en/") == (language == "en") for url in cards)


# --- The cached API response -------------------------------------------------------------------------------


def api_listing(client, language: str = "fa", **params) -> tuple[dict, int]:
    """The API listing's body and how many queries answering it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/calls", params, headers={"accept-language": language})
    assert response.status_code == 200, response.content
    return response.json(), len(queries)


@committed
def test_the_same_listing_request_is_answered_from_the_cache_without_a_query(client, empty_cache):
    add_shift(make_call(title="کارگاه سفالگری", title_en="Pottery workshop"), capacity=3)

    first, first_queries = api_listing(client)
    again, again_queries = api_listing(client)
    english, _ = api_listing(client, language="en")
    searched, searched_queries = api_listing(client, q="سفالگری")

    assert first_queries > 0 and again_queries == 0
    assert again == first
    assert first["items"][0]["title"] == "کارگاه سفالگری"
    assert english["items"][0]["title"] == "Pottery workshop"  # each language has its own answer
    assert searched_queries > 0 and searched["count"] == 1  # and each filter set


@committed
def test_a_cached_listing_shows_a_change_of_places_or_calls_at_once(client, empty_cache):
    shift = add_shift(make_call(), capacity=1)
    before, _ = api_listing(client)
    assert before["items"][0]["free_places"] == 1

    signup_create(shift=shift, volunteer=PersonFactory())
    after_sign_up, queries = api_listing(client)

    assert queries > 0
    assert after_sign_up["items"][0]["free_places"] == 0

    add_shift(make_call(title="فراخوان تازه"))
    after_new_call, _ = api_listing(client)

    assert after_new_call["count"] == 2


@pytest.mark.django_db
def test_a_listing_answered_inside_a_transaction_is_not_cached(client, empty_cache):
    # The test's own transaction: what it changes may be rolled back, so nothing is kept.
    add_shift(make_call())

    _, first_queries = api_listing(client)
    _, again_queries = api_listing(client)

    assert first_queries > 0 and again_queries > 0


# --- The cached results of the web listing ----------------------------------------------------------------


def web_listing(client, url: str, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    results = BeautifulSoup(response.content, "html.parser").select_one(".calls-layout")
    calls_read = sum("campaigns_callschedule" in query["sql"] for query in queries.captured_queries)
    return response, results, calls_read


@committed
def test_the_web_listing_renders_its_results_once_for_every_reader_and_the_rest_for_each(client, empty_cache):
    listing_url = call_index_ensure().url
    add_shift(make_call(title="کارگاه سفالگری"), capacity=3)
    person = PersonFactory()

    _, first, first_calls_read = web_listing(client, listing_url)
    client.force_login(person)
    page, again, again_calls_read = web_listing(client, listing_url)

    assert first_calls_read > 0 and again_calls_read == 0
    assert str(again) == str(first)
    assert "کارگاه سفالگری" in again.get_text()
    # the reader's own parts are not shared: the signed-in person's menu is theirs
    header = BeautifulSoup(page.content, "html.parser").select_one("header")
    assert header.find("a", href=reverse("volunteer:my_shifts")) is not None
    assert header.find("a", href=reverse("volunteers:login")) is None


@committed
def test_the_web_listing_shows_a_change_of_free_places_at_once(client, empty_cache):
    listing_url = call_index_ensure().url
    shift = add_shift(make_call(), capacity=1)
    _, before, _ = web_listing(client, listing_url, has_free_places="on")
    assert len(before.select(".call-list > li")) == 1

    signup_create(shift=shift, volunteer=PersonFactory())
    _, after, calls_read = web_listing(client, listing_url, has_free_places="on")

    assert calls_read > 0
    assert after.select(".call-list > li") == []


# --- The catalogue, kept by each process -------------------------------------------------------------------


@committed
def test_the_catalogue_is_read_once_and_again_after_a_service_is_renamed(client, empty_cache):
    add_shift(make_call(), capacity=3)
    service = Service.objects.get(slug="street-sweeping-and-cleaning")
    assert listed_services(client, page_size=5) == {service.short_name_en}

    with CaptureQueriesContext(connection) as again:
        assert listed_services(client, page_size=6) == {service.short_name_en}
    assert not any("city_service" in query["sql"] for query in again.captured_queries)

    service.short_name_en = "Sweeping"
    service.save()

    assert listed_services(client, page_size=7) == {"Sweeping"}


def listed_services(client, **params) -> set[str]:
    response = client.get("/api/v1/calls", params, headers={"accept-language": "en"})
    assert response.status_code == 200
    return {item["service"]["short_name"] for item in response.json()["items"]}


# --- The whole page, kept for readers without a session ------------------------------------------------


@committed
def test_a_reader_without_a_session_gets_the_kept_page_and_a_new_call_shows_at_once(client, empty_cache):
    listing_url = call_index_ensure().url
    add_shift(make_call(title="کارگاه سفالگری"), capacity=3)
    first, _, first_calls_read = web_listing(client, listing_url)
    with CaptureQueriesContext(connection) as again_queries:
        again, _, _ = web_listing(client, listing_url)

    assert first_calls_read > 0
    # not even the filter form's choices are read again: the page is the one kept
    assert not any("city_department" in query["sql"] for query in again_queries.captured_queries)
    assert again.content == first.content
    assert "Cookie" in again["Vary"]
    # nothing in it belongs to a reader: no CSRF token, no cookie handed out
    assert b"csrfmiddlewaretoken" not in again.content and not again.cookies

    add_shift(make_call(title="کارگاه نجاری"), capacity=3)
    after, _, after_calls_read = web_listing(client, listing_url)
    assert after_calls_read > 0
    assert "کارگاه نجاری" in after.content.decode()


@committed
def test_the_kept_page_follows_the_listing_pages_own_intro(client, empty_cache):
    index = call_index_ensure()
    web_listing(client, index.url)
    index.intro_fa = "همه‌ی فراخوان‌های باز شهر"
    index.save_revision().publish()

    page, _, _ = web_listing(client, index.url)

    assert "همه‌ی فراخوان‌های باز شهر" in page.content.decode()


@committed
def test_a_signed_in_reader_or_one_with_a_message_waiting_never_gets_the_kept_page(client, empty_cache):
    listing_url = call_index_ensure().url
    web_listing(client, listing_url)  # kept for readers without a session

    client.force_login(PersonFactory())
    page, _, _ = web_listing(client, listing_url)
    header = BeautifulSoup(page.content, "html.parser").select_one("header")
    assert header.find("a", href=reverse("volunteer:my_shifts")) is not None

    client.logout()
    client.cookies.clear()
    # a message left for the next page by a reader without a session travels in a cookie
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(messages.SUCCESS, "پیامک فرستاده شد.")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies[CookieStorage.cookie_name] = carrier.cookies[CookieStorage.cookie_name].value
    with_message, _, _ = web_listing(client, listing_url)
    assert "پیامک فرستاده شد." in with_message.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "expected", "status"),
    [
        ("/calls/?q=%DA%A9%D8%A7%D8%B1&page=2", "/en/calls/?q=%DA%A9%D8%A7%D8%B1&page=2", 200),
        ("/en/calls/?district=3", "/calls/?district=3", 200),
        ("/leaderboards/", "/en/leaderboards/", 200),
        ("/no-such-page/", "/en/no-such-page/", 404),  # the same "not found", in English
    ],
)
def test_the_language_switcher_links_to_the_same_page_in_the_other_language(client, path, expected, status):
    call_index_ensure()
    response = client.get(path)

    switcher = BeautifulSoup(response.content, "html.parser").select_one("a.language-switcher")
    assert switcher["href"] == expected
    assert client.get(expected).status_code == status
