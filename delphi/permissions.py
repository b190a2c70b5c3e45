"""Who may run which Delphi study: people with the workbench's permissions (given to a group in Settings →
Groups), for their own departments' studies and cross-department ones; superusers, every study."""

from django.db.models import Q, QuerySet

from city.permissions import departments_for_staff

from .models import Study


def studies_for_staff(*, user) -> QuerySet[Study]:
    if not user.is_authenticated or not user.has_perm("delphi.change_study"):
        return Study.objects.none()
    if user.is_superuser:
        return Study.objects.all()
    return Study.objects.filter(
        Q(department__isnull=True) | Q(department__in=departments_for_staff(user=user))
    )
