"""Which Wagtail page an address is, found once per process and change of the page tree rather than walked
level by level on every request (Wagtail's `route` reads each level's child and then its specific page:
eight queries for a call's page); and the address of a page by its slug (`{% kept_slugurl %}`), likewise.

The site's root page's `route` asks `route_kept`: the page's type and id are kept per path under a version
in the shared cache that every saved, deleted or moved page replaces once its change commits, so no node
routes by a tree from before a change; the page itself is read fresh, in one query. Outside that (the
cache down, inside a transaction, a preview), Wagtail routes as always.

Two more reads Wagtail makes for every page it serves are kept under the same version: the site's root page
(its row and then its specific row, before routing starts: `root_page_copy`) and whether any view
restriction applies to the page or its ancestors (two queries; `KeptViewRestrictionsMixin`), which a saved
or deleted restriction replaces too.
"""

import datetime
import decimal
import uuid

from django.db import connection, transaction
from django.http import Http404
from wagtail.models import Page, PageViewRestriction, Site, get_page_models
from wagtail.url_routing import RouteResult

from core import db_routing
from core.cache import copies_of_version, shared_version, shared_version_expire
from core.compiled_queries import CompiledInstancesQuery

VERSION_KEY = "core:page-tree-version"

_kept: dict[str, dict[tuple, tuple[type, int] | None]] = {}
_roots_kept: dict[str, dict[int, tuple[type, str, list] | None]] = {}
_restricted_kept: dict[str, dict[int, bool]] = {}

# The request's version, read once for the routing, the root page and the view restrictions.
_REQUEST_VERSION = "_hamyar_page_tree_version"

# Values a kept copy of a page may share between requests: none can be changed in place.
_IMMUTABLE = (str, int, float, bool, type(None), datetime.date, datetime.time, decimal.Decimal, uuid.UUID)


def page_tree_changed(sender=None, instance=None, **kwargs) -> None:
    """Receiver of every model's post_save and post_delete (pages and view restrictions only) and of
    page moves."""
    if instance is not None and not isinstance(instance, (Page, PageViewRestriction)):
        return
    transaction.on_commit(lambda: expire_with_root_paths(VERSION_KEY), robust=True)


def expire_with_root_paths(version_key: str) -> None:
    """Once a change of the page tree or of a site commits: Wagtail's cached root paths of the sites go first
    (Wagtail clears them inside the transaction, where a reader may put the old ones back before it
    commits), then the version, so that the copy each process keeps under the new version (core.sites) is
    read from what was committed."""
    Site.clear_site_root_paths_cache()
    shared_version_expire(version_key)


def note_version(request, version: str | None) -> None:
    """The tree's version as read for this request by whoever read it first (core.sites' middleware reads
    it with the sites' version)."""
    setattr(request, _REQUEST_VERSION, version)


def _version(request=None) -> str | None:
    if request is None:
        return shared_version(VERSION_KEY)
    if not hasattr(request, _REQUEST_VERSION):
        setattr(request, _REQUEST_VERSION, shared_version(VERSION_KEY))
    return getattr(request, _REQUEST_VERSION)


def root_page_copy(request, root_page_id: int) -> Page | None:
    """The site's root page as its specific type, from a copy of its columns kept per process (a new
    instance each time); None where nothing may be kept (the cache down, inside a transaction) or its
    columns hold something that could be changed in place."""
    if connection.in_atomic_block:
        return None
    version = _version(request)
    if version is None:
        return None
    roots = copies_of_version(_roots_kept, version)
    if root_page_id not in roots:
        with db_routing.reads_for_keeping():  # kept for every request: not a lagging replica's copy
            page = Page.objects.filter(pk=root_page_id).first()
            page = page.specific if page is not None else None
        roots[root_page_id] = None
        if page is not None:
            values = [getattr(page, field.attname) for field in type(page)._meta.concrete_fields]
            if all(isinstance(value, _IMMUTABLE) for value in values):
                roots[root_page_id] = (type(page), page._state.db, values)
    kept = roots[root_page_id]
    if kept is None:
        return None
    model, database, values = kept
    page = model.from_db(database, [field.attname for field in model._meta.concrete_fields], values)
    page._kept_route_version = version
    return page


class KeptViewRestrictionsMixin:
    """For the site's page types: Wagtail asks every page it serves for the view restrictions on it and its
    ancestors, two queries, and almost none has any. That none applies is kept per page under the tree's
    version (read with the page's route); a page with restrictions is asked as Wagtail asks."""

    def get_view_restrictions(self):
        version = getattr(self, "_kept_route_version", None)
        if version is None or connection.in_atomic_block:
            return super().get_view_restrictions()
        restricted = copies_of_version(_restricted_kept, version)
        if self.pk not in restricted:
            with db_routing.reads_for_keeping():  # a restriction just added must not be missed
                restricted[self.pk] = super().get_view_restrictions().exists()
        if restricted[self.pk]:
            return super().get_view_restrictions()
        return PageViewRestriction.objects.none()


# A page type's statement has dozens of columns over two tables: composing it cost more than running it.
_live_page_queries: dict[type, CompiledInstancesQuery] = {}


def _live_page(model: type[Page]) -> CompiledInstancesQuery:
    """A live page of one type by its id, in a statement composed once per process."""
    if model not in _live_page_queries:
        _live_page_queries[model] = CompiledInstancesQuery(
            model, lambda pk: model.objects.filter(pk=pk, live=True), pk=int
        )
    return _live_page_queries[model]


def declare_page_queries() -> int:
    """Declares the statement of every page type (composed with the others by
    compiled_queries.compose_every_query); returns how many page types there are."""
    models = get_page_models()
    for model in models:
        _live_page(model)
    return len(models)


def route_kept(root: Page, request, path_components: list[str], walk) -> RouteResult:
    """`walk(request, path_components)` is Wagtail's own routing from `root`, used the first time."""
    if not path_components or getattr(request, "is_preview", False) or connection.in_atomic_block:
        return walk(request, path_components)
    version = _version(request)
    if version is None:
        return walk(request, path_components)
    routes = copies_of_version(_kept, version)
    key = (root.pk, tuple(path_components))
    if key not in routes:
        try:
            with db_routing.reads_for_keeping():
                result = walk(request, path_components)
        except Http404:
            routes[key] = None
            raise
        page, args, kwargs = result
        if not args and not kwargs:  # a page that routes further itself is not kept
            routes[key] = (type(page), page.pk)
        return result
    if routes[key] is None:
        raise Http404
    model, pk = routes[key]
    page = _live_page(model).get(pk=pk, using=model.objects.db)
    if page is None:
        raise Http404
    page._kept_route_version = version
    return RouteResult(page)


_urls_kept: dict[tuple[str, str, str], str | None] = {}


def slug_url(request, slug: str) -> str | None:
    """Wagtail's `{% slugurl slug %}` (a query each time), kept per process, slug and language until the
    page tree changes."""
    from django.utils import translation
    from wagtail.templatetags.wagtailcore_tags import slugurl

    version = None if connection.in_atomic_block else _version(request)
    if version is None:
        return slugurl({"request": request}, slug)
    key = (version, slug, translation.get_language() or "")
    if key not in _urls_kept:
        if len(_urls_kept) > 50:
            _urls_kept.clear()
        _urls_kept[key] = slugurl({"request": request}, slug)
    return _urls_kept[key]
