"""The staff dashboard: a panel on the Wagtail admin's home page for municipal staff of a department,
with their verification backlog by age and the verified hours of their department per month."""

from django.utils.translation import gettext as _
from wagtail.admin.ui.components import Component

from city.permissions import departments_for_staff
from core.charts import Datum

from . import dashboard_selectors


class VerificationDashboardPanel(Component):
    """Shown only to people with a queue (staff and approvers of a department, superusers)."""

    name = "verification_dashboard"
    template_name = "verification/admin/dashboard_panel.html"
    order = 90  # above Wagtail's own panels: waiting reports are the day's work

    class Media:
        css = {"all": ["css/charts.css"]}

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        backlog = dashboard_selectors.backlog_by_age(user=self.user)
        return {
            "departments": [department.name for department in departments_for_staff(user=self.user)],
            "backlog": backlog,
            "backlog_data": [
                Datum(label=_("Waiting less than a day"), value=backlog.under_a_day, key="under_a_day"),
                Datum(
                    label=_("Waiting 1 to 3 days"), value=backlog.one_to_three_days, key="one_to_three_days"
                ),
                Datum(
                    label=_("Waiting more than 3 days"), value=backlog.over_three_days, key="over_three_days"
                ),
            ],
            "hours_by_month": dashboard_selectors.department_hours_by_month(user=self.user),
        }


def panel_for(user) -> VerificationDashboardPanel | None:
    if not departments_for_staff(user=user).exists():
        return None
    return VerificationDashboardPanel(user)
