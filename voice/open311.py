"""Open311 GeoReport v2 at /open311/v2/ (https://wiki.open311.org/GeoReport_v2), in JSON: the subjects
as services, a service's definition, creating a request with an `api_key`, and requests by id or filtered,
so existing 311 apps and city dashboards can talk to Hamyar.

A service is a subject (`service_code` is its id); a request is an item. Only what the public page shows
is ever returned: a request its author did not allow to be published (or staff have not) answers with its
status and department only. Errors are Open311's list of `{code, description}` in the request's language.
"""

import datetime
import hashlib
import secrets

from django.db.models import Prefetch, Q
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from volunteers.phone import normalize_mobile
from volunteers.services import FailureLimit, attempt_reserve

from . import selectors, services
from .models import Category, Item, Kind, Open311Key, Photo

REQUESTS_PER_KEY = FailureLimit("open311-key", 2000, datetime.timedelta(days=1))
MAX_REQUESTS = 1000  # GeoReport's default page: at most this many requests in a list
DEFAULT_DAYS = 90  # without dates, the requests of the last 90 days


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_create(*, name: str) -> tuple[Open311Key, str]:
    """A new key for an app; the key itself is returned once and never stored."""
    key = secrets.token_urlsafe(24)
    return Open311Key.objects.create(name=name, key_hash=key_hash(key)), key


def _errors(status: int, description: str) -> JsonResponse:
    return JsonResponse([{"code": status, "description": str(description)}], status=status, safe=False)


def _service(category: Category) -> dict:
    return {
        "service_code": str(category.pk),
        "service_name": category.name,
        "description": f"{category.name} — {category.department.name}",
        "metadata": False,
        "type": "realtime",
        "keywords": category.service.slug if category.service_id else "",
        "group": category.department.name,
    }


def _iso(value: datetime.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _request(item: Item, request) -> dict:
    """An item as GeoReport shows it; `item` comes with its steps and public photos (_with_details)."""
    public = item.is_public
    public_photos = item.public_photos
    answers = [step for step in item.steps.all() if step.action == "answered"]
    updated = max((step.at for step in item.steps.all()), default=item.received_at)
    return {
        "service_request_id": item.tracking_code,
        "status": "open" if item.is_awaiting_answer else "closed",
        "status_notes": (answers[-1].text if answers and public else item.get_status_display()),
        "service_name": item.category.name,
        "service_code": str(item.category_id),
        "description": item.shown_body if public else "",
        "agency_responsible": item.department.name,
        "service_notice": "",
        "requested_datetime": _iso(item.received_at),
        "updated_datetime": _iso(updated),
        "expected_datetime": _iso(item.due_at) if item.is_awaiting_answer else None,
        "address": item.address if public else "",
        "address_id": "",
        "zipcode": "",
        "lat": float(item.latitude) if public and item.latitude is not None else None,
        "long": float(item.longitude) if public and item.longitude is not None else None,
        "media_url": (
            request.build_absolute_uri(public_photos[0].image.url) if public and public_photos else ""
        ),
    }


def _with_details(items):
    """Each item's steps and public photos in two queries for the whole list, not two per item."""
    return items.prefetch_related(
        "steps", Prefetch("photos", queryset=Photo.objects.filter(is_public=True), to_attr="public_photos")
    )


def _language(request):
    # Open311 clients send `locale`; else the Accept-Language header decides, as everywhere.
    locale = (request.GET.get("locale") or request.POST.get("locale") or "")[:2]
    return locale if locale in ("fa", "en") else translation.get_language_from_request(request)


def _in_language(view):
    def wrapped(request, *args, **kwargs):
        with translation.override(_language(request)):
            return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@require_http_methods(["GET"])
@_in_language
def service_list(request):
    return JsonResponse(
        [_service(category) for category in selectors.subjects().select_related("service")], safe=False
    )


@require_http_methods(["GET"])
@_in_language
def service_definition(request, service_code: str):
    category = selectors.subjects().filter(pk=int(service_code) if service_code.isdigit() else 0).first()
    if category is None:
        return _errors(404, _("There is no service with this code."))
    return JsonResponse({"service_code": str(category.pk), "attributes": []})


@csrf_exempt
@require_http_methods(["GET", "POST"])
@_in_language
def requests_view(request):
    if request.method == "POST":
        return _create(request)
    items = Item.objects.exclude(status=Item.Status.MERGED).select_related("category", "department")
    ids = [code.strip() for code in request.GET.get("service_request_id", "").split(",") if code.strip()]
    if ids:
        items = items.filter(tracking_code__in=ids[:MAX_REQUESTS])
    else:
        # Lists show only published requests; one asked for by id shows its status at least.
        items = items.filter(published_at__isnull=False)
        start = parse_datetime(request.GET.get("start_date", "")) if request.GET.get("start_date") else None
        end = parse_datetime(request.GET.get("end_date", "")) if request.GET.get("end_date") else None
        if (request.GET.get("start_date") and start is None) or (request.GET.get("end_date") and end is None):
            return _errors(400, _("Dates are in W3C format, e.g. 2026-12-05T10:00:00+03:30."))
        items = items.filter(received_at__gte=start or timezone.now() - datetime.timedelta(days=DEFAULT_DAYS))
        if end:
            items = items.filter(received_at__lte=end)
        codes = [code for code in request.GET.get("service_code", "").split(",") if code.strip().isdigit()]
        if codes:
            items = items.filter(category_id__in=codes)
        status = request.GET.get("status", "")
        if status == "open":
            items = items.filter(status__in=[Item.Status.OPEN, Item.Status.REOPENED])
        elif status == "closed":
            items = items.filter(~Q(status__in=[Item.Status.OPEN, Item.Status.REOPENED]))
    items = _with_details(items.order_by("-received_at"))[:MAX_REQUESTS]
    return JsonResponse([_request(item, request) for item in items], safe=False)


@require_http_methods(["GET"])
@_in_language
def request_detail(request, request_id: str):
    item = (
        _with_details(Item.objects.exclude(status=Item.Status.MERGED))
        .select_related("category", "department")
        .filter(tracking_code=request_id)
        .first()
    )
    if item is None:
        return _errors(404, _("There is no request with this id."))
    return JsonResponse([_request(item, request)], safe=False)


def _create(request):
    key = request.POST.get("api_key", "")
    if not key or not Open311Key.objects.filter(key_hash=key_hash(key), is_active=True).exists():
        return _errors(403, _("A valid api_key is needed to create a request."))
    # An app sends for many citizens from one address: it is limited per key, and each citizen's number
    # by item_submit as on the web.
    try:
        attempt_reserve(limits=[(REQUESTS_PER_KEY, key_hash(key))])
    except DomainError as refused:
        return _errors(429, refused.message)
    category = (
        selectors.subjects()
        .filter(pk=int(code) if (code := request.POST.get("service_code", "")).isdigit() else 0)
        .first()
    )
    if category is None:
        return _errors(404, _("There is no service with this code."))
    mobile = normalize_mobile(request.POST.get("phone", "")) or ""
    if not mobile:
        return _errors(400, _("Give the citizen's mobile number (phone), so that the answer reaches them."))
    description = (request.POST.get("description") or "").strip()
    if not description:
        return _errors(400, _("Describe the request (description)."))
    name = " ".join(
        part for part in (request.POST.get("first_name", ""), request.POST.get("last_name", "")) if part
    )
    try:
        item = services.item_submit(
            kind=Kind.PROBLEM,
            category=category,
            title=description[:80],
            body=description[:4000],
            language=translation.get_language(),
            channel=Item.Channel.API,
            mobile=mobile,
            name=name[:150],
            latitude=request.POST.get("lat") or None,
            longitude=request.POST.get("long") or None,
            address=(request.POST.get("address_string") or "")[:300],
        )
    except DomainError as error:
        return _errors(error.status_code, error.message)
    notice = _("Your tracking code is %(code)s; it is sent to the citizen by SMS.") % {
        "code": item.tracking_code
    }
    return JsonResponse(
        [
            {
                "service_request_id": item.tracking_code,
                "service_notice": notice,
                "account_id": None,
                "token": None,
                "url": request.build_absolute_uri(reverse("voice:track") + f"?code={item.tracking_code}"),
            }
        ],
        status=201,
        safe=False,
    )
