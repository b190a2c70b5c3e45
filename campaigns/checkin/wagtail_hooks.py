"""Ways into check-in from the staff area: a menu item to the site lead's list of shifts, and, on a call's
page in the editor, a button to the roster of each of its shifts that is on now or starts within a day.

Wagtail only discovers `<app>.wagtail_hooks`; campaigns/wagtail_hooks.py imports this module.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from core.localization import format_date

from ..models import OpenCallPage, Shift
from . import services as checkin


class CheckInMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return checkin.departments_for_staff(user=request.user).exists()


@hooks.register("register_admin_menu_item")
def register_checkin_menu_item():
    return CheckInMenuItem(_("Check-in"), reverse("checkin:shift_list"), icon_name="tick-inverse", order=215)


def shifts_on_soon(call: OpenCallPage, *, now: datetime.datetime | None = None) -> list[Shift]:
    """The call's shifts whose check-out has not closed and that start within a day."""
    now = now or timezone.now()
    return list(
        Shift.objects.filter(
            call=call,
            ends_at__gte=now - checkin.checkout_window(),
            starts_at__lte=now + datetime.timedelta(days=1),
        ).order_by("starts_at", "pk")
    )


@hooks.register("register_page_header_buttons")
def checkin_roster_buttons(page, user, view_name=None, next_url=None):
    call = page.specific_deferred
    if not isinstance(call, OpenCallPage):
        return
    shifts = shifts_on_soon(call)
    # A call's shifts share its department, so one check says whether the person leads them all.
    if not shifts or not checkin.is_site_lead(user=user, shift=shifts[0]):
        return
    for shift in shifts:
        yield Button(
            _("Check-in: %(time)s") % {"time": format_date(shift.starts_at, with_time=True)},
            reverse("checkin:roster", args=[shift.pk]),
            icon_name="tick-inverse",
            priority=60,
        )
