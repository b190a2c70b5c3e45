from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import people_views
from .people_selectors import can_look_up_people
from .people_services import (
    LOG_PERSON_CERTIFICATE_ISSUED,
    LOG_PERSON_DATA_EXPORTED,
    LOG_PERSON_RECORD_OPENED,
)


@hooks.register("register_admin_urls")
def register_people_urls():
    return [
        path("people/", people_views.search, name="cms_people_search"),
        path("people/<int:person_id>/", people_views.record, name="cms_people_record"),
        path(
            "people/<int:person_id>/certificate/",
            people_views.record_certificate,
            name="cms_people_certificate",
        ),
        path("people/<int:person_id>/data/", people_views.record_data, name="cms_people_data"),
    ]


class PeopleMenuItem(MenuItem):
    def is_shown(self, request):
        return can_look_up_people(request.user)


@hooks.register("register_admin_menu_item")
def register_people_menu_item():
    return PeopleMenuItem(
        _("People"), reverse("cms_people_search"), name="people", icon_name="user", order=215
    )


@hooks.register("register_log_actions")
def register_people_log_actions(actions):
    actions.register_action(
        LOG_PERSON_RECORD_OPENED, _("Open a person's record"), _("Person's record opened")
    )
    actions.register_action(
        LOG_PERSON_CERTIFICATE_ISSUED,
        _("Issue a person's certificate"),
        _("Certificate issued for the person"),
    )
    actions.register_action(
        LOG_PERSON_DATA_EXPORTED, _("Export a person's data"), _("Person's data exported for them")
    )
