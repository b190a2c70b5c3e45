"""Which calls and shifts a member of staff manages: those of their own department(s)."""

from django.db.models import QuerySet

from city.permissions import departments_for_staff

from .models import OpenCallPage, Shift


def calls_manageable_by(*, user) -> QuerySet[OpenCallPage]:
    """Calls (drafts included) of the person's departments."""
    return OpenCallPage.objects.filter(service__department__in=departments_for_staff(user=user))


def shifts_manageable_by(*, user) -> QuerySet[Shift]:
    return Shift.objects.filter(call__service__department__in=departments_for_staff(user=user))
