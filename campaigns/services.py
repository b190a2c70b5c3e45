from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import Department


@transaction.atomic
def department_staff_group_ensure(*, department: Department) -> Group:
    """The department's staff group, created on first use with access to the staff area.

    Being in this group is what makes someone staff of the department; the permissions on the
    department's calls and verification queue are granted to the group.
    """
    if department.staff_group_id:
        return department.staff_group
    group, _ = Group.objects.get_or_create(name=f"{department.name_en or department.slug} staff")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    department.staff_group = group
    department.save(update_fields=["staff_group"])
    return group
