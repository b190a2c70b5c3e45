"""Pieces of the open-call editor: a form that keeps services within the department, and the shifts
panel that shows a call's shifts next to the page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import Panel


class OpenCallPageForm(WagtailAdminPageForm):
    """Offers only the services of the department whose section the call lives in."""

    def __init__(self, *args, parent_page=None, **kwargs):
        super().__init__(*args, parent_page=parent_page, **kwargs)
        department_id = getattr(getattr(parent_page, "specific", None), "department_id", None)
        if department_id and "service" in self.fields:
            self.fields["service"].queryset = self.fields["service"].queryset.filter(
                department_id=department_id, is_active=True
            )


class ShiftsPanel(Panel):
    """Lists the call's shifts with their places and links to add, edit or remove them.

    Shifts are edited in their own forms, outside the page's revisions (see campaigns.models).
    """

    class BoundPanel(Panel.BoundPanel):
        template_name = "campaigns/admin/shifts_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            call = self.instance
            context["call"] = call
            context["shifts"] = call.shifts_in_order() if call.pk else []
            if call.pk:
                context["add_url"] = f"{reverse('campaigns_shift:add')}?call={call.pk}"
                context["series_url"] = f"{reverse('campaigns_shift_series')}?call={call.pk}"
                context["copy_url"] = f"{reverse('campaigns_shift_copy')}?call={call.pk}"
            return context

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("heading", _("Shifts"))
        super().__init__(*args, **kwargs)
