from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupApprovalTask, GroupPagePermission, Page, Workflow, WorkflowPage

from cms.models import HomePage

from .models import CallIndexPage, Department, DepartmentCallsPage

# Page permissions on the department's section: editors draft and submit, approvers also publish.
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page")
APPROVER_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "unlock_page")
SHIFT_PERMISSIONS = ("add_shift", "change_shift", "delete_shift", "view_shift")
IMAGE_PERMISSIONS = ("add_image", "choose_image")


def _group_with_admin_access(name: str) -> Group:
    group, _ = Group.objects.get_or_create(name=name)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="campaigns", codename__in=SHIFT_PERMISSIONS),
    )
    return group


@transaction.atomic
def department_staff_group_ensure(*, department: Department) -> Group:
    """The department's staff group, created on first use with access to the staff area.

    Being in this group is what makes someone staff of the department; the permissions on the
    department's calls and verification queue are granted to the group.
    """
    if department.staff_group_id:
        return department.staff_group
    department.staff_group = _group_with_admin_access(f"{department.name_en or department.slug} staff")
    department.save(update_fields=["staff_group"])
    return department.staff_group


@transaction.atomic
def department_approvers_group_ensure(*, department: Department) -> Group:
    """The department's approvers: they moderate and publish its calls."""
    if department.approvers_group_id:
        return department.approvers_group
    department.approvers_group = _group_with_admin_access(f"{department.name_en or department.slug} approvers")
    department.save(update_fields=["approvers_group"])
    return department.approvers_group


@transaction.atomic
def call_index_ensure() -> CallIndexPage:
    """The open-calls listing under the home page, created once and published."""
    existing = CallIndexPage.objects.first()
    if existing:
        return existing
    home = HomePage.objects.get()
    index = home.add_child(instance=CallIndexPage(title="فراخوان‌ها", title_en="Open calls", slug="calls"))
    index.save_revision().publish()
    return index


def _grant_page_permissions(group: Group, page: Page, codenames) -> None:
    for permission in Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=codenames):
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


@transaction.atomic
def department_section_ensure(*, department: Department) -> DepartmentCallsPage:
    """Sets a department up to publish calls: its section of the listing, its staff and approver groups
    with page permissions on that section only, and a moderation workflow in which its approvers
    approve what its staff submit. Running it again changes nothing."""
    section = DepartmentCallsPage.objects.filter(department=department).first()
    if section is None:
        section = call_index_ensure().add_child(
            instance=DepartmentCallsPage(title=department.name_fa, slug=department.slug.replace("_", "-"),
                                         department=department)
        )
        section.save_revision().publish()

    staff = department_staff_group_ensure(department=department)
    approvers = department_approvers_group_ensure(department=department)
    _grant_page_permissions(staff, section, EDITOR_PAGE_PERMISSIONS)
    _grant_page_permissions(approvers, section, APPROVER_PAGE_PERMISSIONS)
    for group in (staff, approvers):
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="wagtailimages", codename__in=IMAGE_PERMISSIONS)
        )

    workflow, _ = Workflow.objects.get_or_create(name=f"{department.name_en or department.slug} approval")
    if not workflow.workflow_tasks.exists():
        task = GroupApprovalTask.objects.create(name=f"{department.name_en or department.slug} approvers")
        task.groups.set([approvers])
        workflow.workflow_tasks.create(task=task, sort_order=0)
    WorkflowPage.objects.get_or_create(page=section, defaults={"workflow": workflow})
    return section


def departments_setup() -> list[DepartmentCallsPage]:
    return [department_section_ensure(department=department) for department in Department.objects.all()]
