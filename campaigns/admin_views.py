"""The staff's editor for shifts, scoped to their own department's calls."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Shift
from .permissions import calls_manageable_by, shifts_manageable_by


class ShiftForm(WagtailAdminModelForm):
    """Offers only calls of the editor's departments; the model's clean() keeps places above the
    number already confirmed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None and "call" in self.fields:
            self.fields["call"].queryset = calls_manageable_by(user=self.for_user).order_by(
                "-first_published_at"
            )

    class Meta:
        model = Shift
        fields = [
            "call",
            "starts_at",
            "ends_at",
            "capacity",
            "team_places",
            "checkin_radius_m",
            "signups_close_at",
        ]


class ScopedToDepartmentMixin:
    def get_queryset(self):
        return shifts_manageable_by(user=self.request.user).select_related("call")


class ShiftIndexView(generic.IndexView):
    def get_base_queryset(self):
        return shifts_manageable_by(user=self.request.user).select_related("call")


class ShiftCreateView(generic.CreateView):
    def get_initial(self):
        initial = super().get_initial()
        if call_id := self.request.GET.get("call"):
            initial["call"] = call_id
        return initial

    def get_success_url(self):
        # Back to the call, where the new shift now shows in its shifts panel.
        return reverse("wagtailadmin_pages:edit", args=[self.object.call_id])


class ShiftEditView(ScopedToDepartmentMixin, generic.EditView):
    pass


class ShiftDeleteView(ScopedToDepartmentMixin, generic.DeleteView):
    """Refuses to delete a shift anyone has signed up for: their sign-ups would be lost."""

    def post(self, request, *args, **kwargs):
        signup_count = self.object.signups.count()
        if signup_count:
            messages.error(
                request,
                ngettext(
                    "This shift cannot be deleted: %(count)s person has signed up for it. Close the call to "
                    "new sign-ups or lower its places instead.",
                    "This shift cannot be deleted: %(count)s people have signed up for it. Close the call to "
                    "new sign-ups or lower its places instead.",
                    signup_count,
                )
                % {"count": signup_count},
            )
            return redirect("campaigns_shift:edit", self.object.pk)
        return super().post(request, *args, **kwargs)


class ShiftViewSet(ModelViewSet):
    model = Shift
    icon = "time"
    menu_label = _("Shifts")
    menu_order = 210
    add_to_admin_menu = True
    name = "campaigns_shift"
    list_display = ["call", "starts_at", "ends_at", "capacity", "confirmed_count"]
    index_view_class = ShiftIndexView
    add_view_class = ShiftCreateView
    edit_view_class = ShiftEditView
    delete_view_class = ShiftDeleteView

    def get_form_class(self, for_update=False):
        return ShiftForm
