"""Badges and levels in the Wagtail admin, under one "Achievements" menu.

Staff with the models' permissions (administrators, or a group given them) define them; awards are
made by the rules alone, so there is no admin view to hand one out.
"""

from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .icons import icon_svg
from .models import Badge, Level


class IconColumn(Column):
    def get_value(self, instance):
        return format_html("{}", icon_svg(instance.icon, size=24))


class BadgeViewSet(SnippetViewSet):
    model = Badge
    icon = "pick"
    menu_label = _("Badges")
    list_display = [
        IconColumn("icon", label=_("icon")),
        "name_fa",
        "name_en",
        "rule",
        "threshold",
        "is_active",
    ]
    list_filter = ["rule", "is_active"]
    search_fields = ["name_fa", "name_en", "slug"]
    panels = [
        FieldPanel("slug"),
        FieldRowPanel([FieldPanel("name_fa"), FieldPanel("name_en")]),
        FieldPanel("description_fa"),
        FieldPanel("description_en"),
        FieldPanel("icon"),
        MultiFieldPanel(
            [FieldPanel("rule"), FieldPanel("service"), FieldPanel("department"), FieldPanel("threshold")],
            heading=_("Rule"),
            help_text=_(
                "A person earns the badge, once, at the first credit of points after they meet the rule. "
                "Shifts and hours count verified work that has not been revoked; a later revocation never "
                "takes a badge back."
            ),
        ),
        FieldPanel("is_active"),
        FieldPanel("sort_order"),
    ]


class LevelViewSet(SnippetViewSet):
    model = Level
    icon = "order"
    menu_label = _("Levels")
    list_display = [IconColumn("icon", label=_("icon")), "name_fa", "name_en", "min_points"]
    panels = [FieldPanel("name_fa"), FieldPanel("name_en"), FieldPanel("min_points"), FieldPanel("icon")]


class AchievementsViewSetGroup(SnippetViewSetGroup):
    items = (BadgeViewSet, LevelViewSet)
    menu_icon = "pick"
    menu_label = _("Achievements")
    menu_name = "achievements"


register_snippet(AchievementsViewSetGroup)
