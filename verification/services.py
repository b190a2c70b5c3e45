"""Writes for completion reports and their verification.

A volunteer (or their NGO manager) reports a shift as done; staff of the call's department approve it,
approve it with corrected hours, or reject it with a reason; an approval can later be revoked. Every
decision is a new `Verification` row, made under the completion's row lock, so two members of staff
deciding at once cannot both move it: the second finds it decided and is told so (409). Points follow
the decision that made a completion approved (`is_final_approval`, unique per completion), and its
revocation, through rewards' tasks after the decision commits.
"""

import logging
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Shift, SignUp
from city.permissions import departments_for_staff
from core import outbox
from core.errors import DomainError
from core.localization import ascii_digits, format_number

from . import events, selectors, tasks
from .errors import (
    CompletionNotFound,
    DecisionConflict,
    DecisionInvalid,
    DecisionRefused,
    NotVerificationStaff,
    ReportConflict,
    ReportRefused,
    SignUpNotFound,
    VerificationErrorCode,
)
from .models import Completion, CompletionPhoto, ImpactFigure, ImpactMeasure, Verification
from .photos import photo_clean, photos_check_count

logger = logging.getLogger(__name__)

MAX_SUBMISSIONS = selectors.MAX_SUBMISSIONS
NOTE_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 1000


def second_approver_threshold() -> int:
    return settings.VERIFICATION_SECOND_APPROVER_ABOVE_POINTS


# --- Reporting --------------------------------------------------------------------------------------


# Hours are kept to the hundredth (Completion.hours, Verification.hours): the smallest unit of work.
HOURS_UNIT = Decimal("0.01")


def _hours_value(hours) -> Decimal:
    """`hours` rounded to HOURS_UNIT; HOURS_INVALID unless that is above 0 and below 1000.

    Checked after rounding: "0.001" would otherwise be kept as 0 hours, an approval of no work.
    """
    try:
        # People type Persian digits and the Persian decimal separator too.
        text = ascii_digits(str(hours)).strip().replace("٫", ".").replace("/", ".")
        value = hours if isinstance(hours, Decimal) else Decimal(text)
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite() or value <= 0 or value >= 1000:
        raise ReportRefused(
            VerificationErrorCode.HOURS_INVALID, _("Give the hours worked as a number above 0.")
        )
    value = value.quantize(HOURS_UNIT)
    if value <= 0:
        raise ReportRefused(
            VerificationErrorCode.HOURS_INVALID,
            _("Give the hours worked as a number of at least %(unit)s.")
            % {"unit": format_number(HOURS_UNIT)},
            details={"minimum": str(HOURS_UNIT)},
        )
    return value


def _hours_checked(signup: SignUp, hours) -> Decimal:
    """`hours` as a Decimal of two places, refused above what the shift and the check-in times allow."""
    value = _hours_value(hours)
    limit = selectors.hours_limit(signup)
    if value > limit:
        raise ReportRefused(
            VerificationErrorCode.HOURS_ABOVE_LIMIT,
            _(
                "At most %(limit)s hours can be reported for this shift (its length, or the time between "
                "check-in and check-out)."
            )
            % {"limit": format_number(limit)},
            details={"limit": str(limit)},
        )
    return value


def impact_figures_checked(
    *, service_id: int, measures: dict | None
) -> list[tuple[ImpactMeasure, Decimal]]:
    """The report's figures ({measure key: value}) against the service's active measures: a number of two
    places between 0 and the measure's most in one report (Persian digits welcome), or for a checklist
    item yes or no (1 or 0). A key the service does not measure is refused, so nothing is silently lost."""
    if not measures:
        return []
    active = ImpactMeasure.objects.filter(service_id=service_id, is_active=True)
    known = {measure.key: measure for measure in active}
    checked = []
    for key, raw in measures.items():
        measure = known.get(key)
        if measure is None:
            raise _measure_unknown(key)
        checked.append((measure, _measured_value(measure, raw)))
    return checked


def _measure_unknown(key: str) -> ReportRefused:
    return ReportRefused(
        VerificationErrorCode.MEASURE_UNKNOWN,
        _("This service does not measure “%(key)s”.") % {"key": key},
        details={"measure": key},
    )


def _measured_value(measure: ImpactMeasure, raw) -> Decimal:
    """One figure as kept: a checklist item 1 (observed) or 0; a number of two places from 0 to the
    measure's most in one report, in any digits."""
    if measure.kind == ImpactMeasure.Kind.CHECK:
        return Decimal(1) if raw in (True, 1, "1", "true", "on", "yes") else Decimal(0)
    refused = ReportRefused(
        VerificationErrorCode.MEASURE_INVALID,
        _("%(measure)s: give a number from 0 to %(most)s.")
        % {"measure": measure.name, "most": format_number(measure.max_per_report)},
        details={"measure": measure.key, "most": str(measure.max_per_report)},
    )
    if isinstance(raw, bool) or raw is None:
        raise refused
    try:
        text = ascii_digits(str(raw)).strip().replace("٫", ".").replace(",", ".")
        value = Decimal(text).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise refused from None
    if not value.is_finite() or value < 0 or value > measure.max_per_report:
        raise refused
    return value


def _figures_save(completion: Completion, figures: list[tuple[ImpactMeasure, Decimal]]) -> None:
    """The report's figures, replacing any it had (a corrected report sends them all again)."""
    ImpactFigure.objects.filter(completion=completion).delete()
    ImpactFigure.objects.bulk_create(
        ImpactFigure(completion=completion, measure=measure, value=value) for measure, value in figures
    )


def _figures_decide(completion: Completion, corrections: dict | None) -> None:
    """With an approval, each figure is approved as reported or as staff corrected it; a correction of a
    figure the report does not have is refused, not dropped."""
    corrections = {key: raw for key, raw in (corrections or {}).items() if raw not in (None, "")}
    figures = list(ImpactFigure.objects.filter(completion=completion).select_related("measure"))
    if unknown := set(corrections) - {figure.measure.key for figure in figures}:
        raise _measure_unknown(sorted(unknown)[0])
    for figure in figures:
        if figure.measure.key in corrections:
            figure.approved_value = _measured_value(figure.measure, corrections[figure.measure.key])
        elif figure.approved_value is None:
            figure.approved_value = figure.value
    ImpactFigure.objects.bulk_update(figures, ["approved_value"])


def _may_report(signup: SignUp, user) -> bool:
    if signup.volunteer_id == user.pk:
        return True
    return (
        signup.reservation_id is not None
        and selectors.signups_reportable_by(user=user).filter(pk=signup.pk).exists()
    )


def _report_check(signup: SignUp, *, now) -> None:
    if signup.status != SignUp.Status.CONFIRMED:
        raise ReportRefused(
            VerificationErrorCode.SIGNUP_NOT_CONFIRMED,
            _("Only a confirmed place on a shift can be reported as done."),
        )
    if not selectors.signup_is_over(signup, now=now):
        raise ReportRefused(
            VerificationErrorCode.SHIFT_NOT_OVER,
            _("Report the work once the shift has ended (or you have checked out)."),
        )


def completion_report(
    *,
    signup: SignUp,
    actor,
    hours,
    note: str = "",
    photos=(),
    photos_public: bool = False,
    measures: dict | None = None,
    now=None,
) -> Completion:
    """Reports the sign-up's shift as done: the hours worked, a note and up to four photos, each a
    (kind, uploaded file) pair. A report that staff rejected may be corrected and sent again once;
    photos sent again replace the earlier ones, and without new ones the earlier ones stay.
    """
    now = now or timezone.now()
    if not _may_report(signup, actor):
        raise SignUpNotFound(signup.pk)
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ReportRefused(
            VerificationErrorCode.NOTE_TOO_LONG,
            _("Keep the note under %(max)s characters.") % {"max": format_number(NOTE_MAX_LENGTH)},
        )
    photos = list(photos)
    photos_check_count(len(photos))
    _report_check(signup, now=now)
    value = _hours_checked(signup, hours)
    figures = impact_figures_checked(service_id=signup.shift.call.service_id, measures=measures)
    # Photos are decoded and re-encoded before any row is locked: it is the slow part.
    kinds = CompletionPhoto.Kind.values
    cleaned = [
        (kind if kind in kinds else CompletionPhoto.Kind.AFTER, photo_clean(upload))
        for kind, upload in photos
    ]
    try:
        return _completion_save(
            signup_id=signup.pk,
            reported_by=actor,
            hours=value,
            note=note,
            photos=cleaned,
            photos_public=photos_public,
            figures=figures,
            now=now,
        )
    except IntegrityError:
        # Two first reports of one sign-up at once: the one-to-one kept one; this is the other.
        raise ReportConflict(
            VerificationErrorCode.ALREADY_REPORTED, _("This shift has already been reported.")
        ) from None


def completion_report_on_behalf(
    *, signup: SignUp, actor, started_at, ended_at, reason: str, now=None
) -> Completion:
    """Staff of the call's department enter the hours of someone who worked a shift but could not check in
    or out (no phone, the app failed): the times are clipped to the shift, recorded as the person's check-in
    and check-out, and reported for them with the reason; a no-show mark from the missing check-in goes.
    Another member of staff verifies it: the one who entered it may not (verification's own-work rule)."""
    now = now or timezone.now()
    shift = signup.shift
    department_id = shift.call.service.department_id
    if not departments_for_staff(user=actor).filter(pk=department_id).exists():
        raise SignUpNotFound(signup.pk)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ReportRefused(
            VerificationErrorCode.REASON_REQUIRED, _("Say why you are entering these hours for the person.")
        )
    start, end = max(started_at, shift.starts_at), min(ended_at, shift.ends_at)
    if end <= start:
        raise ReportRefused(
            VerificationErrorCode.HOURS_ABOVE_LIMIT,
            _("The times are outside the shift, or end before they start."),
        )
    if shift.ends_at > now:
        raise ReportRefused(
            VerificationErrorCode.SHIFT_NOT_OVER, _("Enter the hours once the shift has ended.")
        )
    if signup.status not in (SignUp.Status.CONFIRMED, SignUp.Status.NO_SHOW):
        raise ReportRefused(
            VerificationErrorCode.SIGNUP_NOT_CONFIRMED,
            _("Only a confirmed place on a shift can be reported as done."),
        )
    with transaction.atomic():
        locked = Shift.objects.select_for_update().get(pk=shift.pk)
        if SignUp.objects.filter(pk=signup.pk, status=SignUp.Status.NO_SHOW).update(
            status=SignUp.Status.CONFIRMED
        ):
            Shift.objects.filter(pk=locked.pk).update(confirmed_count=F("confirmed_count") + signup.places)
        SignUp.objects.filter(pk=signup.pk).update(checked_in_at=start, checked_out_at=end)
        hours = (Decimal((end - start).total_seconds()) / 3600).quantize(Decimal("0.01"))
        try:
            completion = _completion_save(
                signup_id=signup.pk, reported_by=actor, hours=hours, note="", photos=[], now=now
            )
        except IntegrityError:
            raise ReportConflict(
                VerificationErrorCode.ALREADY_REPORTED, _("This shift has already been reported.")
            ) from None
        Completion.objects.filter(pk=completion.pk).update(on_behalf_reason=reason)
        completion.on_behalf_reason = reason
    return completion


@transaction.atomic
def _completion_save(
    *,
    signup_id: int,
    reported_by,
    hours: Decimal,
    note: str,
    photos,
    now,
    photos_public: bool = False,
    figures=(),
) -> Completion:
    signup = SignUp.objects.select_related("shift__call").get(pk=signup_id)
    _report_check(signup, now=now)  # again, now that nothing can change it: a no-show, a cancellation
    completion = Completion.objects.select_for_update().filter(signup_id=signup_id).first()
    if completion is None:
        completion = Completion.objects.create(
            signup=signup,
            reported_by=reported_by,
            hours=hours,
            note=note,
            created_at=now,
            photos_public=photos_public,
        )
    else:
        if completion.status != Completion.Status.REJECTED:
            raise ReportConflict(
                VerificationErrorCode.ALREADY_REPORTED,
                _("This shift has already been reported; its report is %(status)s.")
                % {"status": completion.get_status_display()},
            )
        if completion.submission_count >= MAX_SUBMISSIONS:
            raise ReportConflict(
                VerificationErrorCode.RESUBMISSIONS_USED,
                _("This report was already sent again once and rejected; it cannot be sent again."),
            )
        completion.reported_by = reported_by
        completion.hours = hours
        completion.note = note
        completion.status = Completion.Status.PENDING
        completion.approved_hours = None
        completion.submission_count += 1
        completion.resubmitted_at = now
        completion.photos_public = photos_public
        completion.save()
        if photos:
            old = list(completion.photos.all())
            CompletionPhoto.objects.filter(pk__in=[photo.pk for photo in old]).delete()
            transaction.on_commit(lambda: [photo.image.delete(save=False) for photo in old], robust=True)
    for kind, content in photos:
        photo = CompletionPhoto(completion=completion, kind=kind, uploaded_at=now)
        photo.image.save(content.name, content, save=False)
        photo.save()
    _figures_save(completion, figures)
    return completion


# --- Decisions --------------------------------------------------------------------------------------


def _lock(completion_id: int) -> Completion:
    # of=("self",): lock the report only, not the shift and call rows joined for reading.
    completion = (
        Completion.objects.select_for_update(of=("self",))
        .select_related("signup__shift__call__service")
        .filter(pk=completion_id)
        .first()
    )
    if completion is None:
        raise CompletionNotFound(completion_id)
    return completion


def _require_staff_of(completion: Completion, user) -> None:
    """Staff of another department do not learn the report exists; volunteers are refused outright."""
    departments = departments_for_staff(user=user)
    if not departments.exists():
        raise NotVerificationStaff()
    if not departments.filter(pk=completion.signup.shift.call.service.department_id).exists():
        raise CompletionNotFound(completion.pk)


def _require_not_own(completion: Completion, user) -> None:
    if selectors.is_own_work(completion, user):
        raise DecisionRefused(
            VerificationErrorCode.SELF_VERIFICATION,
            _("Nobody verifies their own work: a colleague has to decide on this report."),
        )


def _require_status(completion: Completion, expected_status: str | None, allowed) -> None:
    """Refuses a decision on a report that moved on; `expected_status` is what the decider saw, so a
    page loaded before a colleague's first approval does not silently give the second one."""
    if completion.status not in allowed or (expected_status and completion.status != expected_status):
        raise DecisionConflict.already_decided()


def _reason_required(reason: str, message) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DecisionInvalid(VerificationErrorCode.REASON_REQUIRED, message)
    if len(reason) > REASON_MAX_LENGTH:
        raise DecisionInvalid(
            VerificationErrorCode.REASON_REQUIRED,
            _("Keep the reason under %(max)s characters.") % {"max": format_number(REASON_MAX_LENGTH)},
        )
    return reason


def _decided_hours(completion: Completion, hours, *, default: Decimal) -> Decimal:
    if hours is None or hours == "":
        return default
    try:
        return _hours_checked(completion.signup, hours)
    except ReportRefused as error:
        raise DecisionInvalid(error.code, error.message, details=error.details) from None


def _after_commit(verification: Verification) -> None:
    """Points move (rewards hears of the decision now and acts once it commits) and the volunteer hears of
    the decision only once it is committed; both intents are written in the decision's transaction
    (core/outbox.py), so a broker that fails afterwards delays them but loses nothing."""
    verification_id = verification.pk
    if verification.is_final_approval:
        events.completion_approved.send(verification_id=verification_id)
    elif verification.decision == Verification.Decision.REVOKE:
        events.completion_revoked.send(revocation_id=verification_id)
    if verification.is_final_approval or verification.decision in (
        Verification.Decision.REJECT,
        Verification.Decision.REVOKE,
    ):
        outbox.send_after_commit(tasks.notify_verification_decision_task, verification_id)


def _final_approve(completion: Completion, *, decided_by, decision: str, hours: Decimal, reason: str, now):
    verification = Verification.objects.create(
        completion=completion,
        decided_by=decided_by,
        decision=decision,
        hours=hours,
        reason=reason,
        is_final_approval=True,
        created_at=now,
    )
    completion.status = Completion.Status.APPROVED
    completion.approved_hours = hours
    completion.save(update_fields=["status", "approved_hours", "updated_at"])
    _after_commit(verification)
    return verification


@transaction.atomic
def completion_approve(
    *,
    completion: Completion,
    actor,
    hours=None,
    reason: str = "",
    expected_status: str | None = None,
    figures: dict | None = None,
    now=None,
) -> Verification:
    """Approves the report, with the hours it reported or corrected ones, and its impact figures as
    reported or as corrected in `figures` ({measure key: value}). An award above
    VERIFICATION_SECOND_APPROVER_ABOVE_POINTS first waits for a second approver, who must be someone
    else; their approval is the final one."""
    now = now or timezone.now()
    completion = _lock(completion.pk)
    _require_staff_of(completion, actor)
    _require_not_own(completion, actor)
    _require_status(completion, expected_status, selectors.OPEN_STATUSES)
    reason = (reason or "").strip()[:REASON_MAX_LENGTH]
    _figures_decide(completion, figures)

    if completion.status == Completion.Status.PENDING:
        hours = _decided_hours(completion, hours, default=completion.hours)
        if selectors.estimated_points(completion, hours) > second_approver_threshold():
            verification = Verification.objects.create(
                completion=completion,
                decided_by=actor,
                decision=Verification.Decision.APPROVE,
                hours=hours,
                reason=reason,
                created_at=now,
            )
            completion.status = Completion.Status.AWAITING_SECOND_APPROVAL
            completion.save(update_fields=["status", "updated_at"])
            return verification
        return _final_approve(
            completion,
            decided_by=actor,
            decision=Verification.Decision.APPROVE,
            hours=hours,
            reason=reason,
            now=now,
        )

    first = (
        completion.verifications.filter(decision=Verification.Decision.APPROVE)
        .order_by("-created_at", "-pk")
        .first()
    )
    if first is not None and first.decided_by_id == actor.pk:
        raise DecisionRefused(
            VerificationErrorCode.SECOND_APPROVER_MUST_DIFFER,
            _("You gave the first approval; a second member of staff has to give the second."),
        )
    hours = _decided_hours(completion, hours, default=first.hours if first else completion.hours)
    return _final_approve(
        completion,
        decided_by=actor,
        decision=Verification.Decision.SECOND_APPROVAL,
        hours=hours,
        reason=reason,
        now=now,
    )


@transaction.atomic
def completion_reject(
    *, completion: Completion, actor, reason: str, expected_status: str | None = None, now=None
) -> Verification:
    """Rejects the report, with the reason the volunteer is told. Also at the second approval."""
    now = now or timezone.now()
    completion = _lock(completion.pk)
    _require_staff_of(completion, actor)
    _require_not_own(completion, actor)
    _require_status(completion, expected_status, selectors.OPEN_STATUSES)
    reason = _reason_required(reason, _("Say why the report is rejected: the volunteer is told."))
    verification = Verification.objects.create(
        completion=completion,
        decided_by=actor,
        decision=Verification.Decision.REJECT,
        reason=reason,
        created_at=now,
    )
    completion.status = Completion.Status.REJECTED
    completion.save(update_fields=["status", "updated_at"])
    _after_commit(verification)
    return verification


@transaction.atomic
def completion_revoke(*, completion: Completion, actor, reason: str, now=None) -> Verification:
    """Takes back an approval (its points are reversed, once). A revoked report stays revoked."""
    now = now or timezone.now()
    completion = _lock(completion.pk)
    _require_staff_of(completion, actor)
    _require_not_own(completion, actor)
    if completion.status != Completion.Status.APPROVED:
        raise DecisionConflict(
            VerificationErrorCode.NOT_APPROVED,
            _("Only an approved report can have its approval revoked; this one is %(status)s.")
            % {"status": completion.get_status_display()},
        )
    reason = _reason_required(reason, _("Say why the approval is revoked: the volunteer is told."))
    approval = completion.verifications.get(is_final_approval=True)
    revocation = Verification.objects.create(
        completion=completion,
        decided_by=actor,
        decision=Verification.Decision.REVOKE,
        reason=reason,
        revokes=approval,
        created_at=now,
    )
    completion.status = Completion.Status.REVOKED
    completion.save(update_fields=["status", "updated_at"])
    _after_commit(revocation)
    return revocation


def completion_decide(
    *,
    completion: Completion,
    actor,
    decision: str,
    hours=None,
    reason: str = "",
    expected_status=None,
    figures: dict | None = None,
) -> Verification:
    """The API's one verb: "approve" (optionally with corrected hours and figures) or "reject" (with a
    reason)."""
    if decision == "approve":
        return completion_approve(
            completion=completion,
            actor=actor,
            hours=hours,
            reason=reason,
            expected_status=expected_status,
            figures=figures,
        )
    if decision == "reject":
        return completion_reject(
            completion=completion, actor=actor, reason=reason, expected_status=expected_status
        )
    raise DecisionInvalid(VerificationErrorCode.DECISION_INVALID, _("The decision is “approve” or “reject”."))


@dataclass
class RosterApproval:
    """What approving a shift's roster at once did, report by report (completion ids)."""

    approved: list[int] = field(default_factory=list)
    awaiting_second: list[int] = field(default_factory=list)
    skipped_own: list[int] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (id, error code)

    @property
    def total_skipped(self) -> int:
        return len(self.skipped_own) + len(self.skipped)


def shift_approve_all(*, shift, actor) -> RosterApproval:
    """Approves every report of the shift still waiting for a first decision, with the hours each
    reported. The decider's own work is left for a colleague, and a report decided meanwhile is left
    as it is; each report is decided in its own transaction, so one refusal stops no other."""
    result = RosterApproval()
    pending = list(
        Completion.objects.filter(signup__shift=shift, status=Completion.Status.PENDING)
        .select_related("signup")
        .order_by("pk")
    )
    for completion in pending:
        if selectors.is_own_work(completion, actor):
            result.skipped_own.append(completion.pk)
            continue
        try:
            verification = completion_approve(
                completion=completion, actor=actor, expected_status=Completion.Status.PENDING
            )
        except DomainError as error:
            result.skipped.append((completion.pk, error.code))
            continue
        if verification.is_final_approval:
            result.approved.append(completion.pk)
        else:
            result.awaiting_second.append(completion.pk)
    return result


# --- Telling the volunteer ---------------------------------------------------------------------------


# --- Photos on the open city page ---------------------------------------------------------------------


def completion_photos_public_set(*, completion: Completion, actor, public: bool) -> None:
    """The volunteer (or whoever reported for them) allows the report's photos on the open city page,
    without names, or takes that back; taken back, they leave the page at once."""
    if actor.pk not in (completion.reported_by_id, completion.signup.volunteer_id):
        raise SignUpNotFound(completion.signup_id)
    Completion.objects.filter(pk=completion.pk).update(photos_public=public)
    events.completion_photos_publicity_changed.send(completion_id=completion.pk)


def completion_photos_withhold(*, completion: Completion, actor, withheld: bool) -> None:
    """Staff of the call's department keep a report's photos off the public page (a face, a home, a child),
    whatever the volunteer allowed, or let them back."""
    department_id = completion.signup.shift.call.service.department_id
    if not departments_for_staff(user=actor).filter(pk=department_id).exists():
        raise SignUpNotFound(completion.signup_id)
    withheld_at = timezone.now() if withheld else None
    Completion.objects.filter(pk=completion.pk).update(photos_withheld_at=withheld_at)
    events.completion_photos_publicity_changed.send(completion_id=completion.pk)


def completion_photos_public_withdraw_all(*, person) -> int:
    """Every report of the person's work, or that they made, leaves the public page (the account is being
    deleted: the consent was theirs)."""
    reports = Completion.objects.filter(
        models.Q(signup__volunteer=person) | models.Q(reported_by=person), photos_public=True
    )
    ids = list(reports.values_list("pk", flat=True))
    Completion.objects.filter(pk__in=ids).update(photos_public=False)
    for completion_id in ids:
        events.completion_photos_publicity_changed.send(completion_id=completion_id)
    return len(ids)
