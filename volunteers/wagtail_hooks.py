from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .eligibility import admin_views as eligibility_admin_views
from .eligibility.selectors import can_verify_qualifications
from .models import QualificationKind
from .ngos import admin_views as ngo_admin_views
from .ngos.selectors import can_verify_organisations
from .ngos.services import LOG_REJECTED, LOG_RESUBMITTED, LOG_VERIFIED


@hooks.register("register_admin_urls")
def register_ngo_verification_urls():
    return [
        path("ngos/", ngo_admin_views.queue, name="volunteers_ngo_queue"),
        path("ngos/<int:organisation_id>/verify/", ngo_admin_views.verify, name="volunteers_ngo_verify"),
        path("ngos/<int:organisation_id>/reject/", ngo_admin_views.reject, name="volunteers_ngo_reject"),
    ]


class NgoQueueMenuItem(MenuItem):
    def is_shown(self, request):
        return can_verify_organisations(request.user)


@hooks.register("register_admin_menu_item")
def register_ngo_queue_menu_item():
    return NgoQueueMenuItem(
        _("NGOs to verify"),
        reverse("volunteers_ngo_queue"),
        name="ngo-verification",
        icon_name="group",
        order=220,
    )


@hooks.register("register_log_actions")
def register_ngo_log_actions(actions):
    actions.register_action(LOG_VERIFIED, _("Verify NGO"), _("NGO verified"))
    actions.register_action(LOG_REJECTED, _("Reject NGO"), _("NGO registration rejected"))
    actions.register_action(
        LOG_RESUBMITTED, _("Resubmit NGO"), _("NGO registration corrected and sent again")
    )


@hooks.register("register_admin_urls")
def register_qualification_urls():
    return [
        path("qualifications/", eligibility_admin_views.queue, name="volunteers_qualification_queue"),
        path(
            "qualifications/<int:qualification_id>/verify/",
            eligibility_admin_views.verify,
            name="volunteers_qualification_verify",
        ),
        path(
            "qualifications/<int:qualification_id>/reject/",
            eligibility_admin_views.reject,
            name="volunteers_qualification_reject",
        ),
        path(
            "qualifications/<int:qualification_id>/evidence/",
            eligibility_admin_views.evidence,
            name="volunteers_qualification_evidence",
        ),
    ]


class QualificationQueueMenuItem(MenuItem):
    def is_shown(self, request):
        return can_verify_qualifications(request.user)


@hooks.register("register_admin_menu_item")
def register_qualification_queue_menu_item():
    return QualificationQueueMenuItem(
        _("Qualifications to verify"),
        reverse("volunteers_qualification_queue"),
        name="qualification-verification",
        icon_name="tick-inverse",
        order=225,
    )


class QualificationKindViewSet(SnippetViewSet):
    """The qualifications calls can require, kept by staff (first aid, counselling training…)."""

    model = QualificationKind
    icon = "tick-inverse"
    menu_label = _("Qualification kinds")
    menu_name = "qualification-kinds"
    menu_order = 226
    add_to_admin_menu = True
    list_display = ["name_fa", "name_en", "validity_months"]
    search_fields = ["name_fa", "name_en", "slug"]


register_snippet(QualificationKindViewSet)
