"""Addresses of the site's pages are routed once per process and change of the page tree
(core.page_routes), and follow every change of the tree at once: a page unpublished, renamed or published
again."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from campaigns.services import call_index_ensure
from campaigns.tests.factories import add_shift
from campaigns.tests.test_listing_speed import make_call

committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)
pytestmark = pytest.mark.usefixtures("empty_cache")


def get(client, path):
    """The status, and how many queries looked a page up by its slug (Wagtail's walk down the tree)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    walked = [q for q in queries.captured_queries if '"wagtailcore_page"."slug" =' in q["sql"]]
    return response.status_code, len(walked)


@committed
def test_a_page_is_routed_once_and_the_route_follows_every_change_of_the_tree():
    call_index_ensure()
    call = make_call()
    add_shift(call)
    client = Client()
    address = call.url

    first, first_queries = get(client, address)
    again, again_queries = get(client, address)
    assert (first, again) == (200, 200)
    assert first_queries >= 3 and again_queries == 0  # the walk down the tree is not made again

    call.unpublish()
    assert get(client, address)[0] == 404
    call.refresh_from_db()
    call.save_revision().publish()
    assert get(client, address)[0] == 200

    call.slug = "renamed-call"
    call.save_revision().publish()
    call.refresh_from_db()
    assert call.url != address
    assert get(client, call.url)[0] == 200
    moved = client.get(address)  # Wagtail's redirects app sends the old address on
    assert moved.status_code == 301 and moved["Location"].endswith(call.url)
    assert get(client, "/calls/no-such-section/no-such-call/")[0] == 404


@committed
def test_the_root_page_and_view_restrictions_are_kept_and_a_restriction_takes_effect_at_once():
    call_index_ensure()
    call = make_call()
    add_shift(call)
    client = Client()
    assert client.get(call.url).status_code == 200  # routed: Wagtail walks the tree
    assert client.get(call.url).status_code == 200  # by the kept route: its restrictions are found

    with CaptureQueriesContext(connection) as queries:
        assert client.get(call.url).status_code == 200
    asked = " ".join(query["sql"] for query in queries.captured_queries)
    assert "wagtailcore_pageviewrestriction" not in asked and "cms_homepage" not in asked

    restriction = PageViewRestriction.objects.create(
        page=call.get_parent(), restriction_type=PageViewRestriction.LOGIN
    )
    refused = client.get(call.url)
    assert refused.status_code == 302 and "login" in refused["Location"]
    restriction.delete()
    assert client.get(call.url).status_code == 200
