"""Citizen voice for apps: the subjects, the public items, following an item by its code and the monitoring
figures (anyone); sending an item, my items, rating, reopening and "me too" (a person)."""

from django.http import HttpRequest
from django.utils import translation
from ninja import Router, Status
from ninja.pagination import paginate

from city.models import District
from core.pagination import PageNumberPagination
from volunteers.auth import api_auth, client_ip

from . import selectors, services
from .errors import ItemNotFound, ItemRefused, VoiceErrorCode
from .models import Category, Item
from .schemas import (
    ItemIn,
    MonthOut,
    MyItemOut,
    PublicItemOut,
    RatingIn,
    ReopenIn,
    SubjectOut,
    SupportOut,
    TrackOut,
)

public_router = Router(tags=["Citizen voice"])
router = Router(tags=["Citizen voice"], auth=api_auth)


def _not_found():
    return ItemNotFound(VoiceErrorCode.ITEM_NOT_FOUND, translation.gettext("There is no such item."))


@public_router.get("/voice/subjects", response=list[SubjectOut], summary="What citizens can write about")
def list_subjects(request: HttpRequest):
    return selectors.subjects().select_related("service")


@public_router.get("/voice/items", response=list[PublicItemOut], summary="Published items, newest first")
@paginate(PageNumberPagination, page_size=20)
def list_public_items(
    request: HttpRequest,
    kind: str = "",
    department: int | None = None,
    district: int | None = None,
    status: str = "",
):
    """Filtered like the public list: `kind`, `department` (id), `district` (id), `status` (`awaiting`,
    `answered`, `closed`)."""
    return selectors.public_items(
        kind=kind, department=department, district=district, status=status
    ).prefetch_related("steps__department", "steps__to_department")


@public_router.get("/voice/items/{tracking_code}", response=PublicItemOut, summary="One published item")
def get_public_item(request: HttpRequest, tracking_code: str):
    item = selectors.public_item(tracking_code)
    if item is None:
        raise _not_found()
    return item


@public_router.get(
    "/voice/items/{tracking_code}/status",
    response=TrackOut,
    summary="Where an item stands, by its tracking code",
)
def track_item(request: HttpRequest, tracking_code: str):
    item = selectors.item_by_code(tracking_code)
    if item is None:
        raise _not_found()
    return item


@public_router.get(
    "/voice/monitoring", response=list[MonthOut], summary="Each department's figures per month"
)
def monitoring(request: HttpRequest, department: int | None = None):
    """Computed from the timelines: received, answered within target, working hours to answer and to close
    (median and 90th percentile), share reopened and average rating, per Jalali month of receipt."""
    return selectors.monitoring(department=department)


# On the public router: ninja keeps one router per path, and GET /voice/items is public.
@public_router.post(
    "/voice/items", response={201: MyItemOut}, summary="Say something to the city", auth=api_auth
)
def create_item(request: HttpRequest, payload: ItemIn):
    category = (
        Category.objects.filter(pk=payload.subject_id, is_active=True).select_related("department").first()
    )
    if category is None:
        raise ItemRefused(
            VoiceErrorCode.SUBJECT_UNKNOWN, translation.gettext("Choose a subject from the list.")
        )
    item = services.item_submit(
        kind=payload.kind,
        category=category,
        title=payload.title,
        body=payload.body,
        language=translation.get_language(),
        channel=Item.Channel.API,
        author=request.auth,
        latitude=payload.latitude,
        longitude=payload.longitude,
        address=payload.address,
        district=District.objects.filter(number=payload.district).first() if payload.district else None,
        public_allowed=payload.public_allowed,
        client_ip=client_ip(request),
    )
    return Status(201, item)


@router.get("/me/voice/items", response=list[MyItemOut], summary="What I have sent")
@paginate(PageNumberPagination, page_size=20)
def my_items(request: HttpRequest):
    return selectors.items_of(request.auth).prefetch_related("steps__department", "steps__to_department")


def _mine(request: HttpRequest, tracking_code: str) -> Item:
    item = selectors.items_of(request.auth).filter(tracking_code=tracking_code).first()
    if item is None:
        raise _not_found()
    return item


@router.post("/voice/items/{tracking_code}/rating", response=MyItemOut, summary="Rate the answer to my item")
def rate_item(request: HttpRequest, tracking_code: str, payload: RatingIn):
    return services.item_rate(
        item=_mine(request, tracking_code), rating=payload.rating, comment=payload.comment
    )


@router.post("/voice/items/{tracking_code}/reopen", response=MyItemOut, summary="Reopen my item once")
def reopen_item(request: HttpRequest, tracking_code: str, payload: ReopenIn):
    return services.item_reopen(item=_mine(request, tracking_code), reason=payload.reason)


@router.post(
    "/voice/items/{tracking_code}/photos",
    response=MyItemOut,
    summary="Add photos to my item",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "photos": {
                                "type": "array",
                                "items": {"type": "string", "format": "binary"},
                                "description": "JPEG, PNG or WebP, at most 5 MB each; four in all.",
                            }
                        },
                    }
                }
            },
        }
    },
)
def add_photos(request: HttpRequest, tracking_code: str):
    """Within an hour of sending the item, while it awaits an answer; where each photo was taken is removed.
    400 `too_many_photos`, `photo_too_large`, `photo_invalid`; 409 `photos_too_late`."""
    photos = request.FILES.getlist("photos") + request.FILES.getlist("photos[]")
    return services.item_photos_add(item=_mine(request, tracking_code), photos=photos)


@router.post(
    "/voice/items/{tracking_code}/support", response=SupportOut, summary="Me too, on a public problem"
)
def support_item(request: HttpRequest, tracking_code: str):
    item = selectors.public_item(tracking_code)
    if item is None:
        raise _not_found()
    counted = services.item_support(item=item, user=request.auth)
    return {
        "counted": counted,
        "supporters": Item.objects.values_list("supporters", flat=True).get(pk=item.pk),
    }
