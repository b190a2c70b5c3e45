"""Citizen voice in the staff area: the inbox and entering calls in the menu for department staff; the
subjects and answer targets as snippets."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from city.permissions import departments_for_staff

from . import admin_views
from .models import AnswerTarget, Category, Open311Key

admin_urlpatterns = [
    path("", admin_views.inbox, name="inbox"),
    path("enter/", admin_views.item_enter, name="enter"),
    path("items/<int:item_id>/", admin_views.item_detail, name="item"),
    path("items/<int:item_id>/<str:action>/", admin_views.item_act, name="act"),
]


@hooks.register("register_admin_urls")
def register_voice_urls():
    return [path("voice/", include((admin_urlpatterns, "voice_admin")))]


class VoiceMenuItem(MenuItem):
    """Shown to staff of a department (and superusers): the people with an inbox."""

    def is_shown(self, request):
        return departments_for_staff(user=request.user).exists()


@hooks.register("register_admin_menu_item")
def register_voice_menu_item():
    return VoiceMenuItem(_("Citizen voice"), reverse("voice_admin:inbox"), icon_name="mail", order=230)


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "tag"
    menu_label = _("Subjects")
    list_display = ["name_fa", "name_en", "department", "is_active"]
    list_filter = ["department", "is_active"]
    search_fields = ["name_fa", "name_en"]


class AnswerTargetViewSet(SnippetViewSet):
    model = AnswerTarget
    icon = "time"
    menu_label = _("Answer targets")
    list_display = ["kind", "department", "working_hours"]


class Open311KeyViewSet(SnippetViewSet):
    """Apps allowed to create requests through Open311: created with `manage.py open311_key_create`,
    switched off here."""

    model = Open311Key
    icon = "key"
    menu_label = _("Open311 keys")
    list_display = ["name", "is_active", "created_at"]
    add_to_admin_menu = False


class VoiceViewSetGroup(SnippetViewSetGroup):
    items = (CategoryViewSet, AnswerTargetViewSet, Open311KeyViewSet)
    menu_icon = "mail"
    menu_label = _("Citizen voice settings")
    menu_name = "voice-settings"


register_snippet(VoiceViewSetGroup)
