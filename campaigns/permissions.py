"""Who may manage what: municipal staff act only for their own department(s)."""

from django.db.models import Q, QuerySet

from .models import Department, OpenCallPage, Shift


def departments_for_staff(*, user) -> QuerySet[Department]:
    """The departments a person is staff (or approver) of; every department for superusers."""
    if not user.is_authenticated:
        return Department.objects.none()
    if user.is_superuser:
        return Department.objects.all()
    return Department.objects.filter(Q(staff_group__user=user) | Q(approvers_group__user=user)).distinct()


def calls_manageable_by(*, user) -> QuerySet[OpenCallPage]:
    """Calls (drafts included) of the person's departments."""
    return OpenCallPage.objects.filter(service__department__in=departments_for_staff(user=user))


def shifts_manageable_by(*, user) -> QuerySet[Shift]:
    return Shift.objects.filter(call__service__department__in=departments_for_staff(user=user))
