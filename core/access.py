"""Who may open the staff area, asked on every signed-in page (the header's link, Wagtail's userbar)."""

from django.core.cache import cache

# A person given or refused the staff area sees its link change within this time; the staff area itself
# checks their permissions on every request.
STAFF_AREA_SECONDS = 300


def may_use_staff_area(user) -> bool:
    """Wagtail's `access_admin` permission (or is_staff), kept in the cache per person: finding it out
    takes two queries (the person's and their groups' permissions) that every page would otherwise make."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.is_staff:
        return True
    known = getattr(user, _ASKED, None)  # a page asks more than once (the header, the userbar)
    if known is None:
        key = f"staff-area:{user.pk}"
        known = cache.get(key)
        if known is None:
            known = user.has_perm("wagtailadmin.access_admin")
            cache.set(key, known, STAFF_AREA_SECONDS)
        setattr(user, _ASKED, known)
    return known


# Where the answer is noted on the request's user object, which lives for one request.
_ASKED = "_hamyar_may_use_staff_area"
