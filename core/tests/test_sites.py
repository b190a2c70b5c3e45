"""core.sites: the Wagtail site of a request, kept per process until a site changes on any node."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from core.sites import site_for_request

committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)
pytestmark = pytest.mark.usefixtures("empty_cache")


@committed
def test_the_site_is_found_once_and_again_after_a_site_changes():
    site = Site.objects.get(is_default_site=True)
    request = RequestFactory().get("/", HTTP_HOST="testserver")

    assert site_for_request(request) == site
    with CaptureQueriesContext(connection) as queries:
        assert site_for_request(RequestFactory().get("/", HTTP_HOST="testserver")) == site
    assert len(queries) == 0

    other = Site.objects.create(hostname="testserver", port=80, root_page=Page.objects.get(depth=1))
    found = site_for_request(RequestFactory().get("/", HTTP_HOST="testserver"))

    assert found == other  # Wagtail's own rule (hostname and port first), after the change
    other.delete()
    assert site_for_request(RequestFactory().get("/", HTTP_HOST="testserver")) == site
