"""The citizen's and the public's pages of citizen voice: say something (with an account, or a mobile
number proved by a one-time code), follow it by its code, read and rate the answer, reopen it; the public
list and map, each public item, and every department's figures."""

import datetime
import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.models import OpenCallPage
from core.errors import DomainError
from core.localization import ascii_digits, localize_digits
from verification.models import Verification
from volunteers.auth import client_ip
from volunteers.forms import CodeForm, PhoneForm
from volunteers.models import OneTimeCode
from volunteers.services import FailureLimit, attempt_reserve, one_time_code_send, one_time_code_use

from . import selectors, services
from .forms import ItemForm, PublicFilterForm, RateForm, ReopenForm, TrackForm
from .models import Category, Item, Step

# A mobile number proved by a code stays proved in the session for an hour: time to write and send.
PROVED_SECONDS = 3600
SESSION_KEY = "voice_mobile"
# Unknown tracking codes asked per address: enough for typos, too few to walk the codes.
UNKNOWN_CODES_PER_ADDRESS = FailureLimit("voice-track-address", 20, datetime.timedelta(hours=1))


def _proved_mobile(request) -> str:
    proved = request.session.get(SESSION_KEY) or {}
    if proved.get("until", 0) < time.time():
        return ""
    return proved.get("mobile", "")


def _error_to_form(form, error: DomainError) -> None:
    field = (error.details or {}).get("field") if isinstance(error.details, dict) else None
    form.add_error(field if field in form.fields else None, str(error.message))


def voice_home(request):
    """The public face of citizen voice: what people said and how the city answered, on a list and a
    map, filtered; the way in to say something or follow an item."""
    filters = PublicFilterForm(request.GET or None)
    values = filters.cleaned_data if filters.is_valid() else {}
    items = selectors.public_items(
        kind=values.get("kind") or "",
        department=getattr(values.get("department"), "pk", None),
        district=getattr(values.get("district"), "pk", None),
        status=values.get("status") or "",
    )
    page = Paginator(items, 20).get_page(request.GET.get("page"))
    points = selectors.map_points(items)
    for point in points:
        point["url"] = reverse("voice:public_item", args=[point["code"]])
    return TemplateResponse(
        request,
        "voice/home.html",
        {"filters": filters, "page": page, "map_points": points, "track_form": TrackForm()},
    )


def item_new(request):
    """Say something to the city. With no account, the mobile number is proved first by a code (kept for
    an hour in the session), so the text and photos are written once and never lost to a wrong code."""
    about = _about(request)
    if about.get("verification_id") and not request.user.is_authenticated:
        return redirect(f"{reverse('volunteers:login')}?next={request.get_full_path()}")
    if not request.user.is_authenticated and not _proved_mobile(request):
        return _prove_mobile(request)
    form = ItemForm(request.POST or None, request.FILES or None, initial=_initial(request, about))
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_submit(
                **form.item_values(),
                language=translation.get_language(),
                author=request.user if request.user.is_authenticated else None,
                mobile="" if request.user.is_authenticated else _proved_mobile(request),
                call=about.get("call"),
                verification=about.get("verification"),
                client_ip=client_ip(request),
            )
        except DomainError as error:
            _error_to_form(form, error)
        else:
            messages.success(
                request,
                _("Received. Your tracking code is %(code)s; it was also sent to you by SMS.")
                % {"code": localize_digits(item.tracking_code)},
            )
            return redirect("voice:mine", item.tracking_code, item.author_key)
    return TemplateResponse(
        request,
        "voice/item_new.html",
        {"form": form, "proved_mobile": _proved_mobile(request), **about},
        status=400 if form.is_bound and form.errors else 200,
    )


def _about(request) -> dict:
    """The call or the decision (on the person's own report) an item is about, from the link that led
    here or the form sent; anything else is ignored."""
    values = request.POST if request.method == "POST" else request.GET
    about = {}
    call_id, verification_id = values.get("call", ""), values.get("verification", "")
    if call_id.isdigit():
        about["call"] = OpenCallPage.objects.live().filter(pk=int(call_id)).select_related("service").first()
    if verification_id.isdigit():
        about["verification_id"] = int(verification_id)
        if request.user.is_authenticated:
            about["verification"] = (
                Verification.objects.filter(
                    pk=int(verification_id), completion__signup__volunteer=request.user
                )
                .exclude(decision=Verification.Decision.APPROVE)
                .select_related("completion__signup__shift__call__service")
                .first()
            )
    return {key: value for key, value in about.items() if value is not None}


def _initial(request, about: dict) -> dict:
    initial = {"kind": request.GET.get("kind")}
    service = None
    if about.get("call"):
        initial["call"] = about["call"].pk
        service = about["call"].service
    if about.get("verification"):
        initial["verification"] = about["verification"].pk
        initial["kind"] = "complaint"
        service = about["verification"].completion.signup.shift.call.service
    if service is not None:
        initial["category"] = (
            Category.objects.filter(service=service, is_active=True).values_list("pk", flat=True).first()
        )
    return initial


def _prove_mobile(request):
    step = request.POST.get("step", "ask")
    if request.method == "POST" and step == "confirm":
        form = CodeForm(request.POST)
        phone_form = PhoneForm(request.POST)
        if form.is_valid() and phone_form.is_valid():
            try:
                mobile = one_time_code_use(
                    phone=phone_form.cleaned_data["phone"],
                    purpose=OneTimeCode.Purpose.VOICE,
                    code=form.cleaned_data["code"],
                    client_ip=client_ip(request),
                )
            except DomainError as error:
                _error_to_form(form, error)
            else:
                request.session[SESSION_KEY] = {"mobile": mobile, "until": time.time() + PROVED_SECONDS}
                return redirect(request.get_full_path())
        return TemplateResponse(
            request,
            "voice/prove_mobile.html",
            {"form": form, "step": "confirm", "sent_to": request.POST.get("phone", "")},
            status=400,
        )
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            one_time_code_send(
                phone=form.cleaned_data["phone"],
                purpose=OneTimeCode.Purpose.VOICE,
                client_ip=client_ip(request),
                language=translation.get_language(),
            )
        except DomainError as error:
            _error_to_form(form, error)
        else:
            return TemplateResponse(
                request,
                "voice/prove_mobile.html",
                {"form": CodeForm(), "step": "confirm", "sent_to": form.cleaned_data["phone"]},
            )
    return TemplateResponse(
        request,
        "voice/prove_mobile.html",
        {"form": form, "step": "ask"},
        status=400 if form.is_bound and form.errors else 200,
    )


def _author_page(request, item: Item, *, rate_form=None, reopen_form=None, status=200):
    answered = item.answered_at is not None
    may_rate = (
        answered
        and item.status in (Item.Status.ANSWERED, Item.Status.CLOSED)
        and (item.rated_at is None or item.rated_at < item.answered_at)
    )
    return TemplateResponse(
        request,
        "voice/item_mine.html",
        {
            "item": item,
            "steps": selectors.timeline(item),
            "photos": item.photos.all(),
            "rate_form": (rate_form or RateForm()) if may_rate else None,
            "reopen_form": (reopen_form or ReopenForm()) if services.can_reopen(item) else None,
        },
        status=status,
    )


def item_mine(request, code: str, key: str):
    """The author's page of their item, reached by the link sent to them (whoever holds it is the
    author): everything they said, the whole timeline with the answers, rating and reopening."""
    item = selectors.item_for_author(code, key)
    if item is None:
        raise Http404(_("This link is not valid. Check the tracking code in your SMS."))
    if request.method != "POST":
        return _author_page(request, item)
    if "rating" in request.POST:
        form = RateForm(request.POST)
        if form.is_valid():
            try:
                services.item_rate(
                    item=item, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
                )
            except DomainError as error:
                _error_to_form(form, error)
            else:
                messages.success(request, _("Thank you for rating the answer."))
                return redirect(request.path)
        return _author_page(request, item, rate_form=form, status=400)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.item_reopen(item=item, reason=form.cleaned_data["reason"])
        except DomainError as error:
            _error_to_form(form, error)
        else:
            messages.success(request, _("Reopened: it is back with the department, which answers again."))
            return redirect(request.path)
    return _author_page(request, item, reopen_form=form, status=400)


@login_required
def my_items(request):
    return TemplateResponse(request, "voice/my_items.html", {"items": selectors.items_of(request.user)})


def track(request):
    """Where an item stands, by its tracking code alone: its kind, department, status and steps, none of
    its words (those are for the author's link and, when published, the public page)."""
    form = TrackForm(request.GET or None)
    item = None
    if form.is_valid():
        code = ascii_digits(form.cleaned_data["code"]).replace(" ", "").replace("-", "")
        item = selectors.item_by_code(code)
        if item is None:
            try:
                attempt_reserve(limits=[(UNKNOWN_CODES_PER_ADDRESS, client_ip(request))])
            except DomainError as error:
                return TemplateResponse(
                    request, "voice/track.html", {"form": form, "error": error.message}, status=429
                )
            form.add_error("code", _("No item has this tracking code."))
        elif request.user.is_authenticated and item.author_id == request.user.pk:
            return redirect("voice:mine", item.tracking_code, item.author_key)
    steps = (
        [step for step in selectors.timeline(item) if step.action != Step.Action.PUBLISHED] if item else []
    )
    return TemplateResponse(
        request,
        "voice/track.html",
        {"form": form, "item": item, "steps": steps},
        status=404 if form.is_bound and form.errors else 200,
    )


def public_item(request, code: str):
    item = selectors.public_item(code)
    if item is None:
        raise Http404(_("There is no public item with this code."))
    supported = request.user.is_authenticated and item.supports.filter(user=request.user).exists()
    return TemplateResponse(
        request,
        "voice/public_item.html",
        {
            "item": item,
            "steps": selectors.timeline(item),
            "photos": item.photos.filter(is_public=True),
            "supported": supported,
        },
    )


@require_POST
def support(request, code: str):
    item = selectors.public_item(code)
    if item is None:
        raise Http404(_("There is no public item with this code."))
    if not request.user.is_authenticated:
        return redirect(f"{reverse('volunteers:login')}?next={reverse('voice:public_item', args=[code])}")
    try:
        counted = services.item_support(item=item, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if counted:
            messages.success(request, _("Counted: you have this problem too."))
    return redirect("voice:public_item", code)


def monitoring(request):
    """Every department's figures per month, computed from the timelines: what the public is owed."""
    return TemplateResponse(request, "voice/monitoring.html", {"months": selectors.monitoring()})
