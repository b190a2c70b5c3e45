"""Template filters for showing things in the reader's language; loaded everywhere as a builtin."""

from django import template
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core import access, localization, page_routes
from core.cache import kept_part

register = template.Library()


@register.filter
def tr(obj, field: str) -> str:
    """`{{ service|tr:"name" }}`: a bilingual field in the active language."""
    return localization.localized(obj, field)


@register.filter
def digits(value) -> str:
    """`{{ value|digits }}`: Persian digits on Persian pages."""
    if value is None:
        return ""
    return localization.localize_digits(value)


@register.filter
def num(value) -> str:
    """`{{ count|num }}`: a grouped number in the reader's digits."""
    if value in (None, ""):
        return ""
    return localization.format_number(value)


@register.filter
def fixed(value, places: int = 2) -> str:
    """`{{ mean|fixed:2 }}`: exactly that many decimals (4.00, not 4), in the reader's digits."""
    if value in (None, ""):
        return ""
    return localization.format_fixed(value, int(places))


@register.filter
def jdate(value, arg: str = "") -> str:
    """`{{ shift.starts_at|jdate:"time,weekday" }}`: Jalali in Persian, Gregorian in English."""
    if not value:
        return ""
    options = set(arg.split(",")) if arg else set()
    return localization.format_date(value, with_time="time" in options, with_weekday="weekday" in options)


@register.simple_tag(takes_context=True)
def kept_slugurl(context, slug: str) -> str | None:
    """`{% kept_slugurl "calls" as calls_url %}`: Wagtail's slugurl without a query per page
    (core.page_routes)."""
    return page_routes.slug_url(context.get("request"), slug)


@register.tag("kept")
def kept(parser, token):
    """`{% kept "call-top" page.pk %}…{% endkept %}`: a part of a page that is the same for every reader,
    rendered once and kept in the cache under the context's `kept_version` (the versions of all it shows,
    which the view gives), the language and the values named; rendered every time when there is no
    version (a preview, inside a transaction, the cache down). Nothing of one reader may be inside."""
    vary = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptPartNode(nodelist, vary)


@register.tag("kept_in_process")
def kept_in_process(parser, token):
    """`{% kept_in_process "call-card" call.pk call.free_places %}…{% endkept_in_process %}`: as `kept`,
    kept in this process's own memory rather than the shared cache, so the values named must include
    everything inside that may change without a new `kept_version` (a card's free places)."""
    vary = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endkept_in_process",))
    parser.delete_first_token()
    return KeptPartNode(nodelist, vary, in_process=True)


class KeptPartNode(template.Node):
    def __init__(self, nodelist, vary, *, in_process: bool = False):
        self.nodelist = nodelist
        self.vary = vary
        self.in_process = in_process

    def render(self, context):
        version = context.get("kept_version")
        if not version:
            return self.nodelist.render(context)
        parts = [version, translation.get_language() or "", *(v.resolve(context) for v in self.vary)]
        html = kept_part(parts, lambda: self.nodelist.render(context), in_process=self.in_process)
        return mark_safe(html)  # noqa: S308 - rendered by the template's own nodes


@register.simple_tag(takes_context=True)
def staff_area(context) -> bool:
    """`{% staff_area as reader_is_staff %}`: whether the reader may open the staff area (for its link and
    Wagtail's userbar), from core.access's kept answer."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return access.may_use_staff_area(user)


@register.filter
def bdi(value) -> str:
    """`{% blocktranslate with name=person.display_name|bdi %}`: isolates an inserted name or title, so a
    Persian title next to English words (or the reverse) does not reorder the sentence around it."""
    if value in (None, ""):
        return ""
    return format_html("<bdi>{}</bdi>", value)


@register.simple_tag(takes_context=True)
def url_in_language(context, language_code: str) -> str:
    """`{% url_in_language "en" %}`: this page's address, query string included, in another language;
    the home page in that language when this address has no counterpart there (a 404, say)."""
    return localization.url_in_language(context.get("request"), language_code)
