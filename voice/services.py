"""Writes of citizen voice: receiving an item on any channel, transferring, answering, rating, reopening,
escalating overdue items, publishing, "me too" and merging. Every step is one row of the item's timeline,
written in the transaction that changes the item; what the citizen is told goes through the outbox."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import OpenCallPage
from campaigns.services import department_section_ensure
from city.models import Department, District
from city.permissions import departments_for_staff
from city.working_time import working_deadline
from core.outbox import send_after_commit
from delphi.models import Candidate, Study
from delphi.permissions import studies_for_staff
from verification.photos import photo_clean, photos_check_count
from volunteers.errors import TooManyAttempts
from volunteers.services import FailureLimit, attempt_reserve

from .errors import ItemConflict, ItemNotFound, ItemRefused, NotYourDepartment, VoiceErrorCode
from .models import AnswerTarget, Category, Item, Kind, Photo, Step, Support

# Submissions per proved mobile number and per client address: generous for a citizen with several
# things to say, tight against flooding a department's inbox.
ITEMS_PER_MOBILE = FailureLimit("voice-items-mobile", 10, datetime.timedelta(days=1))
ITEMS_PER_ADDRESS = FailureLimit("voice-items-address", 30, datetime.timedelta(days=1))

# Working hours to a first answer when neither the department nor the city set one for the kind.
DEFAULT_TARGET_HOURS = {
    Kind.PROBLEM: 14,
    Kind.COMPLAINT: 21,
    Kind.SUGGESTION: 35,
    Kind.IDEA: 35,
    Kind.THANKS: 14,
}


def reopen_window() -> datetime.timedelta:
    return datetime.timedelta(days=getattr(settings, "VOICE_REOPEN_DAYS", 7))


def target_hours(*, kind: str, department: Department) -> int:
    """The department's own target for the kind, else the city's, else Hamyar's default."""
    targets = dict(
        AnswerTarget.objects.filter(kind=kind)
        .filter(department__in=[department.pk])
        .values_list("department_id", "working_hours")
    )
    if department.pk in targets:
        return targets[department.pk]
    city_wide = AnswerTarget.objects.filter(kind=kind, department__isnull=True).values_list(
        "working_hours", flat=True
    )
    return next(iter(city_wide), DEFAULT_TARGET_HOURS[Kind(kind)])


def _due(*, kind: str, department: Department, since: datetime.datetime) -> datetime.datetime:
    return working_deadline(since, target_hours(kind=kind, department=department))


def _step(item: Item, action: str, *, actor=None, notify: bool = False, **fields) -> Step:
    department_id = fields.pop("department_id", item.department_id)
    step = Step.objects.create(item=item, action=action, actor=actor, department_id=department_id, **fields)
    if notify:
        from .tasks import notify_citizen_task

        send_after_commit(notify_citizen_task, step.pk)
    return step


def _coordinate(value, low: int, high: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise ItemRefused(VoiceErrorCode.PLACE_INVALID, _("The place on the map is not valid.")) from None
    if not (low <= number <= high):
        raise ItemRefused(VoiceErrorCode.PLACE_INVALID, _("The place on the map is not valid."))
    return number


def item_submit(
    *,
    kind: str,
    category: Category,
    title: str,
    body: str,
    language: str,
    channel: str = Item.Channel.WEB,
    author=None,
    mobile: str = "",
    name: str = "",
    entered_by=None,
    latitude=None,
    longitude=None,
    district: District | None = None,
    address: str = "",
    photos: Sequence = (),
    public_allowed: bool = False,
    service=None,
    call=None,
    verification=None,
    client_ip: str = "",
    limited: bool = True,
) -> Item:
    """Receives an item and routes it to its subject's department (a complaint about a verification
    decision to the department that decided it, never to be answered by whoever decided), with the answer
    due after the kind's target in working time. The citizen is sent the tracking code.

    `mobile` must already be proved (a one-time code) unless staff enter the item for a caller or a
    visitor (`entered_by`). Items from citizens are limited per number and per client address (`limited`
    False only for the demo's history)."""
    if kind not in Kind.values:
        raise ItemRefused(VoiceErrorCode.SUBJECT_UNKNOWN, _("Choose what kind of message this is."))
    if not category.is_active:
        raise ItemRefused(VoiceErrorCode.SUBJECT_UNKNOWN, _("Choose a subject from the list."))
    mobile = mobile or (getattr(author, "phone", "") or "")
    if author is None and not mobile:
        raise ItemRefused(
            VoiceErrorCode.NO_CONTACT,
            _("Give a mobile number, so that the answer and the tracking code reach you."),
        )
    latitude, longitude = _coordinate(latitude, -90, 90), _coordinate(longitude, -180, 180)
    if (latitude is None) != (longitude is None):
        raise ItemRefused(VoiceErrorCode.PLACE_INVALID, _("The place on the map is not valid."))
    if kind == Kind.PROBLEM and latitude is None and not address.strip():
        raise ItemRefused(
            VoiceErrorCode.PLACE_NEEDED, _("Put a pin on the map or write the address of the problem.")
        )
    photos_check_count(len(photos))
    cleaned_photos = [photo_clean(photo) for photo in photos]
    if entered_by is None and limited:
        limits = [(ITEMS_PER_MOBILE, mobile or f"user:{author.pk}")]
        if client_ip:
            limits.append((ITEMS_PER_ADDRESS, client_ip))
        try:
            attempt_reserve(limits=limits)
        except TooManyAttempts as refused:
            raise ItemRefused(
                VoiceErrorCode.TOO_MANY_ITEMS,
                _("You have sent many messages today; send more tomorrow, or call 137."),
                status_code=429,
                details={"retry_after": refused.retry_after},
            ) from None

    department = category.department
    not_for = None
    if call is not None:
        department = call.service.department
    if verification is not None:
        department = verification.completion.signup.shift.call.service.department
        not_for = verification.decided_by
    now = timezone.now()
    with transaction.atomic():
        item = Item.objects.create(
            kind=kind,
            category=category,
            department=department,
            author=author,
            mobile=mobile,
            name=name.strip(),
            language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
            channel=channel,
            entered_by=entered_by,
            title=title.strip(),
            body=body.strip(),
            latitude=latitude,
            longitude=longitude,
            district=district,
            address=address.strip(),
            service=service or category.service,
            call=call,
            verification=verification,
            not_for=not_for,
            # A complaint about a decision on someone's own work stays between them and the city.
            public_allowed=public_allowed and verification is None,
            received_at=now,
            due_at=_due(kind=kind, department=department, since=now),
        )
        for cleaned in cleaned_photos:
            Photo.objects.create(item=item, image=cleaned)
        _step(item, Step.Action.RECEIVED, actor=entered_by or author, at=now, notify=True)
    return item


# --- Staff ------------------------------------------------------------------------------------------------


def _locked_for_staff(*, item_id: int, by) -> Item:
    """The item, locked, when `by` acts for its department (else 404 for items they may not see)."""
    item = Item.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise ItemNotFound(VoiceErrorCode.ITEM_NOT_FOUND, _("There is no such item."))
    if not departments_for_staff(user=by).filter(pk=item.department_id).exists():
        raise NotYourDepartment(
            VoiceErrorCode.NOT_YOUR_DEPARTMENT, _("This item is in another department's inbox.")
        )
    return item


@transaction.atomic
def item_transfer(*, item_id: int, by, to_department: Department, reason: str) -> Item:
    """Moves the item to another department's inbox with a reason; its clock starts again there. The
    item's one department column changes under a row lock: it is never in two inboxes, or in none."""
    item = _locked_for_staff(item_id=item_id, by=by)
    if not item.is_awaiting_answer:
        raise ItemConflict(
            VoiceErrorCode.NOT_AWAITING_ANSWER, _("Only an item awaiting an answer is transferred.")
        )
    if to_department.pk == item.department_id:
        raise ItemRefused(VoiceErrorCode.SAME_DEPARTMENT, _("The item is already in this department."))
    if not reason.strip():
        raise ItemRefused(VoiceErrorCode.REASON_NEEDED, _("Say why the item goes to the other department."))
    now = timezone.now()
    from_department_id = item.department_id
    item.department = to_department
    item.due_at = _due(kind=item.kind, department=to_department, since=now)
    item.escalated_at = None
    item.save(update_fields=["department", "due_at", "escalated_at"])
    _step(
        item,
        Step.Action.TRANSFERRED,
        actor=by,
        at=now,
        department_id=from_department_id,
        to_department=to_department,
        text=reason.strip(),
        notify=True,
    )
    return item


@transaction.atomic
def item_answer(*, item_id: int, by, text: str) -> Item:
    """Answers the item and tells the citizen. Under the row lock, so of two staff answering at once the
    second is told it was answered (409) and nothing of theirs is sent."""
    item = _locked_for_staff(item_id=item_id, by=by)
    if item.not_for_id is not None and item.not_for_id == by.pk:
        raise NotYourDepartment(
            VoiceErrorCode.DECIDER_CANNOT_ANSWER,
            _("This complaint is about your own decision; another approver answers it."),
        )
    if not item.is_awaiting_answer:
        raise ItemConflict(VoiceErrorCode.NOT_AWAITING_ANSWER, _("This item was answered already."))
    if not text.strip():
        raise ItemRefused(VoiceErrorCode.ANSWER_NEEDED, _("Write the answer."))
    now = timezone.now()
    item.status = Item.Status.ANSWERED
    item.answered_at = now
    item.save(update_fields=["status", "answered_at"])
    _step(item, Step.Action.ANSWERED, actor=by, at=now, text=text.strip(), notify=True)
    return item


@transaction.atomic
def item_publish(*, item_id: int, by, public_title: str, public_body: str, public_photo_ids=()) -> Item:
    """Publishes the item as staff have read it (its text as they may have edited it, the photos they
    chose); the author's identity is never on the public page. Only when the author allowed it."""
    item = _locked_for_staff(item_id=item_id, by=by)
    if not item.public_allowed:
        raise ItemRefused(VoiceErrorCode.NOT_PUBLIC_ALLOWED, _("The author did not allow a public page."))
    item.public_title = public_title.strip() or item.title
    item.public_body = public_body.strip() or item.body
    first_time = item.published_at is None
    item.published_at = item.published_at or timezone.now()
    item.save(update_fields=["public_title", "public_body", "published_at"])
    item.photos.update(is_public=False)
    item.photos.filter(pk__in=list(public_photo_ids)).update(is_public=True)
    if first_time:
        _step(item, Step.Action.PUBLISHED, actor=by)
    return item


@transaction.atomic
def item_unpublish(*, item_id: int, by) -> Item:
    item = _locked_for_staff(item_id=item_id, by=by)
    item.published_at = None
    item.save(update_fields=["published_at"])
    return item


@transaction.atomic
def item_merge(*, item_id: int, into: Item, by) -> Item:
    """Merges a duplicate into the item that stays: its supporters count there, its author is told the
    other's tracking code, and it leaves the inbox."""
    item = _locked_for_staff(item_id=item_id, by=by)
    kept = Item.objects.select_for_update().get(pk=into.pk)
    if kept.pk == item.pk or kept.status == Item.Status.MERGED or item.status == Item.Status.MERGED:
        raise ItemRefused(VoiceErrorCode.MERGE_INVALID, _("These two items cannot be merged."))
    now = timezone.now()
    item.status = Item.Status.MERGED
    item.merged_into = kept
    item.closed_at = now
    item.save(update_fields=["status", "merged_into", "closed_at"])
    already = set(kept.supports.values_list("user_id", flat=True))
    item.supports.exclude(user_id__in=already).update(item=kept)
    kept.supporters = kept.supports.count()
    kept.save(update_fields=["supporters"])
    _step(item, Step.Action.MERGED, actor=by, at=now, text=kept.tracking_code, notify=True)
    return item


def _became_work(item: Item, *, by, text: str) -> None:
    _step(item, Step.Action.BECAME_WORK, actor=by, text=text, notify=True)


@transaction.atomic
def idea_to_call(*, item_id: int, by, service, district) -> OpenCallPage:
    """Turns a suggestion or an idea into a draft open call in its service's department, for staff to
    finish and publish through the call's usual workflow; the item links to it and the citizen is told."""
    item = _locked_for_staff(item_id=item_id, by=by)
    _check_becomes_work(item)
    if not departments_for_staff(user=by).filter(pk=service.department_id).exists():
        raise NotYourDepartment(
            VoiceErrorCode.NOT_YOUR_DEPARTMENT, _("Choose a service of your own department.")
        )
    section = department_section_ensure(department=service.department)
    call = section.add_child(
        instance=OpenCallPage(
            title=item.shown_title,
            slug=f"idea-{item.tracking_code}",
            service=service,
            summary_fa=item.shown_body[:400],
            district=district,
            address_fa=item.address or district.name_fa,
            latitude=item.latitude,
            longitude=item.longitude,
            live=False,
            owner=by,
        )
    )
    call.save_revision(user=by)
    item.became_call = call
    item.save(update_fields=["became_call"])
    _became_work(item, by=by, text=call.title)
    return call


@transaction.atomic
def idea_to_candidate(*, item_id: int, by, panel) -> Candidate:
    """Turns an idea into a candidate service of a Delphi study that is being prepared, so its panel rates
    whether citizens can take it over; the item links to it and the citizen is told."""
    item = _locked_for_staff(item_id=item_id, by=by)
    _check_becomes_work(item)
    study = studies_for_staff(user=by).filter(pk=panel.study_id).first()
    if study is None or study.status == Study.Status.CLOSED:
        raise ItemRefused(VoiceErrorCode.NOT_WORK, _("Choose a panel of a study you run that is not closed."))
    candidate = Candidate.objects.create(
        study=study,
        panel=panel,
        name_fa=item.shown_title[:200],
        description_fa=item.shown_body,
        source=Candidate.Source.IDEA,
        sort_order=study.candidates.count(),
    )
    item.became_candidate = candidate
    item.save(update_fields=["became_candidate"])
    _became_work(item, by=by, text=candidate.name_fa)
    return candidate


def _check_becomes_work(item: Item) -> None:
    if item.kind not in (Kind.IDEA, Kind.SUGGESTION):
        raise ItemRefused(VoiceErrorCode.NOT_WORK, _("Only an idea or a suggestion becomes work."))
    if item.became_call_id or item.became_candidate_id:
        raise ItemConflict(VoiceErrorCode.NOT_WORK, _("This idea has become work already."))


# --- The author -------------------------------------------------------------------------------------------


def _locked(item: Item) -> Item:
    return Item.objects.select_for_update().get(pk=item.pk)


@transaction.atomic
def item_rate(*, item: Item, rating: int, comment: str = "") -> Item:
    """The author rates the last answer 1–5, once per answer; the item closes (it may still be reopened
    within the window when the author is not satisfied)."""
    item = _locked(item)
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ItemRefused(VoiceErrorCode.RATING_OFF_SCALE, _("Rate the answer from 1 to 5."))
    if item.answered_at is None or item.status not in (Item.Status.ANSWERED, Item.Status.CLOSED):
        raise ItemConflict(VoiceErrorCode.NOT_ANSWERED, _("The item has no answer to rate yet."))
    if item.rated_at is not None and item.rated_at >= item.answered_at:
        raise ItemConflict(VoiceErrorCode.ALREADY_RATED, _("You have rated this answer already."))
    now = timezone.now()
    item.rating, item.rated_at = rating, now
    item.status = Item.Status.CLOSED
    item.closed_at = item.closed_at or now
    item.save(update_fields=["rating", "rated_at", "status", "closed_at"])
    _step(item, Step.Action.RATED, at=now, actor=item.author, rating=rating, text=comment.strip())
    return item


# An app sends an item, then its photos: they are added within this time of receipt.
PHOTOS_WINDOW = datetime.timedelta(hours=1)


@transaction.atomic
def item_photos_add(*, item: Item, photos: Sequence) -> Item:
    """Adds photos (cleaned of their metadata) to the author's item soon after it was sent, at most
    MAX_PHOTOS in all: how an app sends the photos of an item it created as JSON."""
    item = _locked(item)
    if timezone.now() > item.received_at + PHOTOS_WINDOW or not item.is_awaiting_answer:
        raise ItemConflict(VoiceErrorCode.PHOTOS_TOO_LATE, _("Photos are added within an hour of sending."))
    photos_check_count(item.photos.count() + len(photos))
    for cleaned in [photo_clean(photo) for photo in photos]:
        Photo.objects.create(item=item, image=cleaned)
    return item


def can_reopen(item: Item, *, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        item.status in (Item.Status.ANSWERED, Item.Status.CLOSED)
        and item.answered_at is not None
        and item.reopen_count == 0
        and now <= item.answered_at + reopen_window()
    )


@transaction.atomic
def item_reopen(*, item: Item, reason: str) -> Item:
    """The author, not satisfied, reopens the item once within the window: back in the same department's
    inbox with a new due time."""
    item = _locked(item)
    if item.reopen_count:
        raise ItemConflict(VoiceErrorCode.REOPEN_USED, _("An item can be reopened only once."))
    if not can_reopen(item):
        raise ItemConflict(
            VoiceErrorCode.REOPEN_TOO_LATE, _("This item can no longer be reopened; send a new one.")
        )
    if not reason.strip():
        raise ItemRefused(VoiceErrorCode.REASON_NEEDED, _("Say what is still wrong."))
    now = timezone.now()
    item.status = Item.Status.REOPENED
    item.reopen_count = F("reopen_count") + 1
    item.closed_at = None
    item.escalated_at = None
    item.due_at = _due(kind=item.kind, department=item.department, since=now)
    item.save(update_fields=["status", "reopen_count", "closed_at", "escalated_at", "due_at"])
    item.refresh_from_db(fields=["reopen_count"])
    _step(item, Step.Action.REOPENED, at=now, actor=item.author, text=reason.strip())
    return item


def item_support(*, item: Item, user) -> bool:
    """ "Me too" on a public problem, once per person; True when it counted."""
    item = Item.objects.get(pk=item.pk)
    if not item.is_public or item.kind != Kind.PROBLEM:
        raise ItemRefused(VoiceErrorCode.NOT_PUBLIC, _("Only a public problem can be supported."))
    try:
        with transaction.atomic():
            Support.objects.create(item=item, user=user)
            Item.objects.filter(pk=item.pk).update(supporters=F("supporters") + 1)
    except IntegrityError:
        return False
    return True


# --- The clock (beat) -------------------------------------------------------------------------------------


def items_escalate_overdue(*, now: datetime.datetime | None = None) -> int:
    """Escalates each item past its due time to its department's approvers, once (a conditional UPDATE
    claims it, so two beats never escalate it twice). Returns how many were escalated."""
    now = now or timezone.now()
    escalated = 0
    overdue = Item.objects.filter(
        status__in=[Item.Status.OPEN, Item.Status.REOPENED], due_at__lt=now, escalated_at__isnull=True
    ).values_list("pk", flat=True)
    for item_id in list(overdue[:500]):
        with transaction.atomic():
            claimed = Item.objects.filter(
                pk=item_id, escalated_at__isnull=True, status__in=[Item.Status.OPEN, Item.Status.REOPENED]
            ).update(escalated_at=now)
            if not claimed:
                continue
            item = Item.objects.get(pk=item_id)
            step = _step(item, Step.Action.ESCALATED, at=now)
            from .tasks import notify_approvers_task

            send_after_commit(notify_approvers_task, step.pk)
            escalated += 1
    return escalated


def items_close_answered(*, now: datetime.datetime | None = None) -> int:
    """Closes answered items nobody rated or reopened within the window."""
    now = now or timezone.now()
    closed = 0
    stale = Item.objects.filter(status=Item.Status.ANSWERED, answered_at__lt=now - reopen_window())
    for item_id in list(stale.values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            if Item.objects.filter(pk=item_id, status=Item.Status.ANSWERED).update(
                status=Item.Status.CLOSED, closed_at=now
            ):
                _step(Item.objects.get(pk=item_id), Step.Action.CLOSED, at=now)
                closed += 1
    return closed
