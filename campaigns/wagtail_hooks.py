from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import admin_call_views, checkin_wagtail_hooks  # noqa: F401  (its hooks register on import)
from .admin_views import ShiftViewSet
from .models import Department, District, OpenCallPage, Service, SignUp


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "group"
    menu_label = _("Departments")
    list_display = ["name_fa", "name_en", "panel_size", "kendall_w_round_3"]
    panels = [
        FieldPanel("slug"),
        FieldPanel("name_fa"),
        FieldPanel("name_en"),
        FieldPanel("sort_order"),
        MultiFieldPanel(
            [FieldPanel("panel_size"), FieldPanel("kendall_w_round_2"), FieldPanel("kendall_w_round_3")],
            heading=_("Delphi study"),
        ),
    ]


class ServiceViewSet(SnippetViewSet):
    model = Service
    icon = "list-ul"
    menu_label = _("Services")
    list_display = ["short_name_fa", "short_name_en", "department", "study_number", "is_active"]
    list_filter = ["department", "is_active"]
    search_fields = ["name_fa", "name_en", "short_name_fa", "short_name_en", "slug"]
    panels = [
        FieldPanel("department"),
        FieldPanel("slug"),
        FieldPanel("short_name_fa"),
        FieldPanel("short_name_en"),
        FieldPanel("name_fa"),
        FieldPanel("name_en"),
        FieldPanel("description_fa"),
        FieldPanel("description_en"),
        FieldPanel("is_active"),
        # The study number and Delphi figures are the study's own: shown, never edited.
        FieldPanel("study_number", read_only=True),
    ]


class DistrictViewSet(SnippetViewSet):
    model = District
    icon = "site"
    menu_label = _("Districts")
    list_display = ["number", "name_fa", "name_en"]


class CatalogueViewSetGroup(SnippetViewSetGroup):
    items = (ServiceViewSet, DepartmentViewSet, DistrictViewSet)
    menu_icon = "list-ul"
    menu_label = _("Catalogue")
    menu_name = "catalogue"


register_snippet(CatalogueViewSetGroup)


@hooks.register("register_admin_viewset")
def register_shift_viewset():
    return ShiftViewSet()


@hooks.register("register_admin_urls")
def register_call_action_urls():
    return [
        path("calls/<int:call_id>/close/", admin_call_views.close_call, name="campaigns_close_call"),
        path("calls/<int:call_id>/reopen/", admin_call_views.reopen_call, name="campaigns_reopen_call"),
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
