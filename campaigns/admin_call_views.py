"""Staff actions on a call that are not page edits: closing it to sign-ups and opening it again."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .models import CallClosure, OpenCallPage
from .services import call_close, call_reopen


def _call_the_user_may_edit(request, call_id: int) -> OpenCallPage:
    call = get_object_or_404(OpenCallPage, pk=call_id)
    if not call.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return call


def close_call(request, call_id: int):
    call = _call_the_user_may_edit(request, call_id)
    if request.method == "POST":
        # NUL characters dropped: PostgreSQL refuses them in text, and nobody types one.
        reason = request.POST.get("reason", "").replace("\x00", "")[:300]
        call_close(call=call, actor=request.user, reason=reason)
        messages.success(
            request,
            _("“%(call)s” is closed to new sign-ups; those signed up are being told.") % {"call": call.title},
        )
        return redirect("wagtailadmin_pages:edit", call.pk)
    return TemplateResponse(
        request,
        "campaigns/admin/close_call.html",
        {
            "call": call,
            "signup_count": call.shifts.filter(signups__status__in=["confirmed", "waitlisted"]).count(),
        },
    )


def reopen_call(request, call_id: int):
    call = _call_the_user_may_edit(request, call_id)
    if request.method != "POST":
        return redirect("wagtailadmin_pages:edit", call.pk)
    call_reopen(call=call)
    messages.success(request, _("“%(call)s” takes sign-ups again.") % {"call": call.title})
    return redirect("wagtailadmin_pages:edit", call.pk)


def call_is_closed(call: OpenCallPage) -> bool:
    return CallClosure.objects.filter(call=call).exists()
