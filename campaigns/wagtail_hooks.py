from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from volunteers.ngos import selectors as ngo_selectors

from . import (
    admin_call_views,  # noqa: F401  (its hooks register on import)
    admin_series_views,
    selectors,
)
from .admin_views import ShiftViewSet
from .checkin import wagtail_hooks as checkin_wagtail_hooks  # noqa: F401  (its hooks register on import)
from .models import OpenCallPage, SignUp


@hooks.register("register_admin_viewset")
def register_shift_viewset():
    return ShiftViewSet()


@hooks.register("register_admin_urls")
def register_call_action_urls():
    return [
        path("calls/<int:call_id>/close/", admin_call_views.close_call, name="campaigns_close_call"),
        path("calls/<int:call_id>/reopen/", admin_call_views.reopen_call, name="campaigns_reopen_call"),
    ]


@hooks.register("register_admin_urls")
def register_shift_batch_urls():
    return [
        path("shift-series/", admin_series_views.shift_series, name="campaigns_shift_series"),
        path("shift-copies/", admin_series_views.shift_copy, name="campaigns_shift_copy"),
    ]


@hooks.register("register_page_header_buttons")
def call_closing_buttons(page, user, view_name=None, next_url=None):
    if not isinstance(page.specific_deferred, OpenCallPage) or not page.permissions_for_user(user).can_edit():
        return
    if admin_call_views.call_is_closed(page):
        yield Button(
            _("Open to sign-ups again"),
            reverse("campaigns_reopen_call", args=[page.pk]),
            icon_name="lock-open",
            priority=50,
        )
    else:
        yield Button(
            _("Close to new sign-ups"),
            reverse("campaigns_close_call", args=[page.pk]),
            icon_name="lock",
            priority=50,
        )


def _pages_with_signups(pages) -> int:
    """How many sign-ups hang on calls among `pages` and their descendants."""
    call_ids = set()
    for page in pages:
        call_ids.update(OpenCallPage.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True))
    return SignUp.objects.filter(shift__call_id__in=call_ids).count()


@hooks.register("before_delete_page")
def refuse_deleting_calls_with_signups(request, page):
    signup_count = _pages_with_signups([page])
    if signup_count:
        messages.error(
            request,
            _(
                "This cannot be deleted: %(count)s sign-ups belong to its shifts. Unpublish it or close it "
                "to new sign-ups instead; the volunteers' history is kept."
            )
            % {"count": signup_count},
        )
        return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_bulk_action")
def refuse_bulk_deleting_calls_with_signups(request, action_type, objects, action_class_instance):
    if action_type != "delete":
        return
    signup_count = _pages_with_signups(objects)
    if signup_count:
        messages.error(
            request,
            _("These pages cannot be deleted: %(count)s sign-ups belong to their shifts.")
            % {"count": signup_count},
        )
        return redirect(request.GET.get("next") or "wagtailadmin_explore_root")


@hooks.register(ngo_selectors.NGO_PAGE_SECTIONS_HOOK)
def ngo_page_team_places(*, organisation, membership):
    """The places the NGO's teams hold on upcoming shifts, on the NGO's page for its managers."""
    if not ngo_selectors.is_manager(membership):
        return None
    reservations = selectors.team_reservations_upcoming(organisation=organisation, manager=membership.user)
    return {"template": "campaigns/includes/ngo_team_places.html", "reservations": reservations}
