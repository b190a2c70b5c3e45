"""Reads for completion reports and their verification: what a volunteer, an NGO manager and a member
of staff may see."""

import datetime
import math
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from campaigns.models import Shift, SignUp
from city.permissions import departments_for_staff
from volunteers.ngos.selectors import teams_managed_by

from .errors import CompletionNotFound, NotVerificationStaff, ShiftNotFound, SignUpNotFound
from .models import Completion, CompletionPhoto, ImpactFigure, ImpactMeasure, Verification

OPEN_STATUSES = (Completion.Status.PENDING, Completion.Status.AWAITING_SECOND_APPROVAL)
# A rejected report may be corrected and sent once more; after that staff's answer stands.
MAX_SUBMISSIONS = 2


# --- Rules read by the services ----------------------------------------------------------------------


def estimated_points(completion: Completion, hours: Decimal) -> int:
    """Points an approval of `hours` is worth before bonuses: hours × the call's points per hour, rounded
    down. Decides whether a second approver is needed (rewards computes the real credit)."""
    return math.floor(Decimal(hours) * completion.signup.shift.call.points_per_hour)


def needs_second_approval(completion: Completion) -> bool:
    """Waiting for a second approver, or worth enough that approving it will need one."""
    if completion.status == Completion.Status.AWAITING_SECOND_APPROVAL:
        return True
    return (
        completion.status == Completion.Status.PENDING
        and estimated_points(completion, completion.hours)
        > settings.VERIFICATION_SECOND_APPROVER_ABOVE_POINTS
    )


def can_resubmit(completion: Completion) -> bool:
    return completion.status == Completion.Status.REJECTED and completion.submission_count < MAX_SUBMISSIONS


def _hours_between(start: datetime.datetime, end: datetime.datetime) -> Decimal:
    seconds = max((end - start).total_seconds(), 0)
    return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def hours_limit(signup: SignUp) -> Decimal:
    """The most hours one can report for the sign-up: the shift's length, and no more than the time
    between check-in and check-out (or the shift's end, when the person never checked out), counted only
    within the shift: arriving early or leaving late adds nothing."""
    shift = signup.shift
    limit = _hours_between(shift.starts_at, shift.ends_at)
    if signup.checked_in_at:
        start = max(signup.checked_in_at, shift.starts_at)
        end = min(signup.checked_out_at or shift.ends_at, shift.ends_at)
        limit = min(limit, _hours_between(start, end))
    return limit


def signup_is_over(signup: SignUp, *, now: datetime.datetime | None = None) -> bool:
    """The shift ended, or it started and the person already checked out."""
    now = now or timezone.now()
    shift = signup.shift
    if shift.ends_at <= now:
        return True
    return shift.starts_at <= now and signup.checked_out_at is not None


def is_own_work(completion: Completion, user) -> bool:
    """The person did the work or reported it: they may not decide on it."""
    return user.pk in (completion.signup.volunteer_id, completion.reported_by_id)


# --- Volunteers and NGO managers --------------------------------------------------------------------


def _teams_managed_by(user):
    return teams_managed_by(user=user)


def signups_reportable_by(*, user) -> QuerySet[SignUp]:
    """Sign-ups the person may report on: their own, and places their teams' reservations gave members
    of the teams they manage (NGO owners and managers report for their assigned people)."""
    if not getattr(user, "is_authenticated", False):
        return SignUp.objects.none()
    return SignUp.objects.filter(Q(volunteer=user) | Q(reservation__team__in=_teams_managed_by(user)))


def signup_get_for_reporter(*, signup_id: int, user) -> SignUp:
    """A sign-up the person may report on; for anyone else it does not exist."""
    signup = (
        signups_reportable_by(user=user)
        .select_related("shift__call__service", "volunteer", "reservation__team")
        .filter(pk=signup_id)
        .first()
    )
    if signup is None:
        raise SignUpNotFound(signup_id)
    return signup


def _with_details(completions: QuerySet[Completion]) -> QuerySet[Completion]:
    return completions.select_related(
        "signup__shift__call__service__department",
        "signup__shift__call__district",
        "signup__volunteer",
        "signup__reservation__team",
        "reported_by",
    ).prefetch_related(
        "photos",
        Prefetch("impact_figures", queryset=ImpactFigure.objects.select_related("measure")),
        Prefetch(
            "verifications",
            queryset=Verification.objects.select_related("decided_by").order_by("created_at", "pk"),
        ),
    )


def completions_visible_to_reporter(*, user) -> QuerySet[Completion]:
    return Completion.objects.filter(signup__in=signups_reportable_by(user=user))


def completion_list_for_volunteer(*, volunteer) -> QuerySet[Completion]:
    """The person's own completion reports ("my completions"), latest shift first."""
    return _with_details(Completion.objects.filter(signup__volunteer=volunteer)).order_by(
        "-signup__shift__starts_at", "-pk"
    )


def completion_get_for_reporter(*, completion_id: int, user) -> Completion:
    """A report the person made or is the subject of; anyone else's does not exist for them."""
    completion = _with_details(completions_visible_to_reporter(user=user)).filter(pk=completion_id).first()
    if completion is None:
        raise CompletionNotFound(completion_id)
    return completion


def completions_by_signup(*, user, signup_ids) -> dict[int, Completion]:
    """The reports on the given sign-ups that the person may see, by sign-up id, in one query."""
    completions = completions_visible_to_reporter(user=user).filter(signup_id__in=list(signup_ids))
    return {completion.signup_id: completion for completion in completions.order_by()}


def team_signups_to_report(*, user) -> QuerySet[SignUp]:
    """Confirmed places of members of the person's teams on shifts that have ended, latest first, with
    their reports (if any): an NGO manager's list of work to report."""
    return (
        SignUp.objects.filter(
            reservation__team__in=_teams_managed_by(user),
            status=SignUp.Status.CONFIRMED,
            shift__ends_at__lte=timezone.now(),
        )
        .exclude(volunteer=user)
        .select_related("shift__call", "volunteer", "reservation__team", "completion")
        .order_by("-shift__starts_at", "volunteer__last_name", "pk")
    )


def photo_get_for_viewer(*, photo_id: int, user) -> CompletionPhoto:
    """A photo the person may look at: of their own report or one they made, or of a report in a
    department they are staff of."""
    photo = CompletionPhoto.objects.select_related("completion").filter(pk=photo_id).first()
    if photo is None:
        raise CompletionNotFound(0)
    visible = completions_visible_to_reporter(user=user) | completions_for_staff(user=user)
    if not visible.filter(pk=photo.completion_id).exists():
        raise CompletionNotFound(photo.completion_id)
    return photo


# --- Staff ----------------------------------------------------------------------------------------------


def completions_for_staff(*, user) -> QuerySet[Completion]:
    """Reports on shifts of calls of the person's departments (all of them, for superusers)."""
    return Completion.objects.filter(
        signup__shift__call__service__department__in=departments_for_staff(user=user)
    )


def require_verification_staff(*, user) -> None:
    """Volunteers are refused outright (403); staff then see only their own departments (404 beyond)."""
    if not departments_for_staff(user=user).exists():
        raise NotVerificationStaff()


def completion_queue(
    *, user, statuses=OPEN_STATUSES, shift_id: int | None = None, department_id: int | None = None
) -> QuerySet[Completion]:
    """The staff member's queue: reports in `statuses` of their departments, oldest shift first, so that
    nobody waits longest."""
    require_verification_staff(user=user)
    completions = completions_for_staff(user=user).filter(status__in=list(statuses))
    if shift_id is not None:
        completions = completions.filter(signup__shift_id=shift_id)
    if department_id is not None:
        completions = completions.filter(signup__shift__call__service__department_id=department_id)
    return _with_details(completions).order_by(
        "signup__shift__starts_at", "signup__shift_id", "created_at", "pk"
    )


def completion_get_for_staff(*, completion_id: int, user) -> Completion:
    """A report of one of the person's departments. To staff of other departments it does not exist."""
    require_verification_staff(user=user)
    completion = _with_details(completions_for_staff(user=user)).filter(pk=completion_id).first()
    if completion is None:
        raise CompletionNotFound(completion_id)
    return completion


def shift_get_for_staff(*, shift_id: int, user) -> Shift:
    require_verification_staff(user=user)
    shift = (
        Shift.objects.filter(pk=shift_id, call__service__department__in=departments_for_staff(user=user))
        .select_related("call__service")
        .first()
    )
    if shift is None:
        raise ShiftNotFound(shift_id)
    return shift


def queue_shifts(*, completions) -> list[dict]:
    """The shifts of a queue page with how many of their reports wait for a first decision, in the
    queue's order: the roster-wide "approve all" works per shift."""
    shifts: dict[int, dict] = {}
    for completion in completions:
        shift = completion.signup.shift
        entry = shifts.setdefault(shift.pk, {"shift": shift, "completions": [], "pending": 0})
        entry["completions"].append(completion)
        if completion.status == Completion.Status.PENDING:
            entry["pending"] += 1
    return list(shifts.values())


def queue_counts(*, user) -> dict[str, int]:
    """How many reports of the person's departments are in each status."""
    rows = completions_for_staff(user=user).order_by().values("status").annotate(count=Count("pk"))
    counts = dict.fromkeys(Completion.Status.values, 0)
    counts.update({row["status"]: row["count"] for row in rows})
    return counts


def final_approval(completion: Completion) -> Verification | None:
    return completion.verifications.filter(is_final_approval=True).first()


def latest_decision(completion: Completion) -> Verification | None:
    """The last decision, from prefetched rows when there are any."""
    decisions = list(completion.verifications.all())
    return decisions[-1] if decisions else None


def impact_measures_of(*, service_id: int):
    """What a report on the service's shifts measures, in order."""
    return ImpactMeasure.objects.filter(service_id=service_id, is_active=True).order_by("order", "pk")
