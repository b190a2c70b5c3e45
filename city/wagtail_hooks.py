"""The catalogue in the staff area: departments, services and districts, as snippets under "Catalogue"."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Department, District, Holiday, Service


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
        # The study's published figures: shown, never edited.
        MultiFieldPanel(
            [
                FieldPanel("panel_size", read_only=True),
                FieldPanel("kendall_w_round_2", read_only=True),
                FieldPanel("kendall_w_round_3", read_only=True),
            ],
            heading=_("Delphi study"),
        ),
    ]


class ServiceForm(WagtailAdminModelForm):
    """A service of the study stays in the deputy whose panel rated it: its department is shown only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.study_number is not None and "department" in self.fields:
            self.fields["department"].disabled = True
            self.fields["department"].help_text = _("A service of the Delphi study stays in its deputy.")


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
        FieldPanel("contractor_hour_cost"),
        # The study number and Delphi figures are the study's own: shown, never edited.
        FieldPanel("study_number", read_only=True),
    ]

    def get_edit_handler(self):
        return ObjectList(self.panels, base_form_class=ServiceForm).bind_to_model(self.model)


class DistrictViewSet(SnippetViewSet):
    model = District
    icon = "site"
    menu_label = _("Districts")
    list_display = ["number", "name_fa", "name_en", "population"]


class HolidayViewSet(SnippetViewSet):
    """The days off besides the weekly ones: answers owed to citizens are not due on them."""

    model = Holiday
    icon = "date"
    menu_label = _("Holidays")
    list_display = [Column("day", label=_("day")), "date", "name_fa", "name_en"]


class CatalogueViewSetGroup(SnippetViewSetGroup):
    items = (ServiceViewSet, DepartmentViewSet, DistrictViewSet, HolidayViewSet)
    menu_icon = "list-ul"
    menu_label = _("Catalogue")
    menu_name = "catalogue"


register_snippet(CatalogueViewSetGroup)
