"""page_absolute_url: the address Wagtail's get_url(request) gives, without its Site query per call."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.models import Page, Site

from campaigns.tests.factories import publish_call
from core.absolute_urls import page_absolute_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_root_paths_forgotten():
    # Wagtail caches the site root paths; a test's rolled-back sites must not outlive it.
    Site.clear_site_root_paths_cache()
    yield
    Site.clear_site_root_paths_cache()


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_address_is_the_one_wagtail_gives_and_costs_no_query_once_the_site_roots_are_known(language):
    call = publish_call()
    request = RequestFactory().get("/", HTTP_HOST="testserver", secure=True)

    with translation.override(language):
        expected = request.build_absolute_uri(Page.objects.get(pk=call.pk).get_url(request=request))
        page_absolute_url(call, request)  # the site root paths are read once per request
        with CaptureQueriesContext(connection) as queries:
            url = page_absolute_url(call, request)

    assert url == expected
    assert url.startswith("https://testserver/")
    assert call.slug in url
    assert len(queries) == 0


def test_with_two_sites_the_readers_site_decides_as_wagtail_does():
    call = publish_call()
    Site.objects.create(hostname="other.example", port=443, root_page=Page.objects.get(depth=1))
    request = RequestFactory().get("/", HTTP_HOST="testserver", secure=True)

    assert page_absolute_url(call, request) == request.build_absolute_uri(call.get_url(request=request))


def test_a_page_that_cannot_be_routed_has_no_address():
    call = publish_call()
    call.url_path = "/elsewhere/"  # under no site's root
    request = RequestFactory().get("/", HTTP_HOST="testserver", secure=True)

    assert page_absolute_url(call, request) is None
