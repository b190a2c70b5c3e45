"""The staff's editor for shifts, scoped to their own department's calls, and each shift's roster: who is
on it, a CSV of it, and cancelling someone's sign-up with a reason."""

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton, ListingButton

from core.errors import DomainError
from core.localization import format_date, format_number, is_persian, persian_digits

from . import selectors, services
from .api import roster_csv_response
from .forms import LocalDateTimeField
from .models import Shift, ShiftMessage
from .permissions import calls_manageable_by, shifts_manageable_by


class ShiftForm(WagtailAdminModelForm):
    """Offers only calls of the editor's departments; the model's clean() keeps places above the
    number already confirmed. Times are typed and shown in the reader's calendar (Jalali in Persian)."""

    TIME_FIELDS = ("starts_at", "ends_at", "signups_close_at")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.TIME_FIELDS:
            model_field = self.fields[name]
            self.fields[name] = LocalDateTimeField(
                label=model_field.label, required=model_field.required, help_text=model_field.help_text
            )
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

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.add_url:  # the same people who may add one shift
            buttons += [
                HeaderButton(
                    _("Add a weekly series"), url=reverse("campaigns_shift_series"), icon_name="calendar"
                ),
                HeaderButton(_("Copy shifts"), url=reverse("campaigns_shift_copy"), icon_name="copy"),
            ]
        return buttons

    def get_list_buttons(self, instance):
        return [
            ListingButton(
                _("Roster"),
                reverse("campaigns_shift:roster", args=[instance.pk]),
                icon_name="group",
                priority=5,
            ),
            *super().get_list_buttons(instance),
        ]


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


# --- Rosters ----------------------------------------------------------------------------------------------


def _shift_for_staff(request, shift_id: int) -> Shift:
    """A shift of one of the person's departments' calls; others do not exist for them."""
    return get_object_or_404(
        shifts_manageable_by(user=request.user).select_related("call__service"), pk=shift_id
    )


def shift_roster(request, shift_id: int):
    """Everyone on the shift, in line or not, with their team and check-in times; staff can cancel a
    person's sign-up from here, saying why."""
    shift = _shift_for_staff(request, shift_id)
    signups = selectors.shift_roster(shift=shift, viewer=request.user)
    return TemplateResponse(
        request,
        "campaigns/admin/shift_roster.html",
        {
            "shift": shift,
            "signups": signups,
            "active_statuses": ("confirmed", "waitlisted"),
            "message_audiences": [
                choice for choice in ShiftMessage.Audience.choices if choice[0] != ShiftMessage.Audience.TEAM
            ],
            "cover_asked": shift.cover_notices.count(),
            "messages_sent": shift.messages.select_related("sent_by").annotate(
                delivered=Count("deliveries")
            )[:20],
        },
    )


@require_POST
def shift_message(request, shift_id: int):
    """Sends a message to the shift's people (with a place, in line, or both) by e-mail and SMS."""
    shift = _shift_for_staff(request, shift_id)
    try:
        services.shift_message_send(
            shift=shift,
            actor=request.user,
            audience=request.POST.get("audience", ""),
            text=request.POST.get("text", ""),
            text_en=request.POST.get("text_en", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your message is on its way, by e-mail and SMS, to each person once."))
    return redirect("campaigns_shift:roster", shift.pk)


def shift_roster_csv(request, shift_id: int):
    shift = _shift_for_staff(request, shift_id)
    return roster_csv_response(shift=shift, signups=selectors.shift_roster(shift=shift, viewer=request.user))


@require_POST
def signup_staff_cancel(request, shift_id: int, signup_id: int):
    shift = _shift_for_staff(request, shift_id)
    try:
        signup = selectors.signup_get_for_staff(signup_id=signup_id, user=request.user)
        if signup.shift_id != shift.pk:
            raise Http404
        services.signup_staff_cancel(
            # NUL characters dropped: PostgreSQL refuses them in text, and nobody types one.
            signup=signup, actor=request.user, reason=request.POST.get("reason", "").replace("\x00", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s's sign-up is cancelled; they are told why, and the first in line gets the place.")
            % {"name": signup.volunteer.get_full_name() or signup.volunteer.username},
        )
    return redirect("campaigns_shift:roster", shift.pk)


def _shift_end(shift: Shift) -> str:
    """Only the time when the shift ends on the day it starts, in the reader's digits."""
    ends_at = timezone.localtime(shift.ends_at)
    if ends_at.date() != timezone.localtime(shift.starts_at).date():
        return format_date(ends_at, with_time=True)
    return persian_digits(f"{ends_at:%H:%M}") if is_persian() else f"{ends_at:%H:%M}"


class ShiftViewSet(ModelViewSet):
    model = Shift
    icon = "time"
    menu_label = _("Shifts")
    menu_order = 210
    add_to_admin_menu = True
    name = "campaigns_shift"
    # Times in the reader's calendar and digits (Jalali, Persian digits in the Persian admin).
    list_display = [
        "call",
        Column(
            "starts_at",
            label=_("Starts at"),
            accessor=lambda shift: format_date(shift.starts_at, with_time=True, with_weekday=True),
            sort_key="starts_at",
        ),
        Column(
            "ends_at",
            label=_("Ends at"),
            accessor=lambda shift: _shift_end(shift),
            sort_key="ends_at",
        ),
        Column("capacity", label=_("Places"), accessor=lambda shift: format_number(shift.capacity)),
        Column(
            "confirmed_count",
            label=_("Confirmed"),
            accessor=lambda shift: format_number(shift.confirmed_count),
            sort_key="confirmed_count",
        ),
    ]
    index_view_class = ShiftIndexView
    add_view_class = ShiftCreateView
    edit_view_class = ShiftEditView
    delete_view_class = ShiftDeleteView

    def get_form_class(self, for_update=False):
        return ShiftForm

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("roster/<int:shift_id>/", shift_roster, name="roster"),
            path("roster/<int:shift_id>/roster.csv", shift_roster_csv, name="roster_csv"),
            path("roster/<int:shift_id>/message/", shift_message, name="message"),
            path(
                "roster/<int:shift_id>/sign-ups/<int:signup_id>/cancel/",
                signup_staff_cancel,
                name="signup_staff_cancel",
            ),
        ]
