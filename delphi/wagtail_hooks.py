"""The Delphi workbench in the staff area: studies, panels, candidates and panellists as snippets (scoped to
the studies a member of staff may run), and each study's page of rounds and figures."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.widgets.button import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import admin_views
from .admin_forms import ScopedStudyForm
from .models import Candidate, Panel, Panellist, Study
from .permissions import studies_for_staff

admin_urlpatterns = [
    path("studies/<int:study_id>/", admin_views.study_detail, name="study"),
    path("studies/<int:study_id>/rounds/open/", admin_views.round_open, name="round_open"),
    path("studies/<int:study_id>/rounds/close/", admin_views.round_close, name="round_close"),
    path(
        "studies/<int:study_id>/candidates/<int:candidate_id>/promote/",
        admin_views.candidate_promote,
        name="promote",
    ),
]


@hooks.register("register_admin_urls")
def register_delphi_urls():
    return [path("delphi/", include((admin_urlpatterns, "delphi_admin")))]


class ScopedViewSet(SnippetViewSet):
    """Lists only what belongs to the studies the member of staff may run."""

    study_path = "study"

    def get_edit_handler(self):
        # The form offers only the studies (and their panels) the member of staff may run.
        return ObjectList(self.panels, base_form_class=ScopedStudyForm).bind_to_model(self.model)

    def get_queryset(self, request):
        studies = studies_for_staff(user=request.user)
        return self.model._default_manager.filter(**{f"{self.study_path}__in": studies})


class StudyViewSet(SnippetViewSet):
    model = Study
    icon = "table"
    menu_label = _("Studies")
    list_display = ["title_fa", "title_en", "department", "status"]
    list_filter = ["status"]
    inspect_view_enabled = False
    panels = [
        FieldPanel("title_fa"),
        FieldPanel("title_en"),
        FieldPanel("question_fa"),
        FieldPanel("question_en"),
        MultiFieldPanel([FieldPanel("department"), FieldPanel("working_group")], heading=_("Who runs it")),
        MultiFieldPanel(
            [FieldPanel("scale_points"), FieldPanel("scale_labels")], heading=_("The scale")
        ),
        MultiFieldPanel(
            [
                FieldPanel("qualifying_mean"),
                FieldPanel("qualifying_share_high"),
                FieldPanel("stop_delta_w"),
                FieldPanel("max_rounds"),
                FieldPanel("legal_screening"),
            ],
            heading=_("Rules"),
        ),
    ]

    def get_queryset(self, request):
        return studies_for_staff(user=request.user)


class PanelViewSet(ScopedViewSet):
    model = Panel
    icon = "group"
    menu_label = _("Panels")
    list_display = ["name_fa", "name_en", "study"]
    panels = [FieldPanel("study"), FieldPanel("name_fa"), FieldPanel("name_en"), FieldPanel("sort_order")]


class CandidateViewSet(ScopedViewSet):
    model = Candidate
    icon = "list-ul"
    menu_label = _("Candidates")
    list_display = ["name_fa", "panel", "legal", "dropped_after_round"]
    list_filter = ["legal"]
    search_fields = ["name_fa", "name_en"]
    panels = [
        FieldPanel("study"),
        FieldPanel("panel"),
        FieldPanel("name_fa"),
        FieldPanel("name_en"),
        FieldPanel("description_fa"),
        FieldPanel("description_en"),
        FieldPanel("source"),
        MultiFieldPanel([FieldPanel("legal"), FieldPanel("legal_reason")], heading=_("Legal screening")),
        FieldPanel("sort_order"),
    ]


class PanellistViewSet(ScopedViewSet):
    model = Panellist
    icon = "user"
    menu_label = _("Panellists")
    study_path = "panel__study"
    list_display = ["name", "role", "panel"]
    panels = [
        FieldPanel("panel"),
        FieldPanel("role"),
        FieldPanel("name"),
        FieldPanel("email"),
        FieldPanel("phone"),
        FieldPanel("language"),
    ]


class DelphiViewSetGroup(SnippetViewSetGroup):
    items = (StudyViewSet, PanelViewSet, CandidateViewSet, PanellistViewSet)
    menu_icon = "table"
    menu_label = _("Delphi workbench")
    menu_name = "delphi"


register_snippet(DelphiViewSetGroup)


@hooks.register("register_snippet_listing_buttons")
def study_workbench_button(snippet, user, next_url=None):
    if isinstance(snippet, Study) and studies_for_staff(user=user).filter(pk=snippet.pk).exists():
        yield ListingButton(
            _("Rounds and figures"), reverse("delphi_admin:study", args=[snippet.pk]), priority=5
        )
