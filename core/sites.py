"""Which Wagtail site a request is for, found once per process and change of the sites rather than with a
query on every page (Wagtail's `Site.find_for_request` asks the database each request).

`KeptSiteMiddleware` puts the site where Wagtail looks for it first (`request._wagtail_site`). The copy is
kept per host and port under a version in the shared cache that every saved or deleted site replaces once
its change commits, so no node serves a site from before a change; with the cache down, Wagtail finds the
site itself as before.

It does the same for the sites' root paths, which Wagtail reads from the shared cache for every request
that builds a page's address (`request._wagtail_cached_site_root_paths`): they change only with a site
(which Wagtail clears them for) or a site's root page (a page, which sets a new page tree version), so the
copy is kept under both versions.
"""

from django.db import transaction
from wagtail.models import Site

from core import page_routes
from core.cache import copies_of_version, shared_version, shared_versions

VERSION_KEY = "core:sites-version"

_kept: dict[str, dict[tuple[str, int], tuple[str, list] | None]] = {}
_root_paths_kept: dict[str, dict[str, list]] = {}


def sites_changed(**kwargs) -> None:
    """Receiver of Site's post_save and post_delete."""
    transaction.on_commit(lambda: page_routes.expire_with_root_paths(VERSION_KEY))


def _version() -> str | None:
    return shared_version(VERSION_KEY)


def site_for_request(request, *, version: str | None = None) -> Site | None:
    """`version`: the sites' version when the caller has read it already."""
    if transaction.get_connection().in_atomic_block:
        return Site._find_for_request(request)
    version = version or _version()
    if version is None:  # the cache is down: Wagtail's own look-up
        return Site._find_for_request(request)
    by_host = copies_of_version(_kept, version)
    address = (request._get_raw_host(), request.get_port())
    if address not in by_host:
        found = Site._find_for_request(request)
        by_host[address] = None if found is None else _columns(found)
    kept = by_host[address]
    # A new instance each time: one kept with its root page loaded would serve that page as it was.
    return (
        None
        if kept is None
        else Site.from_db(kept[0], [f.attname for f in Site._meta.concrete_fields], kept[1])
    )


def site_root_paths(*, version: str, page_tree_version: str) -> list:
    """Wagtail's `Site.get_site_root_paths()`, read once per process and change of the sites or the page
    tree. Its items are named tuples, which nobody can change in place."""
    kept = copies_of_version(_root_paths_kept, f"{version}:{page_tree_version}")
    if "paths" not in kept:
        kept["paths"] = Site.get_site_root_paths()
    return kept["paths"]


def _columns(site: Site) -> tuple[str, list]:
    return site._state.db, [getattr(site, field.attname) for field in Site._meta.concrete_fields]


class KeptSiteMiddleware:
    """For the site's pages (not the API, static files or the staff area, which find theirs as needed)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(("/api/", "/static/", "/media/", "/admin/")):
            # Both versions in one round trip: the site's, and the page tree's for the root page and routing.
            version, page_tree_version = shared_versions(VERSION_KEY, page_routes.VERSION_KEY)
            page_routes.note_version(request, page_tree_version)
            site = request._wagtail_site = site_for_request(request, version=version)
            if version and page_tree_version and not transaction.get_connection().in_atomic_block:
                request._wagtail_cached_site_root_paths = site_root_paths(
                    version=version, page_tree_version=page_tree_version
                )
            # Wagtail reads the root page (two queries) before routing any page: a kept copy instead.
            root = None if site is None else page_routes.root_page_copy(request, site.root_page_id)
            if root is not None:
                Site.root_page.field.set_cached_value(site, root)
        return self.get_response(request)
