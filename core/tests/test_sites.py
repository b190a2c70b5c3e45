"""core.sites: the Wagtail site of a request, kept per process until a site changes on any node."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site
from wagtail.models.sites import SITE_ROOT_PATHS_CACHE_KEY, SITE_ROOT_PATHS_CACHE_VERSION

from core.sites import KeptSiteMiddleware, site_for_request

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


def root_paths_given_to_wagtail(reads: list | None = None) -> tuple[list, int]:
    """What a request gives Wagtail, and how many times Site.get_site_root_paths was called to give it."""
    given, reads_before = [], len(reads or [])

    def view(request):
        given.append(request._wagtail_cached_site_root_paths)
        return HttpResponse()

    KeptSiteMiddleware(view)(RequestFactory().get("/calls/", HTTP_HOST="testserver"))
    return given[0], len(reads or []) - reads_before


@committed
def test_the_sites_root_paths_are_read_once_and_again_after_a_site_or_its_root_page_changes(monkeypatch):
    reads = []
    wagtails = Site.get_site_root_paths

    def counted():
        reads.append(1)
        return wagtails()

    monkeypatch.setattr(Site, "get_site_root_paths", staticmethod(counted))

    site = Site.objects.get(is_default_site=True)
    assert root_paths_given_to_wagtail(reads) == (wagtails(), 1)
    assert root_paths_given_to_wagtail(reads) == (wagtails(), 0)

    site.hostname, site.port = "hamyar.example", 443
    site.save()
    paths, read = root_paths_given_to_wagtail(reads)
    assert (paths[0].root_url, read) == ("https://hamyar.example", 1)

    home = site.root_page.specific
    home.slug = "city"
    home.save_revision().publish()
    paths, read = root_paths_given_to_wagtail(reads)
    assert (paths[0].root_path, read) == ("/city/", 1)


@committed
def test_root_paths_put_back_before_a_change_commits_are_not_kept():
    site = Site.objects.get(is_default_site=True)
    before = root_paths_given_to_wagtail()[0]

    with transaction.atomic():
        home = site.root_page.specific
        home.slug = "city"
        home.save_revision().publish()  # Wagtail clears its cached root paths here, before the commit
        # A reader on another connection, which does not see the change yet, puts back what it sees.
        cache.set(
            SITE_ROOT_PATHS_CACHE_KEY,
            [tuple(path) for path in before],
            3600,
            version=SITE_ROOT_PATHS_CACHE_VERSION,
        )

    assert root_paths_given_to_wagtail()[0][0].root_path == "/city/"
