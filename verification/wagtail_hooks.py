from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from city.permissions import departments_for_staff

from . import admin_views, dashboard_panel
from .models import ImpactMeasure

admin_urlpatterns = [
    path("", admin_views.queue, name="queue"),
    path("<int:completion_id>/", admin_views.completion_detail, name="completion"),
    path("<int:completion_id>/decide/", admin_views.completion_decide, name="decide"),
    path("<int:completion_id>/photos-withhold/", admin_views.photos_withhold, name="photos_withhold"),
    path("shifts/<int:shift_id>/approve-all/", admin_views.shift_approve_all, name="approve_all"),
    path("signups/<int:signup_id>/on-behalf/", admin_views.on_behalf, name="on_behalf"),
]


@hooks.register("register_admin_urls")
def register_verification_urls():
    return [path("verification/", include((admin_urlpatterns, "verification_admin")))]


class VerificationMenuItem(MenuItem):
    """Shown to staff of a department (and superusers): the only people with a queue."""

    def is_shown(self, request):
        return departments_for_staff(user=request.user).exists()


@hooks.register("register_admin_menu_item")
def register_verification_menu_item():
    return VerificationMenuItem(
        _("Verification"), reverse("verification_admin:queue"), icon_name="tasks", order=220
    )


@hooks.register("construct_homepage_panels")
def add_verification_dashboard_panel(request, panels):
    panel = dashboard_panel.panel_for(request.user)
    if panel is not None:
        panels.append(panel)


class ImpactMeasureViewSet(SnippetViewSet):
    """What each service's reports measure: staff add, correct or retire measures (a retired one keeps its
    figures; a measure with figures cannot be deleted)."""

    model = ImpactMeasure
    icon = "pick"
    menu_label = _("Impact measures")
    menu_name = "impact_measures"
    menu_order = 230
    add_to_admin_menu = True
    list_display = ["service", "name_fa", "name_en", "kind", "unit_fa", "is_active"]
    list_filter = ["service__department", "kind", "is_active"]
    panels = [
        FieldPanel("service"),
        FieldRowPanel([FieldPanel("key"), FieldPanel("kind")]),
        FieldRowPanel([FieldPanel("name_fa"), FieldPanel("name_en")]),
        FieldRowPanel([FieldPanel("unit_fa"), FieldPanel("unit_en")]),
        FieldRowPanel([FieldPanel("max_per_report"), FieldPanel("order")]),
        FieldPanel("is_active"),
    ]


register_snippet(ImpactMeasureViewSet)
