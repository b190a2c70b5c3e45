"""Which departments a member of staff acts for: municipal staff act only for their own department(s)."""

from django.db.models import Q, QuerySet

from .models import Department


def departments_for_staff(*, user) -> QuerySet[Department]:
    """The departments a person is staff (or approver) of; every department for superusers."""
    if not user.is_authenticated:
        return Department.objects.none()
    if user.is_superuser:
        return Department.objects.all()
    return Department.objects.filter(Q(staff_group__user=user) | Q(approvers_group__user=user)).distinct()
