"""core.localization.url_in_language: the language switcher's link."""

from django.test import RequestFactory
from django.utils import translation

from core.localization import url_in_language


def test_an_address_outside_the_language_prefixed_pages_links_to_the_home_page_in_that_language():
    request = RequestFactory().get("/calendar/feed.ics")
    with translation.override("fa"):
        assert url_in_language(request, "en") == "/en/"


def test_without_a_request_the_link_is_the_home_page_in_that_language():
    assert url_in_language(None, "en") == "/en/"
    assert url_in_language(None, "fa") == "/"
