import datetime

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import GroupApprovalTask, GroupPagePermission, Page, Workflow, WorkflowPage, WorkflowTask

from cms.localization import format_date
from cms.models import HomePage
from volunteers.notifications import person_notify

from .errors import CampaignErrorCode, SignUpConflict, SignUpRefused
from .models import CallClosure, CallIndexPage, Department, DepartmentCallsPage, OpenCallPage, Shift, SignUp

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
    department.approvers_group = _group_with_admin_access(
        f"{department.name_en or department.slug} approvers"
    )
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
    for permission in Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=codenames
    ):
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


@transaction.atomic
def department_section_ensure(*, department: Department) -> DepartmentCallsPage:
    """Sets a department up to publish calls: its section of the listing, its staff and approver groups
    with page permissions on that section only, and a moderation workflow in which its approvers
    approve what its staff submit. Running it again changes nothing."""
    section = DepartmentCallsPage.objects.filter(department=department).first()
    if section is None:
        section = call_index_ensure().add_child(
            instance=DepartmentCallsPage(
                title=department.name_fa, slug=department.slug.replace("_", "-"), department=department
            )
        )
        section.save_revision().publish()

    staff = department_staff_group_ensure(department=department)
    approvers = department_approvers_group_ensure(department=department)
    _grant_page_permissions(staff, section, EDITOR_PAGE_PERMISSIONS)
    _grant_page_permissions(approvers, section, APPROVER_PAGE_PERMISSIONS)
    for group in (staff, approvers):
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="wagtailimages", codename__in=IMAGE_PERMISSIONS
            )
        )

    workflow, _ = Workflow.objects.get_or_create(name=f"{department.name_en or department.slug} approval")
    if not WorkflowTask.objects.filter(workflow=workflow).exists():
        task = GroupApprovalTask.objects.create(name=f"{department.name_en or department.slug} approvers")
        task.groups.set([approvers])
        # A workflow with no task would finish at once and try to publish what staff submit.
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.get_or_create(page=section, defaults={"workflow": workflow})
    return section


def departments_setup() -> list[DepartmentCallsPage]:
    return [department_section_ensure(department=department) for department in Department.objects.all()]


# --- Sign-ups -------------------------------------------------------------------------------------------


def _call_is_open(call: OpenCallPage) -> bool:
    return call.live and not CallClosure.objects.filter(call=call).exists()


@transaction.atomic
def signup_create(*, shift: Shift, volunteer) -> SignUp:
    """Places the volunteer on the shift, or at the end of its waiting list when it is full.

    The shift's row is locked first, so concurrent sign-ups are taken one at a time: the confirmed count
    is read and raised under the lock and can never pass the capacity (a check constraint backs this).
    """
    # Lock the shift row only: locking the joined page rows too would queue sign-ups for every shift of
    # the call behind each other, and behind Wagtail publishing the call.
    shift = Shift.objects.select_for_update(of=("self",)).select_related("call").get(pk=shift.pk)
    now = timezone.now()
    if not _call_is_open(shift.call):
        raise SignUpRefused(CampaignErrorCode.CALL_CLOSED, _("This call is closed to new sign-ups."))
    if shift.ends_at <= now:
        raise SignUpRefused(CampaignErrorCode.SHIFT_OVER, _("This shift is already over."))
    if shift.signup_deadline <= now:
        raise SignUpRefused(CampaignErrorCode.SIGNUPS_CLOSED, _("Sign-ups for this shift have closed."))
    if SignUp.objects.filter(shift=shift, volunteer=volunteer, status__in=SignUp.ACTIVE_STATUSES).exists():
        raise SignUpConflict(
            CampaignErrorCode.ALREADY_SIGNED_UP, _("You have already signed up for this shift.")
        )

    if shift.confirmed_count < shift.capacity:
        Shift.objects.filter(pk=shift.pk).update(confirmed_count=F("confirmed_count") + 1)
        return SignUp.objects.create(
            shift=shift, volunteer=volunteer, status=SignUp.Status.CONFIRMED, created_at=now
        )
    last_position = (
        SignUp.objects.filter(shift=shift, status=SignUp.Status.WAITLISTED).aggregate(
            last=Max("waitlist_position")
        )["last"]
        or 0
    )
    return SignUp.objects.create(
        shift=shift,
        volunteer=volunteer,
        status=SignUp.Status.WAITLISTED,
        waitlist_position=last_position + 1,
        created_at=now,
    )


@transaction.atomic
def signup_cancel(*, signup: SignUp) -> SignUp:
    """Cancels a sign-up; a confirmed place that frees up goes to the first person in line, who is told."""
    shift = Shift.objects.select_for_update().get(pk=signup.shift_id)
    signup = SignUp.objects.select_for_update().get(pk=signup.pk)
    if signup.status == SignUp.Status.CANCELLED:
        raise SignUpConflict(
            CampaignErrorCode.SIGNUP_ALREADY_CANCELLED, _("This sign-up is already cancelled.")
        )
    was_confirmed = signup.status == SignUp.Status.CONFIRMED
    cutoff = shift.starts_at - datetime.timedelta(minutes=settings.SIGNUP_CANCELLATION_CUTOFF_MINUTES)
    # Leaving the waiting list is always fine; a confirmed place given up this late would go unfilled.
    if was_confirmed and timezone.now() >= cutoff:
        raise SignUpRefused(
            CampaignErrorCode.CANCELLATION_CLOSED,
            _("It is too late to cancel this shift online; please tell the call's contact person instead."),
        )
    signup.status, signup.waitlist_position, signup.cancelled_at = (
        SignUp.Status.CANCELLED,
        None,
        timezone.now(),
    )
    signup.save(update_fields=["status", "waitlist_position", "cancelled_at"])
    if not was_confirmed:
        return signup

    first_in_line = (
        SignUp.objects.select_for_update()
        .filter(shift=shift, status=SignUp.Status.WAITLISTED)
        .order_by("waitlist_position")
        .first()
    )
    if first_in_line is None or shift.ends_at <= timezone.now():
        Shift.objects.filter(pk=shift.pk).update(confirmed_count=F("confirmed_count") - 1)
        return signup
    first_in_line.status, first_in_line.waitlist_position = SignUp.Status.CONFIRMED, None
    first_in_line.save(update_fields=["status", "waitlist_position"])
    from .tasks import notify_signup_promoted_task

    notify_signup_promoted_task.delay_on_commit(first_in_line.pk)
    return signup


def signup_notify_promoted(*, signup_id: int) -> bool:
    signup = SignUp.objects.select_related("volunteer", "shift__call").get(pk=signup_id)
    if signup.status != SignUp.Status.CONFIRMED:
        return False
    person_notify(
        user=signup.volunteer,
        subject=_("You have a place"),
        text=_("A place freed up on “%(call)s” on %(date)s and it is now yours. See you there!")
        % {
            "call": signup.shift.call.title,
            "date": format_date(signup.shift.starts_at, with_time=True, language="fa"),
        },
    )
    return True


# --- Closing and unpublishing calls -------------------------------------------------------------------


@transaction.atomic
def call_close(*, call: OpenCallPage, closed_by, reason: str = "") -> CallClosure:
    """Stops new sign-ups for the call and tells those already signed up. Closing twice changes nothing."""
    closure, created = CallClosure.objects.get_or_create(
        call=call, defaults={"closed_by": closed_by, "reason": reason}
    )
    if created:
        call_stopped_taking_part(call=call)
    return closure


@transaction.atomic
def call_reopen(*, call: OpenCallPage) -> None:
    CallClosure.objects.filter(call=call).delete()


def call_stopped_taking_part(*, call: OpenCallPage) -> None:
    """The call was closed or unpublished: tell its volunteers, once the change is committed."""
    from .tasks import notify_call_stopped_task

    notify_call_stopped_task.delay_on_commit(call.pk)


def signups_notify_call_stopped(*, call_id: int) -> int:
    """Tells each person still signed up for an upcoming shift of the call, exactly once.

    The conditional UPDATE claims a person's notice before it is sent, so two runs of this (a retry, or
    closing and then unpublishing) can never both send it. Returns how many people were told.
    """
    call = OpenCallPage.objects.get(pk=call_id)
    to_tell = SignUp.objects.filter(
        shift__call_id=call_id,
        shift__ends_at__gt=timezone.now(),
        status__in=SignUp.ACTIVE_STATUSES,
        call_stopped_notified_at__isnull=True,
    ).select_related("volunteer", "shift")
    told = 0
    for signup in to_tell:
        claimed = SignUp.objects.filter(pk=signup.pk, call_stopped_notified_at__isnull=True).update(
            call_stopped_notified_at=timezone.now()
        )
        if not claimed:
            continue
        person_notify(
            user=signup.volunteer,
            subject=_("A call you signed up for has stopped"),
            text=_(
                "“%(call)s” no longer takes part, so your shift on %(date)s will not go ahead as planned. "
                "Sorry for the change; see other open calls on Hamyar."
            )
            % {
                "call": call.title,
                "date": format_date(signup.shift.starts_at, with_time=True, language="fa"),
            },
        )
        told += 1
    return told
