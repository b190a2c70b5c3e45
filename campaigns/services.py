import datetime
from dataclasses import dataclass, replace
from enum import StrEnum

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from city.models import Department
from core import outbox
from core.errors import DomainError
from core.localization import format_date, format_number
from volunteers.eligibility.selectors import qualification_kinds_missing
from volunteers.models import OrganisationMembership, Qualification

from . import notices
from .errors import (
    CampaignErrorCode,
    ShiftBatchRefused,
    ShiftMessageRefused,
    SignUpConflict,
    SignUpForbidden,
    SignUpNotFoundForMember,
    SignUpRefused,
)
from .models import (
    CallClosure,
    CallIndexPage,
    CallSchedule,
    CoverNotice,
    DepartmentCallsPage,
    OpenCallPage,
    Shift,
    ShiftMessage,
    SignUp,
    TeamReservation,
    WaiverAcceptance,
)
from .permissions import calls_manageable_by
from .selectors import call_list_counts_expire, shift_message_recipients

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
    # The home page (cms, above this app) is the root page of the default site.
    home = Site.objects.get(is_default_site=True).root_page
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


# --- What the listing shows of a call -------------------------------------------------------------------

_SCHEDULE_REFRESH_SQL = """
    INSERT INTO campaigns_callschedule (call_id, next_shift_starts_at, free_places, valid_until)
    SELECT %(call)s, MIN(starts_at), COALESCE(SUM(capacity - confirmed_count - team_unassigned_count), 0),
           MIN(COALESCE(signups_close_at, starts_at))
    FROM campaigns_shift WHERE call_id = %(call)s AND COALESCE(signups_close_at, starts_at) > %(now)s
    ON CONFLICT (call_id) DO UPDATE SET next_shift_starts_at = EXCLUDED.next_shift_starts_at,
        free_places = EXCLUDED.free_places, valid_until = EXCLUDED.valid_until
"""


def call_schedule_refresh(*, call_id: int, now=None) -> None:
    """Rewrites the call's CallSchedule from its shifts; in the transaction that changed them."""
    with connection.cursor() as cursor:
        cursor.execute(_SCHEDULE_REFRESH_SQL, {"call": call_id, "now": now or timezone.now()})

    call_list_counts_expire(free_places_only=True, call_id=call_id)


def call_schedules_refresh_stale(*, now=None) -> int:
    """Rewrites the schedules that a shift ending has made stale; beat runs it every minute."""
    now = now or timezone.now()
    stale = list(CallSchedule.objects.filter(valid_until__lte=now).values_list("call_id", flat=True)[:5000])
    for call_id in stale:
        call_schedule_refresh(call_id=call_id, now=now)
    return len(stale)


def _shift_places_changed(shift: Shift, now) -> None:
    call_schedule_refresh(call_id=shift.call_id, now=now)


# --- Sign-ups -------------------------------------------------------------------------------------------
# Every change to who holds a place on a shift locks the person's row first (when a person is placed),
# then the shift's, then (where needed) the reservation's and sign-ups' rows: always in that order, so
# two of them never wait for each other. Checks about the person run before the shift's lock, so that
# the lock every sign-up for the shift queues on covers only the count, the counter and the insert. The
# shift's counters are changed with UPDATE … SET x = x ± n under that lock, and its check constraints
# refuse anything that would put more people on it than it has places.


def _call_is_open(call: OpenCallPage) -> bool:
    return call.live and not CallClosure.objects.filter(call=call).exists()


def _shift_locked(shift_id: int) -> Shift:
    # Lock the shift row only: locking the joined page rows too would queue sign-ups for every shift of
    # the call behind each other, and behind Wagtail publishing the call. "No key" (as every lock of the
    # shift or person for a sign-up): the lockers still go one at a time, but rows that refer to the
    # shift (a queued sign-up joining its queue) are written meanwhile instead of waiting for the lock.
    return Shift.objects.select_for_update(of=("self",), no_key=True).select_related("call").get(pk=shift_id)


def _person_lock(person) -> None:
    """Takes the person's sign-ups one at a time, so that two overlapping shifts (each under its own
    shift lock) cannot both be taken by one person at the same moment."""
    if connection.features.has_select_for_update:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM volunteers_user WHERE id = %s FOR NO KEY UPDATE", [person.pk])


def _check_shift_takes_signups(shift: Shift, now) -> None:
    if not _call_is_open(shift.call):
        raise SignUpRefused(CampaignErrorCode.CALL_CLOSED, _("This call is closed to new sign-ups."))
    _check_shift_times(shift, now)


def _check_shift_times(shift: Shift, now) -> None:
    _check_signup_window(is_over=shift.ends_at <= now, is_past_deadline=shift.signup_deadline <= now)


def _check_signup_window(*, is_over: bool, is_past_deadline: bool) -> None:
    if is_over:
        raise SignUpRefused(CampaignErrorCode.SHIFT_OVER, _("This shift is already over."))
    if is_past_deadline:
        raise SignUpRefused(CampaignErrorCode.SIGNUPS_CLOSED, _("Sign-ups for this shift have closed."))


def _age_on(date_of_birth: datetime.date, day: datetime.date) -> int:
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def _qualifications_url() -> str:
    try:
        return reverse("volunteers:qualifications")
    except NoReverseMatch:
        return _profile_url()


def _profile_url() -> str:
    try:
        return reverse("volunteers:profile")
    except NoReverseMatch:
        return reverse("volunteers:account") + "profile/"


# The statements every sign-up of a burst runs are written in SQL: the ORM spends several milliseconds of
# CPU composing each of these subqueries, more than the database takes to run them.
_STANDING_COLUMNS_SQL = """
        EXISTS (SELECT 1 FROM campaigns_signup
                WHERE volunteer_id = u.id AND shift_id = %(shift)s
                  AND status IN (%(confirmed)s, %(waitlisted)s)),
        (SELECT signup.id
         FROM campaigns_signup signup JOIN campaigns_shift shift ON shift.id = signup.shift_id
         WHERE signup.volunteer_id = u.id AND signup.status IN (%(confirmed)s, %(waitlisted)s)
           AND signup.shift_id <> %(shift)s
           AND shift.starts_at < %(ends_at)s AND shift.ends_at > %(starts_at)s
         LIMIT 1),
        EXISTS (SELECT 1 FROM campaigns_opencallpage_required_skills needed
                WHERE needed.opencallpage_id = %(call)s AND needed.skill_id NOT IN (
                    SELECT held.skill_id FROM volunteers_user_skills held WHERE held.user_id = u.id)),
        EXISTS (SELECT 1 FROM campaigns_opencallpage_required_qualifications needed
                WHERE needed.opencallpage_id = %(call)s AND NOT EXISTS (
                    SELECT 1 FROM volunteers_qualification held
                    WHERE held.person_id = u.id AND held.kind_id = needed.qualificationkind_id
                      AND held.status = %(verified)s AND held.issued_on <= %(day)s
                      AND (held.valid_until IS NULL OR held.valid_until >= %(day)s))),
        EXISTS (SELECT 1 FROM campaigns_waiveracceptance accepted
                WHERE accepted.person_id = u.id AND accepted.call_id = %(call)s
                  AND accepted.version = %(waiver_version)s),
        EXISTS (SELECT 1 FROM volunteers_guardianconsent consent
                WHERE consent.person_id = u.id AND consent.valid_until >= %(day)s)
"""
# Constants only go into these two (the values are parameters).
_PERSON_STANDING_SQL = f"SELECT {_STANDING_COLUMNS_SQL} FROM volunteers_user u WHERE u.id = %(person)s"  # noqa: S608
# Many people's at once (PostgreSQL's arrays), each row led by the person's id.
_PEOPLE_STANDING_SQL = (
    f"SELECT u.id, {_STANDING_COLUMNS_SQL} FROM volunteers_user u WHERE u.id = ANY(%(people)s)"  # noqa: S608
)
_STANDING_NAMES = (
    "already", "overlapping_id", "lacks_skill", "lacks_qualification", "waiver_accepted", "guardian_consent",
)  # fmt: skip


def _person_standing(*, shift: Shift, person) -> dict:
    """What the rules need to know about the person for this shift, in one statement: `already` (they hold
    or wait for a place on it), `overlapping_id` (an active sign-up of theirs at the same time),
    `lacks_skill` (the call needs a skill their profile does not list), `lacks_qualification` (the call
    needs a qualification they hold no verified certificate of, valid on the shift's day),
    `waiver_accepted` (they accepted the call's current waiver version) and `guardian_consent` (a
    guardian's consent of theirs is valid on the shift's day).

    Run it after _person_lock, never with a lock of its own: a statement that waits for a row lock reads
    its subqueries from the snapshot taken before the wait, and would miss the sign-up it waited for.
    """
    with connection.cursor() as cursor:
        cursor.execute(_PERSON_STANDING_SQL, {**_standing_values(shift), "person": person.pk})
        return _standing(cursor.fetchone())


def _standing_values(shift: Shift) -> dict:
    return {
        "confirmed": SignUp.Status.CONFIRMED.value,
        "waitlisted": SignUp.Status.WAITLISTED.value,
        "shift": shift.pk,
        "call": shift.call_id,
        "starts_at": connection.ops.adapt_datetimefield_value(shift.starts_at),
        "ends_at": connection.ops.adapt_datetimefield_value(shift.ends_at),
        "verified": Qualification.Status.VERIFIED.value,
        "day": connection.ops.adapt_datefield_value(_shift_day(shift)),
        "waiver_version": shift.call.waiver_version,
    }


def _standing(row) -> dict:
    standing = dict(zip(_STANDING_NAMES, row, strict=True))
    for name in ("already", "lacks_skill", "lacks_qualification", "waiver_accepted", "guardian_consent"):
        standing[name] = bool(standing[name])  # SQLite answers EXISTS with 0 or 1
    return standing


def signup_standings_locked(*, shift: Shift, people) -> dict[int, dict]:
    """For many sign-ups for one shift decided in one transaction (the sign-up queue): each person's row
    locked as _person_lock locks it, in the order of their ids (so that two such batches never wait for each
    other in a circle) and before the shift's (as every sign-up takes them), then what _person_standing
    finds of each, by person id; on PostgreSQL two statements in all rather than two per person. Pass each
    to signup_create_in_transaction as `standing`."""
    people = sorted({person.pk: person for person in people}.values(), key=lambda person: person.pk)
    if connection.vendor != "postgresql":
        standings = {}
        for person in people:
            _person_lock(person)
            standings[person.pk] = _person_standing(shift=shift, person=person)
        return standings
    ids = [person.pk for person in people]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM volunteers_user WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE", [ids]
        )
        # A statement of its own after the locks (see _person_standing).
        cursor.execute(_PEOPLE_STANDING_SQL, {**_standing_values(shift), "people": ids})
        return {row[0]: _standing(row[1:]) for row in cursor.fetchall()}


def _shift_day(shift: Shift) -> datetime.date:
    return timezone.localtime(shift.starts_at).date()


def _is_minor_on(person, day: datetime.date) -> bool:
    """Under 18 on `day` by their date of birth; someone who has not given one is not known to be a minor
    (a call with an age limit asks for the date of birth first)."""
    return person.date_of_birth is not None and _age_on(person.date_of_birth, day) < 18


def _check_personal_rules(*, shift: Shift, person, is_self: bool, standing: dict) -> None:
    """Minimum age, required skills and no two overlapping shifts: the rules about the person.

    `standing` is what _person_standing found; `is_self` words the message for the person signing up,
    otherwise for the manager assigning them.
    """
    call = shift.call
    name = person.display_name if hasattr(person, "display_name") else str(person)
    if call.min_age:
        if person.date_of_birth is None:
            raise SignUpRefused(
                CampaignErrorCode.DATE_OF_BIRTH_MISSING,
                (
                    _(
                        "This call is for people aged %(age)s or older. Add your date of birth to your "
                        "profile, then sign up again."
                    )
                    if is_self
                    else _(
                        "This call is for people aged %(age)s or older and %(name)s has not given a date of "
                        "birth. Ask them to add it to their profile."
                    )
                )
                # The profile's address is in `details`: a path inside right-to-left text scrambles it.
                % {"age": format_number(call.min_age), "name": name},
                details={"min_age": call.min_age, "profile_url": _profile_url()},
            )
        shift_day = timezone.localtime(shift.starts_at).date()
        if _age_on(person.date_of_birth, shift_day) < call.min_age:
            raise SignUpRefused(
                CampaignErrorCode.TOO_YOUNG,
                (
                    _("This call is for people aged %(age)s or older on the day of the shift.")
                    if is_self
                    else _("This call is for people aged %(age)s or older; %(name)s is younger on that day.")
                )
                % {"age": format_number(call.min_age), "name": name},
                details={"min_age": call.min_age},
            )
    if standing["lacks_skill"]:
        has = set(person.skills.values_list("pk", flat=True))
        missing = [skill for skill in call.required_skills.all() if skill.pk not in has]
        skills = "، ".join(str(skill.name) for skill in missing)
        raise SignUpRefused(
            CampaignErrorCode.SKILLS_MISSING,
            (
                _(
                    "This call needs these skills: %(skills)s. If you have them, add them to your "
                    "profile, then sign up again."
                )
                if is_self
                else _("This call needs these skills, which %(name)s's profile does not list: %(skills)s.")
            )
            % {"skills": skills, "name": name},
            details={"missing_skills": [skill.slug for skill in missing], "profile_url": _profile_url()},
        )
    shift_day = _shift_day(shift)
    if standing["lacks_qualification"]:
        missing = qualification_kinds_missing(
            kinds=call.required_qualifications.all(), person=person, day=shift_day
        )
        values = {
            "qualifications": "، ".join(str(kind.name) for kind in missing),
            "date": format_date(shift_day),
            "name": name,
        }
        raise SignUpRefused(
            CampaignErrorCode.QUALIFICATIONS_MISSING,
            (
                _(
                    "This call needs these qualifications, verified by staff and valid on %(date)s: "
                    "%(qualifications)s. Add them to your profile; you can sign up once staff have verified "
                    "them."
                )
                if is_self
                else _(
                    "This call needs these qualifications, and %(name)s has none verified and valid on "
                    "%(date)s: %(qualifications)s."
                )
            )
            % values,
            details={
                "missing_qualifications": [kind.slug for kind in missing],
                "qualifications_url": _qualifications_url(),
            },
        )
    needs_guardian = call.guardian_consent_required and not standing["guardian_consent"]
    if needs_guardian and _is_minor_on(person, shift_day):
        raise SignUpRefused(
            CampaignErrorCode.GUARDIAN_CONSENT_MISSING,
            (
                _(
                    "You are under 18 on the day of this shift, so this call needs your parent's or "
                    "guardian's consent: a code is sent to their mobile for them to give you."
                )
                if is_self
                else _(
                    "%(name)s is under 18 on the day of this shift and has no parent's or guardian's "
                    "consent yet; they can ask for it when they sign up."
                )
            )
            % {"name": name},
            details={"under": 18},
        )
    if standing["overlapping_id"] is not None:
        overlapping = SignUp.objects.select_related("shift__call").get(pk=standing["overlapping_id"])
        values = {
            "call": overlapping.shift.call.localized_title,
            "date": format_date(overlapping.shift.starts_at, with_time=True),
            "name": name,
        }
        raise SignUpConflict(
            CampaignErrorCode.OVERLAPPING_SIGNUP,
            (
                _(
                    "You are already signed up for “%(call)s” on %(date)s, at the same time as this shift. "
                    "Cancel that one first if you would rather do this one."
                )
                if is_self
                else _("%(name)s is already signed up for “%(call)s” on %(date)s, at the same time.")
            )
            % values,
            details={"signup_id": overlapping.pk, "shift_id": overlapping.shift_id},
        )


WAIVER_CHANGED = _(
    "The waiver of this call has changed since you read it. Read the new version and accept it."
)


def _check_waiver(*, call: OpenCallPage, standing: dict, accept_version: str | None) -> bool:
    """Whether the call's current waiver is to be recorded as accepted now; refuses a sign-up without it.

    `accept_version` is what the person ticked (the web form) or sent (`accept_waiver_version`): it must
    be the current version, so nobody agrees to a text they were not shown."""
    if not call.waiver_version:
        return False
    if accept_version:
        if accept_version != call.waiver_version:
            raise SignUpRefused(
                CampaignErrorCode.WAIVER_VERSION_STALE,
                WAIVER_CHANGED,
                details={"waiver_version": call.waiver_version},
            )
        return not standing["waiver_accepted"]
    if standing["waiver_accepted"]:
        return False
    raise SignUpRefused(
        CampaignErrorCode.WAIVER_NOT_ACCEPTED,
        _("This call asks you to read and accept its waiver before you sign up."),
        details={"waiver_version": call.waiver_version},
    )


def _waiver_record(*, call: OpenCallPage, person, channel: str, now) -> None:
    WaiverAcceptance.objects.bulk_create(
        [
            WaiverAcceptance(
                person=person, call=call, version=call.waiver_version, accepted_at=now, channel=channel
            )
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def waiver_accept(*, call: OpenCallPage, person, version: str, channel: str) -> WaiverAcceptance:
    """Records that the person accepted `version` of the call's waiver, e.g. a new version after staff
    changed its text while they were signed up. Accepting the same version twice keeps the first record."""
    if not call.waiver_version:
        raise SignUpRefused(CampaignErrorCode.WAIVER_NONE, _("This call has no waiver to accept."))
    if version != call.waiver_version:
        raise SignUpRefused(
            CampaignErrorCode.WAIVER_VERSION_STALE,
            WAIVER_CHANGED,
            details={"waiver_version": call.waiver_version},
        )
    _waiver_record(call=call, person=person, channel=channel, now=timezone.now())
    return WaiverAcceptance.objects.get(person=person, call=call, version=version)


GUEST_NAME_MAX_LENGTH = 80


def _guest_names_clean(*, call, guest_names) -> list[str]:
    """The guests' names as given (blank ones dropped), within what the call allows."""
    names = [" ".join(str(name).split()) for name in guest_names or ()]
    names = [name for name in names if name]
    if not names:
        return []
    if not call.max_guests:
        raise SignUpRefused(
            CampaignErrorCode.GUESTS_INVALID, _("This call does not take guests: each person signs up.")
        )
    if len(names) > call.max_guests:
        raise SignUpRefused(
            CampaignErrorCode.GUESTS_INVALID,
            _("You may bring at most %(count)s guests to this call.")
            % {"count": format_number(call.max_guests)},
        )
    if any(len(name) > GUEST_NAME_MAX_LENGTH for name in names):
        raise SignUpRefused(
            CampaignErrorCode.GUESTS_INVALID,
            _("A guest's name is at most %(count)s characters.")
            % {"count": format_number(GUEST_NAME_MAX_LENGTH)},
        )
    return names


@transaction.atomic
def signup_create(
    *,
    shift: Shift,
    volunteer,
    accept_waiver_version: str | None = None,
    channel: str = "web",
    guest_names=(),
    notify: bool = True,
) -> SignUp:
    """Places the volunteer on the shift, or at the end of its waiting list when it is full (see
    `signup_create_in_transaction`), in a transaction of its own or a savepoint of the caller's."""
    return signup_create_in_transaction(
        shift=shift,
        volunteer=volunteer,
        accept_waiver_version=accept_waiver_version,
        channel=channel,
        guest_names=guest_names,
        notify=notify,
    )


def signup_create_in_transaction(
    *,
    shift: Shift,
    volunteer,
    accept_waiver_version: str | None = None,
    channel: str = "web",
    guest_names=(),
    notify: bool = True,
    standing: dict | None = None,
) -> SignUp:
    """Places the volunteer on the shift, or at the end of its waiting list when it is full, within the
    caller's transaction.

    Every refusal (a DomainError) is raised before anything is written, and no database error is caught
    on the way: a caller that decides many sign-ups in one transaction (the sign-up queue) needs no
    savepoint around each, whatever the outcome. Keep it so.

    `shift` comes with its call, as selectors.shift_get_for_signup reads it. The person's row is locked and
    the rules about them checked first; then the shift's row is locked, so concurrent sign-ups are taken
    one at a time: the confirmed count is read and raised under the lock and can never pass the capacity
    (a check constraint backs this). Team places not assigned yet are not free: they count as taken.

    Named guests (on a call that takes them) come as one group: it gets its places together or waits in
    line together. `notify=False` leaves the person's notice to the caller (the sign-up queue sends a
    batch's notices in one statement). `standing`: the person's from signup_standings_locked in this
    transaction (their row locked), for a caller that decides many.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("signup_create_in_transaction needs the caller's transaction")
    now = timezone.now()
    _check_shift_times(shift, now)
    if not shift.call.open_to_individuals:
        raise SignUpRefused(
            CampaignErrorCode.CALL_TEAMS_ONLY,
            _(
                "This call is only for NGO teams. Ask an NGO you volunteer with to reserve places for its "
                "team."
            ),
        )
    if standing is None:
        _person_lock(volunteer)
        standing = _person_standing(shift=shift, person=volunteer)
    if standing["already"]:
        raise SignUpConflict(
            CampaignErrorCode.ALREADY_SIGNED_UP, _("You have already signed up for this shift.")
        )
    _check_personal_rules(shift=shift, person=volunteer, is_self=True, standing=standing)
    record_waiver = _check_waiver(call=shift.call, standing=standing, accept_version=accept_waiver_version)
    names = _guest_names_clean(call=shift.call, guest_names=guest_names)
    if len(names) + 1 > shift.capacity:
        raise SignUpRefused(
            CampaignErrorCode.GUESTS_INVALID,
            _("This shift has %(count)s places in all: come with fewer guests.")
            % {"count": format_number(shift.capacity)},
        )

    signup = _signup_place(shift=shift, volunteer=volunteer, guest_names=names)
    if record_waiver:
        _waiver_record(call=shift.call, person=volunteer, channel=channel, now=signup.created_at)
    if signup.status == SignUp.Status.CONFIRMED:
        _shift_places_changed(shift, signup.created_at)
    # Within the relay's interval rather than at once: a burst of sign-ups pays no broker round trip each.
    if notify:
        outbox.send_after_commit(notices.notify_signup_created_task, signup.pk, at_once=False)
    return signup


def walk_in_signup(*, shift: Shift, person, actor, waiver_accepted: bool, welcome: bool, now) -> SignUp:
    """A confirmed, checked-in place for a walk-in (see checkin.services.walk_in_register): while the
    shift is not over, even after sign-ups closed, if a place is free."""
    _person_lock(person)
    shift = _shift_locked(shift.pk)
    if shift.ends_at <= now:
        raise SignUpRefused(CampaignErrorCode.SHIFT_OVER, _("This shift is already over."))
    standing = _person_standing(shift=shift, person=person)
    if standing["already"]:
        raise SignUpConflict(
            CampaignErrorCode.ALREADY_SIGNED_UP,
            _("%(name)s is already signed up for this shift: check them in on the list.")
            % {"name": person.display_name},
        )
    _check_personal_rules(shift=shift, person=person, is_self=False, standing=standing)
    if shift.call.waiver_version and not standing["waiver_accepted"]:
        if not waiver_accepted:
            raise SignUpRefused(
                CampaignErrorCode.WAIVER_NOT_ACCEPTED,
                _("This call has a waiver: let the person read it, and tick that they accepted it."),
            )
        _waiver_record(call=shift.call, person=person, channel=WaiverAcceptance.Channel.WALK_IN, now=now)
    if shift.capacity - shift.taken_places <= 0:
        raise SignUpRefused(
            CampaignErrorCode.SHIFT_FULL,
            _("Every place on this shift is taken; the person can join its waiting list online."),
        )
    Shift.objects.filter(pk=shift.pk).update(confirmed_count=F("confirmed_count") + 1)
    signup = SignUp.objects.create(
        shift=shift,
        volunteer=person,
        status=SignUp.Status.CONFIRMED,
        created_at=now,
        checked_in_at=now,
        registered_by=actor,
    )
    _shift_places_changed(shift, now)
    if welcome:
        outbox.send_after_commit(notices.notify_walk_in_welcome_task, person.pk)
    return signup


def _signup_place(*, shift: Shift, volunteer, guest_names: list[str] = ()) -> SignUp:
    """Under the shift's lock: a place if one is free, else the next number in line; the counter raised and
    the sign-up written. The call and the shift's times are checked again under the lock, as they may have
    changed since `shift` was read.

    On PostgreSQL this is one statement, so the lock that every sign-up for the shift queues on is held for
    that statement and the commit only, rather than for a round trip per step.
    """
    if connection.vendor == "postgresql":
        signup = _signup_place_in_one_statement(shift=shift, volunteer=volunteer, guest_names=guest_names)
        if signup is not None:
            return signup
        # Refused: the step-by-step way takes the lock again and says why.
    return _signup_place_step_by_step(shift=shift, volunteer=volunteer, guest_names=guest_names)


def _signup_place_step_by_step(*, shift: Shift, volunteer, guest_names: list[str] = ()) -> SignUp:
    counts = _shift_locked_for_signup(shift.pk, now=timezone.now())
    if not counts["call_live"] or counts["call_closed"]:
        raise SignUpRefused(CampaignErrorCode.CALL_CLOSED, _("This call is closed to new sign-ups."))
    _check_signup_window(is_over=counts["is_over"], is_past_deadline=counts["is_past_deadline"])
    # Arrival is when the lock is granted: `created_at` then follows the order places are given in.
    now = timezone.now()
    group = {"guests": len(guest_names), "guest_names": list(guest_names)}
    places = 1 + len(guest_names)
    if counts["confirmed_count"] + counts["team_unassigned_count"] + places <= counts["capacity"]:
        Shift.objects.filter(pk=shift.pk).update(confirmed_count=F("confirmed_count") + places)
        return SignUp.objects.create(
            shift=shift, volunteer=volunteer, status=SignUp.Status.CONFIRMED, created_at=now, **group
        )
    position = counts["waitlist_last_position"] + 1
    Shift.objects.filter(pk=shift.pk).update(waitlist_last_position=position)
    return SignUp.objects.create(
        shift=shift,
        volunteer=volunteer,
        status=SignUp.Status.WAITLISTED,
        waitlist_position=position,
        created_at=now,
        **group,
    )


# `locked` waits for the shift's row lock and reads the row as the last holder left it; `counted` raises
# the confirmed count or the last number in line (its SET reads that same latest row); the INSERT writes
# the sign-up from what `counted` returns. No row comes out when the shift or its call stopped taking
# sign-ups. The sign-up's other columns are filled as Django would (see _signup_insert_values).
_SIGNUP_PLACE_SQL = """
    WITH locked AS (
        SELECT shift.id,
               shift.confirmed_count + shift.team_unassigned_count + %(places)s <= shift.capacity
               AS gets_place
        FROM campaigns_shift shift
        WHERE shift.id = %(shift)s
          AND shift.ends_at > %(now)s AND COALESCE(shift.signups_close_at, shift.starts_at) > %(now)s
          AND EXISTS (SELECT 1 FROM wagtailcore_page page WHERE page.id = shift.call_id AND page.live)
          AND NOT EXISTS (SELECT 1 FROM campaigns_callclosure closure WHERE closure.call_id = shift.call_id)
        FOR NO KEY UPDATE OF shift
    ), counted AS (
        UPDATE campaigns_shift shift SET
            confirmed_count = shift.confirmed_count + CASE WHEN locked.gets_place THEN %(places)s ELSE 0 END,
            waitlist_last_position =
                shift.waitlist_last_position + CASE WHEN locked.gets_place THEN 0 ELSE 1 END
        FROM locked WHERE shift.id = locked.id
        RETURNING locked.gets_place, shift.waitlist_last_position
    )
    INSERT INTO campaigns_signup ({columns}, status, waitlist_position, created_at)
    SELECT {values}, CASE WHEN gets_place THEN %(confirmed)s ELSE %(waitlisted)s END,
           CASE WHEN gets_place THEN NULL ELSE waitlist_last_position END, clock_timestamp()
    FROM counted
    RETURNING id, status, waitlist_position, created_at
"""
_SIGNUP_DECIDED_IN_SQL = ("id", "status", "waitlist_position", "created_at")


def _signup_place_in_one_statement(*, shift: Shift, volunteer, guest_names: list[str] = ()) -> SignUp | None:
    """_signup_place's single statement; None when it placed nobody (the step-by-step way says why)."""
    fields = [field for field in SignUp._meta.concrete_fields if field.attname not in _SIGNUP_DECIDED_IN_SQL]
    # created_at comes from clock_timestamp(): arrival is when the lock is granted, so `created_at`
    # follows the order places are given in.
    template = SignUp(
        shift=shift, volunteer=volunteer, guests=len(guest_names), guest_names=list(guest_names)
    )
    params = {f"v{index}": _signup_insert_value(field, template) for index, field in enumerate(fields)}
    sql = _SIGNUP_PLACE_SQL.format(
        columns=", ".join(connection.ops.quote_name(field.column) for field in fields),
        values=", ".join(f"%(v{index})s" for index in range(len(fields))),
    )
    params.update(
        shift=shift.pk,
        places=1 + len(guest_names),
        now=timezone.now(),
        confirmed=SignUp.Status.CONFIRMED.value,
        waitlisted=SignUp.Status.WAITLISTED.value,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    signup = template
    signup.pk, signup.status, signup.waitlist_position, signup.created_at = row
    signup._state.adding, signup._state.db = False, connection.alias
    return signup


def _signup_insert_value(field, instance):
    return field.get_db_prep_save(field.pre_save(instance, True), connection)


_SHIFT_LOCK_FOR_SIGNUP_SQL = """
    SELECT shift.capacity, shift.confirmed_count, shift.team_unassigned_count, shift.waitlist_last_position,
           shift.ends_at <= %(now)s, COALESCE(shift.signups_close_at, shift.starts_at) <= %(now)s,
           page.live, EXISTS (SELECT 1 FROM campaigns_callclosure WHERE call_id = shift.call_id)
    FROM campaigns_shift shift JOIN wagtailcore_page page ON page.id = shift.call_id
    WHERE shift.id = %(shift)s
"""
_SHIFT_LOCK_FOR_SIGNUP_COLUMNS = (
    "capacity",
    "confirmed_count",
    "team_unassigned_count",
    "waitlist_last_position",
    "is_over",
    "is_past_deadline",
    "call_live",
    "call_closed",
)


def _shift_locked_for_signup(shift_id: int, *, now) -> dict:
    """Locks the shift's row and reads what a sign-up decides by: its counters (as the last holder of the
    lock left them), whether it is over or past its sign-up deadline at `now`, and whether its call is live
    and not closed. Only the shift's row is locked (see _shift_locked); the call's state is as fresh as any
    unlocked read of it."""
    lock = " FOR NO KEY UPDATE OF shift" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            _SHIFT_LOCK_FOR_SIGNUP_SQL + lock,
            {"shift": shift_id, "now": connection.ops.adapt_datetimefield_value(now)},
        )
        return dict(zip(_SHIFT_LOCK_FOR_SIGNUP_COLUMNS, cursor.fetchone(), strict=True))


# How far down the line a promotion looks for people who fit the free places.
WAITLIST_LOOKAHEAD = 500


def _waitlist_promote(*, shift_id: int, now) -> list[int]:
    """Gives the shift's free places to the first in line, in order, and has each of them told.

    Call with the shift's row locked, after the counters say what is free. Nothing moves once the shift
    is over. Returns the ids of the promoted sign-ups.
    """
    shift = Shift.objects.get(pk=shift_id)
    free = shift.capacity - shift.taken_places
    if free <= 0 or shift.ends_at <= now:
        return []
    # In order of the line; a group bigger than what is free keeps its number and lets the next ones in,
    # so no place stays empty while someone it would fit waits.
    first_in_line, places = [], 0
    for signup_id, guests in (
        SignUp.objects.select_for_update()
        .filter(shift_id=shift_id, status=SignUp.Status.WAITLISTED)
        .order_by("waitlist_position")
        .values_list("pk", "guests")[:WAITLIST_LOOKAHEAD]
    ):
        if places + 1 + guests <= free:
            first_in_line.append(signup_id)
            places += 1 + guests
        if places == free:
            break
    if not first_in_line:
        return []
    SignUp.objects.filter(pk__in=first_in_line).update(
        status=SignUp.Status.CONFIRMED, waitlist_position=None, promoted_at=now
    )
    Shift.objects.filter(pk=shift_id).update(confirmed_count=F("confirmed_count") + places)
    for signup_id in first_in_line:
        outbox.send_after_commit(notices.notify_signup_promoted_task, signup_id)
    return first_in_line


def _confirmed_place_given_up(*, shift: Shift, signup: SignUp, now) -> None:
    """A confirmed place was given up (its sign-up is already cancelled): a team's place goes back to the
    team while its reservation holds places, anything else to the first in line or the public."""
    if signup.reservation_id:
        reservation = TeamReservation.objects.select_for_update().get(pk=signup.reservation_id)
        if reservation.released_at is None:
            TeamReservation.objects.filter(pk=reservation.pk).update(assigned_count=F("assigned_count") - 1)
            Shift.objects.filter(pk=shift.pk).update(
                confirmed_count=F("confirmed_count") - 1, team_unassigned_count=F("team_unassigned_count") + 1
            )
            return
        TeamReservation.objects.filter(pk=reservation.pk).update(
            assigned_count=F("assigned_count") - 1, places=F("places") - 1
        )
        Shift.objects.filter(pk=shift.pk).update(
            confirmed_count=F("confirmed_count") - 1, team_reserved_count=F("team_reserved_count") - 1
        )
    else:
        Shift.objects.filter(pk=shift.pk).update(confirmed_count=F("confirmed_count") - signup.places)
    _waitlist_promote(shift_id=shift.pk, now=now)
    _shift_places_changed(shift, now)
    _cover_call(shift_id=shift.pk, now=now)


def _cover_candidates(*, shift: Shift, call):
    """People who asked to hear of places to cover and could take this one: active, of age, with the call's
    skills, not on this shift or one at the same time, not told of it before, and living in the call's
    district or having done a shift of its service."""
    active = SignUp.objects.filter(volunteer=OuterRef("pk"), status__in=SignUp.ACTIVE_STATUSES)
    overlapping = active.filter(shift__starts_at__lt=shift.ends_at, shift__ends_at__gt=shift.starts_at)
    done_before = SignUp.objects.filter(
        volunteer=OuterRef("pk"), shift__call__service_id=call.service_id, checked_in_at__isnull=False
    )
    people = (
        get_user_model()
        .objects.filter(is_active=True, cover_calls=True)
        .exclude(Exists(active.filter(shift=shift)))
        .exclude(Exists(overlapping))
        .exclude(Exists(CoverNotice.objects.filter(shift=shift, volunteer=OuterRef("pk"))))
        .filter(Q(district_id=call.district_id) | Exists(done_before))
    )
    if call.min_age:
        day = timezone.localtime(shift.starts_at).date()
        # Born on or before this day `min_age` years earlier (29 February counts as the 28th).
        birthday = day.replace(day=min(day.day, 28)) if day.month == 2 else day
        latest_birthday = birthday.replace(year=day.year - call.min_age)
        people = people.filter(date_of_birth__lte=latest_birthday)
    for skill_id in call.required_skills.values_list("pk", flat=True):
        people = people.filter(skills=skill_id)
    return people.order_by(F("last_login").desc(nulls_last=True), "pk")


def _cover_call(*, shift_id: int, now) -> int:
    """A place freed at short notice and not taken from the waiting list: told to a few people who could
    take it (see `_cover_candidates`), COVER_NOTICES_PER_PLACE for each free place, each person once."""
    shift = Shift.objects.select_related("call").get(pk=shift_id)
    free = shift.capacity - shift.taken_places
    window = datetime.timedelta(hours=settings.COVER_CALL_HOURS)
    if free <= 0 or shift.signup_deadline <= now or shift.starts_at - now > window:
        return 0
    people = list(
        _cover_candidates(shift=shift, call=shift.call).values_list("pk", flat=True)[
            : free * settings.COVER_NOTICES_PER_PLACE
        ]
    )
    if not people:
        return 0
    notices_made = [CoverNotice(shift=shift, volunteer_id=person, created_at=now) for person in people]
    CoverNotice.objects.bulk_create(notices_made, ignore_conflicts=True)
    outbox.send_after_commit(notices.notify_cover_task, shift.pk)
    return len(people)


def _signup_mark_cancelled(signup: SignUp, *, now, cancelled_by=None, reason: str = "") -> None:
    signup.status, signup.waitlist_position, signup.cancelled_at = SignUp.Status.CANCELLED, None, now
    signup.cancelled_by, signup.cancellation_reason = cancelled_by, reason
    signup.save(
        update_fields=["status", "waitlist_position", "cancelled_at", "cancelled_by", "cancellation_reason"]
    )


@transaction.atomic
def signup_cancel(*, signup: SignUp, even_late: bool = False) -> SignUp:
    """Cancels a sign-up; a confirmed place that frees up goes to the first person in line, who is told.
    A place out of a team's reservation goes back to the team until its unassigned places are released.
    `even_late`: past the online deadline too (an account being deleted: that person will not come)."""
    shift = _shift_locked(signup.shift_id)
    signup = SignUp.objects.select_for_update().get(pk=signup.pk)
    if signup.status == SignUp.Status.CANCELLED:
        raise SignUpConflict(
            CampaignErrorCode.SIGNUP_ALREADY_CANCELLED, _("This sign-up is already cancelled.")
        )
    if signup.status not in SignUp.ACTIVE_STATUSES:
        raise SignUpRefused(CampaignErrorCode.SHIFT_OVER, _("This shift is already over."))
    was_confirmed = signup.status == SignUp.Status.CONFIRMED
    now = timezone.now()
    # Leaving the waiting list is always fine; a confirmed place given up this late would go unfilled.
    if was_confirmed and now >= shift.cancellation_deadline and not even_late:
        raise SignUpRefused(
            CampaignErrorCode.CANCELLATION_CLOSED,
            _("It is too late to cancel this shift online; please tell the call's contact person instead."),
        )
    _signup_mark_cancelled(signup, now=now)
    if was_confirmed:
        _confirmed_place_given_up(shift=shift, signup=signup, now=now)
    return signup


@transaction.atomic
def signup_staff_cancel(*, signup: SignUp, actor, reason: str) -> SignUp:
    """Staff of the call's department take a person off a shift (confirmed or in line), with a reason the
    person is told. The freed place goes to the first in line, who is told too. Callers check that
    `cancelled_by` is staff of the call's department (selectors.signup_get_for_staff)."""
    reason = (reason or "").strip()
    if not reason:
        raise SignUpRefused(
            CampaignErrorCode.REASON_REQUIRED,
            _("Say why the sign-up is cancelled: the person is told the reason."),
        )
    if len(reason) > 300:
        raise SignUpRefused(CampaignErrorCode.REASON_REQUIRED, _("Keep the reason under 300 characters."))
    shift = _shift_locked(signup.shift_id)
    signup = SignUp.objects.select_for_update().get(pk=signup.pk)
    if signup.status == SignUp.Status.CANCELLED:
        raise SignUpConflict(
            CampaignErrorCode.SIGNUP_ALREADY_CANCELLED, _("This sign-up is already cancelled.")
        )
    now = timezone.now()
    if signup.status not in SignUp.ACTIVE_STATUSES or shift.ends_at <= now:
        raise SignUpRefused(
            CampaignErrorCode.SHIFT_OVER,
            _("This shift is already over; its sign-ups are kept as they are for verification."),
        )
    was_confirmed = signup.status == SignUp.Status.CONFIRMED
    _signup_mark_cancelled(signup, now=now, cancelled_by=actor, reason=reason)
    if was_confirmed:
        _confirmed_place_given_up(shift=shift, signup=signup, now=now)
    outbox.send_after_commit(notices.notify_signup_cancelled_by_staff_task, signup.pk)
    return signup


# --- Team reservations ----------------------------------------------------------------------------------
# An NGO manager holds places on a shift for a team and gives them to members later. Reserved places count
# as taken from the start (Shift.team_unassigned_count), so they can never be sold twice.

MANAGING_ROLES = ("owner", "manager")


def _check_team_manager(*, team, user) -> None:
    """Managers and owners of a verified NGO act for its teams."""
    is_manager = OrganisationMembership.objects.filter(
        organisation_id=team.organisation_id, user_id=user.pk, role__in=MANAGING_ROLES
    ).exists()
    if not is_manager:
        raise SignUpForbidden(
            CampaignErrorCode.NOT_TEAM_MANAGER,
            _("Only the managers of “%(team)s”'s NGO can reserve and assign its places.")
            % {"team": team.name},
        )
    if team.organisation.verified_at is None:
        raise SignUpForbidden(
            CampaignErrorCode.NGO_NOT_VERIFIED,
            _(
                "Your NGO has not been verified by the municipality yet; it can reserve places once it is. "
                "Staff check new NGOs within a few working days."
            ),
        )


def _check_room_for_team_places(*, shift: Shift, places: int, now) -> None:
    if now >= shift.team_places_release_at:
        raise SignUpRefused(
            CampaignErrorCode.TEAM_RESERVATIONS_CLOSED,
            _(
                "Team places on this shift can no longer be reserved: from %(hours)s hours before a shift, "
                "places are for individual sign-ups only."
            )
            % {"hours": format_number(settings.TEAM_PLACES_RELEASE_HOURS)},
        )
    if places > shift.team_places_left:
        raise SignUpRefused(
            CampaignErrorCode.TEAM_PLACES_FULL,
            _("Teams may reserve %(left)s more places on this shift.") % {"left": shift.team_places_left},
            details={"team_places_left": shift.team_places_left},
        )
    if places > shift.free_places:
        raise SignUpRefused(
            CampaignErrorCode.NOT_ENOUGH_PLACES,
            _("Only %(free)s places are free on this shift; reserve fewer.") % {"free": shift.free_places},
            details={"free_places": shift.free_places},
        )


def _check_places_number(places: int) -> None:
    if not isinstance(places, int) or places < 1 or places > 10000:
        raise SignUpRefused(CampaignErrorCode.PLACES_INVALID, _("Reserve at least one place."))


@transaction.atomic
def team_reservation_create(*, shift: Shift, team, places: int, actor) -> TeamReservation:
    """Holds `places` places on the shift for the team, taken out of the free places at once."""
    _check_team_manager(team=team, user=actor)
    _check_places_number(places)
    shift = _shift_locked(shift.pk)
    now = timezone.now()
    _check_shift_takes_signups(shift, now)
    if not shift.call.open_to_teams:
        raise SignUpRefused(
            CampaignErrorCode.CALL_INDIVIDUALS_ONLY,
            _("This call is for individuals only; your team's members can each sign up themselves."),
        )
    existing = TeamReservation.objects.filter(shift=shift, team=team).first()
    if existing is not None:
        raise SignUpConflict(
            CampaignErrorCode.RESERVATION_EXISTS,
            _("“%(team)s” already has places on this shift; change the number of places instead.")
            % {"team": team.name},
            details={"reservation_id": existing.pk},
        )
    _check_room_for_team_places(shift=shift, places=places, now=now)
    Shift.objects.filter(pk=shift.pk).update(
        team_reserved_count=F("team_reserved_count") + places,
        team_unassigned_count=F("team_unassigned_count") + places,
    )
    _shift_places_changed(shift, now)
    return TeamReservation.objects.create(
        shift=shift, team=team, places=places, reserved_by=actor, created_at=now
    )


def _reservation_locked(reservation: TeamReservation) -> tuple[Shift, TeamReservation]:
    shift = _shift_locked(reservation.shift_id)
    locked = TeamReservation.objects.select_for_update(of=("self",)).select_related("team__organisation")
    return shift, locked.get(pk=reservation.pk)


@transaction.atomic
def team_reservation_resize(*, reservation: TeamReservation, places: int, actor) -> TeamReservation:
    """Changes how many places the team holds: fewer gives the difference to the first in line (or the
    public), more takes it from the free places under the rules of a new reservation. Never fewer than
    the places already assigned."""
    _check_team_manager(team=reservation.team, user=actor)
    if not isinstance(places, int) or places < 0:
        raise SignUpRefused(CampaignErrorCode.PLACES_INVALID, _("The number of places cannot be negative."))
    shift, reservation = _reservation_locked(reservation)
    now = timezone.now()
    if shift.starts_at <= now:
        raise SignUpRefused(
            CampaignErrorCode.SHIFT_STARTED, _("This shift has started; its places can no longer change.")
        )
    if reservation.released_at is not None:
        raise SignUpRefused(
            CampaignErrorCode.RESERVATION_RELEASED,
            _("The unassigned places of this reservation have gone back to the public."),
        )
    if places < reservation.assigned_count:
        raise SignUpRefused(
            CampaignErrorCode.PLACES_BELOW_ASSIGNED,
            _("%(count)s members already have places; unassign some of them first.")
            % {"count": reservation.assigned_count},
            details={"assigned": reservation.assigned_count},
        )
    change = places - reservation.places
    if change > 0:
        _check_shift_takes_signups(shift, now)
        _check_room_for_team_places(shift=shift, places=change, now=now)
    if change:
        TeamReservation.objects.filter(pk=reservation.pk).update(places=places)
        Shift.objects.filter(pk=shift.pk).update(
            team_reserved_count=F("team_reserved_count") + change,
            team_unassigned_count=F("team_unassigned_count") + change,
        )
        if change < 0:
            _waitlist_promote(shift_id=shift.pk, now=now)
        _shift_places_changed(shift, now)
    reservation.refresh_from_db()
    return reservation


@transaction.atomic
def team_reservation_assign(*, reservation: TeamReservation, member, actor) -> SignUp:
    """Gives one of the team's unassigned places to a member of the team: a confirmed sign-up, made under
    the same rules about the person as signing up (age, skills, no overlapping shift)."""
    _check_team_manager(team=reservation.team, user=actor)
    _person_lock(member)
    shift, reservation = _reservation_locked(reservation)
    now = timezone.now()
    _check_shift_takes_signups(shift, now)
    if not reservation.team.members.filter(pk=member.pk).exists():
        raise SignUpRefused(
            CampaignErrorCode.NOT_A_TEAM_MEMBER,
            _("%(name)s is not a member of “%(team)s”.")
            % {"name": member.display_name, "team": reservation.team.name},
        )
    if reservation.unassigned_places < 1:
        raise SignUpRefused(
            CampaignErrorCode.NO_UNASSIGNED_PLACES,
            _("Every place of this reservation is assigned; reserve more places or unassign someone first."),
        )
    standing = _person_standing(shift=shift, person=member)
    if standing["already"]:
        raise SignUpConflict(
            CampaignErrorCode.ALREADY_SIGNED_UP,
            _("%(name)s is already signed up for this shift.") % {"name": member.display_name},
        )
    _check_personal_rules(shift=shift, person=member, is_self=False, standing=standing)
    TeamReservation.objects.filter(pk=reservation.pk).update(assigned_count=F("assigned_count") + 1)
    Shift.objects.filter(pk=shift.pk).update(
        confirmed_count=F("confirmed_count") + 1, team_unassigned_count=F("team_unassigned_count") - 1
    )
    return SignUp.objects.create(
        shift=shift, volunteer=member, status=SignUp.Status.CONFIRMED, reservation=reservation, created_at=now
    )


@dataclass(frozen=True)
class AssignmentResult:
    """One member's outcome in a bulk assignment: their sign-up, or the refusal with its code and message."""

    member_id: int
    name: str
    signup: SignUp | None = None
    code: str = ""
    message: str = ""


def team_reservation_assign_many(
    *, reservation: TeamReservation, member_ids, actor
) -> list[AssignmentResult]:
    """Gives places to several members at once, in the order given: each under the same rules and locks as
    one assignment, in its own transaction, so one refusal (a member too young, no places left) leaves the
    others assigned and is reported beside them."""
    results = []
    for member_id in dict.fromkeys(member_ids):  # each member once, in the order given
        member = get_user_model().objects.filter(pk=member_id).first()
        name = member.display_name if member is not None else str(member_id)
        try:
            if member is None:
                raise SignUpRefused(CampaignErrorCode.NOT_A_TEAM_MEMBER, _("There is no such person."))
            signup = team_reservation_assign(reservation=reservation, member=member, actor=actor)
        except DomainError as refused:
            results.append(AssignmentResult(member_id, name, code=refused.code, message=str(refused.message)))
        else:
            results.append(AssignmentResult(member_id, name, signup=signup))
    return results


@transaction.atomic
def team_reservation_unassign(*, reservation: TeamReservation, member_id: int, actor) -> SignUp:
    """Takes a member off their team place; the place goes back to the team (or, once the reservation's
    unassigned places have been released, to the first in line)."""
    _check_team_manager(team=reservation.team, user=actor)
    shift, reservation = _reservation_locked(reservation)
    signup = (
        SignUp.objects.select_for_update()
        .filter(reservation=reservation, volunteer_id=member_id, status=SignUp.Status.CONFIRMED)
        .first()
    )
    if signup is None:
        raise SignUpNotFoundForMember(member_id)
    now = timezone.now()
    if shift.starts_at <= now:
        raise SignUpRefused(
            CampaignErrorCode.SHIFT_STARTED, _("This shift has started; its places can no longer change.")
        )
    _signup_mark_cancelled(signup, now=now, cancelled_by=actor)
    _confirmed_place_given_up(shift=shift, signup=signup, now=now)
    return signup


@transaction.atomic
def team_reservation_release(*, reservation_id: int, now=None) -> int | None:
    """Gives the reservation's unassigned places back to the public, once, and fills them from the
    waiting list in order. Returns how many places were released, or None when it was already done."""
    now = now or timezone.now()
    shift_id = TeamReservation.objects.values_list("shift_id", flat=True).get(pk=reservation_id)
    shift = _shift_locked(shift_id)
    reservation = TeamReservation.objects.select_for_update().get(pk=reservation_id)
    if reservation.released_at is not None:
        return None
    released = reservation.unassigned_places
    TeamReservation.objects.filter(pk=reservation.pk).update(
        released_at=now, released_places=released, places=F("assigned_count")
    )
    if released:
        Shift.objects.filter(pk=shift_id).update(
            team_reserved_count=F("team_reserved_count") - released,
            team_unassigned_count=F("team_unassigned_count") - released,
        )
        _waitlist_promote(shift_id=shift_id, now=now)
        _shift_places_changed(shift, now)
        if reservation.reserved_by_id:
            outbox.send_after_commit(notices.notify_team_places_released_task, reservation.pk)
    return released


def team_places_release_due(*, now=None) -> int:
    """Releases every reservation whose shift starts within TEAM_PLACES_RELEASE_HOURS; returns how many
    reservations this run released. Safe to run twice at once: each release happens under the shift's
    lock and only while `released_at` is empty."""
    now = now or timezone.now()
    due = TeamReservation.objects.filter(
        released_at__isnull=True,
        shift__starts_at__lte=now + datetime.timedelta(hours=settings.TEAM_PLACES_RELEASE_HOURS),
    ).order_by("shift__starts_at", "pk")
    released = 0
    for reservation_id in due.values_list("pk", flat=True):
        if team_reservation_release(reservation_id=reservation_id, now=now) is not None:
            released += 1
    return released


# --- Closing and unpublishing calls -------------------------------------------------------------------


@transaction.atomic
def call_close(*, call: OpenCallPage, actor, reason: str = "") -> CallClosure:
    """Stops new sign-ups for the call and tells those already signed up. Closing twice changes nothing."""
    closure, created = CallClosure.objects.get_or_create(
        call=call, defaults={"closed_by": actor, "reason": reason}
    )
    if created:
        call_stopped_taking_part(call=call)
    return closure


@transaction.atomic
def call_reopen(*, call: OpenCallPage) -> None:
    CallClosure.objects.filter(call=call).delete()


def call_stopped_taking_part(*, call: OpenCallPage) -> None:
    """The call was closed or unpublished: tell its volunteers, once the change is committed."""
    outbox.send_after_commit(notices.notify_call_stopped_task, call.pk)


# --- Messages to a shift's people ------------------------------------------------------------------------

SHIFT_MESSAGE_MAX_LENGTH = 600


# An NGO's manager may message a reservation's members this many times a day: enough to organise, too few
# to pester.
TEAM_MESSAGES_PER_DAY = 5


@transaction.atomic
def team_message_send(*, reservation: TeamReservation, actor, text: str, text_en: str = "") -> ShiftMessage:
    """An NGO's manager messages the members they gave the reservation's places to, by e-mail and SMS, each
    once and in their language, as staff message a shift; staff see it on the shift's roster."""
    _check_team_manager(team=reservation.team, user=actor)
    a_day_ago = timezone.now() - datetime.timedelta(days=1)
    sent_today = ShiftMessage.objects.filter(reservation=reservation, created_at__gte=a_day_ago).count()
    if sent_today >= TEAM_MESSAGES_PER_DAY:
        raise ShiftMessageRefused(
            CampaignErrorCode.MESSAGE_INVALID,
            _("You have sent this team %(count)s messages today; that is the most a day.")
            % {"count": format_number(TEAM_MESSAGES_PER_DAY)},
            status_code=429,
        )
    return shift_message_send(
        shift=reservation.shift,
        actor=actor,
        audience=ShiftMessage.Audience.TEAM,
        text=text,
        text_en=text_en,
        reservation=reservation,
    )


@transaction.atomic
def shift_message_send(
    *, shift: Shift, actor, audience: str, text: str, text_en: str = "", reservation=None
) -> ShiftMessage:
    """Sends staff's message to the shift's people (see `shift_message_recipients`) by e-mail and SMS,
    each once, after the commit (through the outbox). Refused when it is empty, too long or reaches
    nobody. A team's message (audience `team`) goes only through `team_message_send`."""
    if (audience == ShiftMessage.Audience.TEAM) != (reservation is not None):
        raise ShiftMessageRefused(CampaignErrorCode.MESSAGE_INVALID, _("Choose who the message is for."))
    text, text_en = (" ".join((value or "").replace("\x00", "").split()) for value in (text, text_en))
    if audience not in ShiftMessage.Audience.values:
        raise ShiftMessageRefused(CampaignErrorCode.MESSAGE_INVALID, _("Choose who the message is for."))
    if not text:
        raise ShiftMessageRefused(CampaignErrorCode.MESSAGE_INVALID, _("Write the message."))
    if max(len(text), len(text_en)) > SHIFT_MESSAGE_MAX_LENGTH:
        raise ShiftMessageRefused(
            CampaignErrorCode.MESSAGE_INVALID,
            _("A message may be at most %(limit)s characters long.")
            % {"limit": format_number(SHIFT_MESSAGE_MAX_LENGTH)},
        )
    reservation_id = reservation.pk if reservation is not None else None
    if not shift_message_recipients(shift=shift, audience=audience, reservation_id=reservation_id).exists():
        raise ShiftMessageRefused(
            CampaignErrorCode.MESSAGE_NOBODY,
            _("Nobody would get this message: no one of them is signed up, or all turned messages off."),
        )
    message = ShiftMessage.objects.create(
        shift=shift, sent_by=actor, audience=audience, text=text, text_en=text_en, reservation=reservation
    )
    outbox.send_after_commit(notices.send_shift_message_task, message.pk)
    return message


# --- Shifts in bulk: weekly series and copies -----------------------------------------------------------
# Staff make many shifts at once: a weekly series (chosen weekdays between two dates, less the dates to
# skip) or a copy of a call's shifts moved by some days. Each is planned first (the preview staff confirm),
# then made in one transaction that leaves out every time the call already has a shift starting at, so
# that doing it twice makes nothing the second time. Times are wall-clock times in the city's time zone.
# bulk_create sends no post_save, so the call's schedule and the listing's counts are rewritten once
# afterwards, as the signals do for a shift saved on its own.

SHIFT_BATCH_MAX = 200
SHIFT_LONGEST = datetime.timedelta(hours=24)


@dataclass(frozen=True)
class ShiftSeries:
    """A weekly series: a shift at `starts_at` lasting `duration` on each of `weekdays` (Python's numbers:
    Monday 0 … Sunday 6) from `first_date` to `last_date`, both included, except `skip_dates`."""

    weekdays: frozenset[int]
    first_date: datetime.date
    last_date: datetime.date
    starts_at: datetime.time
    duration: datetime.timedelta
    capacity: int
    team_places: int = 0
    checkin_radius_m: int | None = None
    skip_dates: frozenset[datetime.date] = frozenset()


class PlannedShiftState(StrEnum):
    NEW = "new"  # will be made
    EXISTS = "exists"  # the call already has a shift starting then: left alone
    PAST = "past"  # would start before now: not made


@dataclass(frozen=True)
class PlannedShift:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int
    team_places: int
    checkin_radius_m: int | None
    signups_close_at: datetime.datetime | None
    state: PlannedShiftState = PlannedShiftState.NEW


@dataclass(frozen=True)
class ShiftBatch:
    """The shifts a series or a copy makes on `call`, in order, each with what becomes of it; after
    making them, `created` holds the new rows."""

    call: OpenCallPage
    shifts: tuple[PlannedShift, ...]
    skipped_dates: tuple[datetime.date, ...] = ()  # dates to skip that the series does fall on
    created: tuple[Shift, ...] = ()

    @property
    def to_make(self) -> list[PlannedShift]:
        return [shift for shift in self.shifts if shift.state == PlannedShiftState.NEW]

    @property
    def existing(self) -> list[PlannedShift]:
        return [shift for shift in self.shifts if shift.state == PlannedShiftState.EXISTS]

    @property
    def past(self) -> list[PlannedShift]:
        return [shift for shift in self.shifts if shift.state == PlannedShiftState.PAST]


def _batch_refused(message, code=CampaignErrorCode.SHIFT_BATCH_INVALID) -> ShiftBatchRefused:
    return ShiftBatchRefused(code, message)


def _check_staff_of(*, actor, calls) -> None:
    wanted = [call.pk for call in calls]
    manageable = set(calls_manageable_by(user=actor).filter(pk__in=wanted).values_list("pk", flat=True))
    if not manageable.issuperset(wanted):
        raise SignUpForbidden(
            CampaignErrorCode.NOT_DEPARTMENT_STAFF,
            _("Only staff of the call's department can add its shifts."),
        )


def _local(date: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, time))


def _moved(moment: datetime.datetime | None, offset: datetime.timedelta) -> datetime.datetime | None:
    """The same wall-clock time `offset` later in the city's time zone (a whole number of days keeps the
    hour, whatever the clocks did in between)."""
    if moment is None:
        return None
    return timezone.make_aware(timezone.localtime(moment).replace(tzinfo=None) + offset)


def _check_places(*, capacity: int, team_places: int, checkin_radius_m: int | None) -> None:
    if not 1 <= capacity <= 10000:
        raise _batch_refused(_("A shift has from 1 to 10,000 places."))
    if not 0 <= team_places <= capacity:
        raise _batch_refused(_("Teams cannot reserve more places than the shift has."))
    if checkin_radius_m is not None and checkin_radius_m < 0:
        raise _batch_refused(_("The check-in radius cannot be negative."))


def _check_batch_size(count: int) -> None:
    if count > SHIFT_BATCH_MAX:
        raise _batch_refused(
            _(
                "This would make %(count)s shifts; at most %(max)s are made at once. Choose fewer days "
                "or a shorter period."
            )
            % {"count": format_number(count), "max": format_number(SHIFT_BATCH_MAX)},
            code=CampaignErrorCode.SHIFT_BATCH_TOO_LARGE,
        )


def _with_states(call: OpenCallPage, planned: list[PlannedShift], now) -> tuple[PlannedShift, ...]:
    """Each planned shift marked as already there (the call has a shift starting then), in the past, or
    new; one query."""
    existing = set(
        Shift.objects.filter(call=call, starts_at__in=[shift.starts_at for shift in planned]).values_list(
            "starts_at", flat=True
        )
    )
    marked = []
    for shift in sorted(planned, key=lambda shift: shift.starts_at):
        if shift.starts_at in existing:
            shift = replace(shift, state=PlannedShiftState.EXISTS)
        elif shift.starts_at <= now:
            shift = replace(shift, state=PlannedShiftState.PAST)
        marked.append(shift)
    return tuple(marked)


def shift_series_plan(*, call: OpenCallPage, series: ShiftSeries, actor, now=None) -> ShiftBatch:
    """The shifts a weekly series would make on the call, for staff to check before they confirm."""
    _check_staff_of(actor=actor, calls=[call])
    if not series.weekdays or not set(series.weekdays) <= set(range(7)):
        raise _batch_refused(_("Choose at least one day of the week."))
    if series.last_date < series.first_date:
        raise _batch_refused(_("The last date is before the first date."))
    if not datetime.timedelta(0) < series.duration <= SHIFT_LONGEST:
        raise _batch_refused(_("A shift must end after it starts and last at most 24 hours."))
    _check_places(
        capacity=series.capacity, team_places=series.team_places, checkin_radius_m=series.checkin_radius_m
    )
    # Whole weeks are counted before any date is listed, so a series of centuries costs nothing.
    span_days = (series.last_date - series.first_date).days + 1
    _check_batch_size(max(0, span_days // 7 * len(series.weekdays) - len(series.skip_dates)))
    dates = [
        series.first_date + datetime.timedelta(days=offset)
        for offset in range(span_days)
        if (series.first_date + datetime.timedelta(days=offset)).weekday() in series.weekdays
    ]
    skipped = tuple(date for date in dates if date in series.skip_dates)
    dates = [date for date in dates if date not in series.skip_dates]
    _check_batch_size(len(dates))
    planned = []
    for date in dates:
        starts_at = _local(date, series.starts_at)
        planned.append(
            PlannedShift(
                starts_at=starts_at,
                ends_at=_moved(starts_at, series.duration),
                capacity=series.capacity,
                team_places=series.team_places,
                checkin_radius_m=series.checkin_radius_m,
                signups_close_at=None,
            )
        )
    shifts = _with_states(call, planned, now or timezone.now())
    return ShiftBatch(call=call, shifts=shifts, skipped_dates=skipped)


def shift_copy_plan(
    *,
    source: OpenCallPage,
    target: OpenCallPage,
    offset: datetime.timedelta,
    actor,
    first_date: datetime.date | None = None,
    last_date: datetime.date | None = None,
    now=None,
) -> ShiftBatch:
    """The copies of `source`'s shifts (those starting between the dates, if given) that would be made on
    `target`, each moved by `offset` (whole days, in the city's calendar): places, team places, check-in
    radius and the time sign-ups close before the start are copied; nobody's sign-up is."""
    _check_staff_of(actor=actor, calls=[source, target])
    if source.service.department_id != target.service.department_id:
        raise _batch_refused(_("Shifts are copied only between calls of the same department."))
    if source.pk == target.pk and not offset:
        raise _batch_refused(_("Move the copies by some days, or copy them to another call."))
    if first_date and last_date and last_date < first_date:
        raise _batch_refused(_("The last date is before the first date."))
    shifts = Shift.objects.filter(call=source)
    if first_date:
        shifts = shifts.filter(starts_at__date__gte=first_date)
    if last_date:
        shifts = shifts.filter(starts_at__date__lte=last_date)
    _check_batch_size(shifts.count())
    planned = [
        PlannedShift(
            starts_at=_moved(shift.starts_at, offset),
            ends_at=_moved(shift.ends_at, offset),
            capacity=shift.capacity,
            team_places=shift.team_places,
            checkin_radius_m=shift.checkin_radius_m,
            signups_close_at=_moved(shift.signups_close_at, offset),
        )
        for shift in shifts.order_by("starts_at", "pk")
    ]
    if not planned:
        raise _batch_refused(_("The call has no shifts to copy between these dates."))
    # Two shifts of the source starting together would be one time on the target: the first is kept.
    unique = list({shift.starts_at: shift for shift in reversed(planned)}.values())
    return ShiftBatch(call=target, shifts=_with_states(target, unique, now or timezone.now()))


def _shift_batch_make(*, call: OpenCallPage, plan) -> ShiftBatch:
    """Plans again under a lock on the call's row (so that two runs at once cannot both make a time), makes
    the new shifts in one INSERT, then rewrites the call's schedule and forgets the listing's counts once."""
    with transaction.atomic():
        list(OpenCallPage.objects.select_for_update(of=("self",)).filter(pk=call.pk).values_list("pk"))
        now = timezone.now()
        batch = plan(now)
        created = Shift.objects.bulk_create(
            [
                Shift(
                    call=call,
                    starts_at=shift.starts_at,
                    ends_at=shift.ends_at,
                    capacity=shift.capacity,
                    team_places=shift.team_places,
                    checkin_radius_m=shift.checkin_radius_m,
                    signups_close_at=shift.signups_close_at,
                )
                for shift in batch.to_make
            ]
        )
        if created:
            call_schedule_refresh(call_id=call.pk, now=now)
            call_list_counts_expire()
    return replace(batch, created=tuple(created))


def shift_series_create(*, call: OpenCallPage, series: ShiftSeries, actor) -> ShiftBatch:
    """Makes the series' shifts the call does not have yet, in one transaction; a second run makes none."""
    return _shift_batch_make(
        call=call, plan=lambda now: shift_series_plan(call=call, series=series, actor=actor, now=now)
    )


def shift_copy_create(
    *,
    source: OpenCallPage,
    target: OpenCallPage,
    offset: datetime.timedelta,
    actor,
    first_date: datetime.date | None = None,
    last_date: datetime.date | None = None,
) -> ShiftBatch:
    """Makes the copies `shift_copy_plan` lists as new, in one transaction; a second run makes none."""
    return _shift_batch_make(
        call=target,
        plan=lambda now: shift_copy_plan(
            source=source,
            target=target,
            offset=offset,
            actor=actor,
            first_date=first_date,
            last_date=last_date,
            now=now,
        ),
    )
