from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from city.permissions import departments_for_staff

from . import admin_views, dashboard_panel

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
