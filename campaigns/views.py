from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from city.catalogue import catalogue_data
from core.cached_answers import page_kept_for_readers
from core.db_routing import replica_reads
from core.localization import ascii_digits
from delphi import selectors as delphi_selectors

from . import selectors
from .errors import ServiceNotFound
from .forms import CallFilterForm
from .models import CallIndexPage


def service_index(request):
    """The catalogue: every active service, grouped by department, with the study that chose them."""
    shipped = delphi_selectors.shipped_study()
    return render(
        request,
        "campaigns/service_index.html",
        {
            "departments": selectors.department_list_with_services(),
            "study": catalogue_data(),
            "shipped_study": shipped,
            "shipped_study_source": delphi_selectors.study_source(shipped) if shipped else "",
        },
    )


def service_detail(request, slug: str):
    try:
        service = selectors.service_get(slug=slug)
    except ServiceNotFound as error:
        raise Http404(error.message) from None
    return render(
        request,
        "campaigns/service_detail.html",
        {
            "service": service,
            "calls": service_calls_upcoming(service=service),
            "calls_listing_url": call_listing_url(request, service=service),
            **_study_of(service),
        },
    )


def _study_of(service) -> dict:
    """The Delphi study a service came from, for its page: a link to the study and, for a service that a
    study in the workbench promoted, the figures it qualified with."""
    provenance = delphi_selectors.service_provenance(service=service)
    if provenance is None:
        return {}
    return {
        "study_page_url": reverse("delphi:study", args=[provenance.study.pk]),
        "provenance": None if provenance.study.figures_published else provenance,
    }


SERVICE_PAGE_CALLS = 6


def service_calls_upcoming(*, service, limit: int = SERVICE_PAGE_CALLS) -> list:
    """The service's live calls that still have a shift ahead, soonest first, for its catalogue page."""
    calls = selectors.call_list(filters=selectors.CallFilters(service=service.slug))
    return selectors.calls_with_catalogue(calls.filter(next_shift_starts_at__isnull=False)[:limit])


def call_listing_url(request, *, service=None) -> str | None:
    """The address of the open-calls listing, filtered to a service when one is given; None while the
    listing page does not exist yet."""
    index = CallIndexPage.objects.live().public().first()
    if index is None:
        return None
    url = index.get_url(request)
    if url and service is not None:
        url = f"{url}?{urlencode({'service': service.slug})}"
    return url


CALLS_PER_PAGE = 12
# Query parameters that are not filters: the page number is set per pagination link.
NON_FILTER_PARAMETERS = ("page",)


class CountedPaginator(Paginator):
    """A Paginator of `count` items told their number rather than counting them (the listing's count is
    cached), for the page numbers: the listing reads each page's calls itself (selectors.call_list_page)."""

    def __init__(self, per_page, *, count: int, **kwargs):
        super().__init__(range(count), per_page, **kwargs)


def _filter_querystring(query: QueryDict) -> str:
    """The filters of the request as a query string without the page number, empty fields and parameters
    that are no filter (a campaign's `utm_source`, a cache-buster), so that pagination links, the map and a
    shared link keep the same filters, and "Clear filters" shows only when there are some."""
    kept = QueryDict(mutable=True)
    for key, values in query.lists():
        non_empty = [value for value in values if value.strip()]
        if key in CallFilterForm.base_fields and key not in NON_FILTER_PARAMETERS and non_empty:
            kept.setlist(key, non_empty)
    return kept.urlencode()


@replica_reads
def call_listing(request, *, index_page):
    """The open calls: a filter form, one page of results as cards and their positions on a map.

    Everything lives in the query string, so a filtered list can be bookmarked and shared; a filter
    with an error is shown next to its field and left out, and page numbers out of range show the
    nearest page rather than an error.

    The whole page is kept as a reader without a session gets it, and a signed-in reader gets it with their
    own part of the header (core.cached_answers), until the calls change or the free places of a call it
    shows (selectors.listing_page_response_key). Rendering it afresh, its filter form and its cards come
    from kept parts (`{% kept %}`, `{% kept_in_process %}`).
    """
    return page_kept_for_readers(
        request,
        key_for=selectors.listing_page_response_key,
        seconds=selectors.CALL_COUNT_SECONDS,
        render=lambda reader: _call_listing_page(reader, index_page=index_page),
        freshness=selectors.LISTING_FRESHNESS,
    )


def _call_listing_page(request, *, index_page):
    form = CallFilterForm(request.GET)
    context = index_page.get_context(request)
    context.update({"form": form, "filter_querystring": _filter_querystring(request.GET)})
    if not getattr(request, "is_preview", False):
        # The filter form is drawn from the catalogue and the filters asked for (its widgets cost several
        # milliseconds to render): kept under the "calls" version, which every change of the catalogue or
        # of the listing page replaces, and the values of its fields.
        context["kept_version"] = selectors.calls_version()
        context["filter_form_values"] = urlencode(
            [(name, value) for name in form.fields for value in request.GET.getlist(name)]
        )
    context.update(_call_listing_results(request, form=form))
    results_html = render_to_string(RESULTS_TEMPLATE, context, request=request)
    context["results_html"] = mark_safe(results_html)  # noqa: S308 - rendered by our template above
    return TemplateResponse(request, index_page.get_template(request), context)


RESULTS_TEMPLATE = "campaigns/includes/call_results.html"


def _call_listing_results(request, *, form) -> dict:
    filters = form.to_filters()
    paginator = CountedPaginator(CALLS_PER_PAGE, count=selectors.call_list_count(filters=filters))
    page_obj = paginator.get_page(ascii_digits(request.GET.get("page", "")))
    calls_on_page = []
    if paginator.count:
        offset = (page_obj.number - 1) * CALLS_PER_PAGE
        calls_on_page = selectors.call_list_page(filters=filters, offset=offset, limit=CALLS_PER_PAGE)
    page_obj.object_list = calls_on_page
    return {
        "page_obj": page_obj,
        "paginator": paginator,
        "page_range": paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1),
        "calls": calls_on_page,
        "map_points": selectors.call_map_points(calls=calls_on_page, request=request),
    }
