from django.http import Http404
from django.shortcuts import render

from . import selectors
from .catalogue import catalogue_data
from .errors import ServiceNotFound


def service_index(request):
    """The catalogue: every active service, grouped by department, with the study that chose them."""
    return render(
        request,
        "campaigns/service_index.html",
        {"departments": selectors.department_list_with_services(), "study": catalogue_data()},
    )


def service_detail(request, slug: str):
    try:
        service = selectors.service_get(slug=slug)
    except ServiceNotFound as error:
        raise Http404(error.message) from None
    return render(request, "campaigns/service_detail.html", {"service": service})


def call_listing(request, *, index_page):
    """Placeholder replaced by the listing view; keeps the page routable meanwhile."""
    return render(request, "campaigns/call_index_page.html", {"page": index_page, "calls": []})
