"""Which Wagtail page an address is, found once per process and change of the page tree rather than walked
level by level on every request (Wagtail's `route` reads each level's child and then its specific page:
eight queries for a call's page); and the address of a page by its slug (`{% kept_slugurl %}`), likewise.

The site's root page's `route` asks `route_kept`: the page's type and id are kept per path under a version
in the shared cache that every saved, deleted or moved page replaces once its change commits, so no node
routes by a tree from before a change; the page itself is read fresh, in one query. Outside that (the
cache down, inside a transaction, a preview), Wagtail routes as always.
"""

from django.core.cache import cache
from django.db import connection, transaction
from django.http import Http404
from wagtail.models import Page
from wagtail.url_routing import RouteResult

from core.cache import copies_of_version, shared_version

VERSION_KEY = "core:page-tree-version"

_kept: dict[str, dict[tuple, tuple[type, int] | None]] = {}


def page_tree_changed(sender=None, instance=None, **kwargs) -> None:
    """Receiver of every model's post_save and post_delete (pages only) and of page moves."""
    if instance is not None and not isinstance(instance, Page):
        return
    transaction.on_commit(lambda: cache.delete(VERSION_KEY), robust=True)


def _version() -> str | None:
    return shared_version(VERSION_KEY)


def route_kept(root: Page, request, path_components: list[str], walk) -> RouteResult:
    """`walk(request, path_components)` is Wagtail's own routing from `root`, used the first time."""
    if not path_components or getattr(request, "is_preview", False) or connection.in_atomic_block:
        return walk(request, path_components)
    version = _version()
    if version is None:
        return walk(request, path_components)
    routes = copies_of_version(_kept, version)
    key = (root.pk, tuple(path_components))
    if key not in routes:
        try:
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
    page = model.objects.filter(pk=pk, live=True).first()
    if page is None:
        raise Http404
    return RouteResult(page)


_urls_kept: dict[tuple[str, str, str], str | None] = {}


def slug_url(request, slug: str) -> str | None:
    """Wagtail's `{% slugurl slug %}` (a query each time), kept per process, slug and language until the
    page tree changes."""
    from django.utils import translation
    from wagtail.templatetags.wagtailcore_tags import slugurl

    version = None if connection.in_atomic_block else _version()
    if version is None:
        return slugurl({"request": request}, slug)
    key = (version, slug, translation.get_language() or "")
    if key not in _urls_kept:
        if len(_urls_kept) > 50:
            _urls_kept.clear()
        _urls_kept[key] = slugurl({"request": request}, slug)
    return _urls_kept[key]
