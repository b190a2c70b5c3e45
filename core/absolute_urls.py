"""Absolute addresses of Wagtail pages, for API answers and notices that link back to the site."""


def page_absolute_url(page, request) -> str | None:
    """The page's address as `request.build_absolute_uri(page.get_url(request))` gives it, without the
    Site query that `get_url(request)` makes on every call (the site root paths come from Wagtail's cache).
    None when the page cannot be routed."""
    url_parts = page.get_url_parts(request=request)
    if url_parts is None or url_parts[2] is None:
        return None
    if len({root_path[0] for root_path in page._get_site_root_paths(request)}) == 1:
        return request.build_absolute_uri(url_parts[2])
    return request.build_absolute_uri(page.get_url(request=request))  # which site is the reader's decides
