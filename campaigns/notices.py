"""What people are told when their sign-up changes, and the Celery tasks that tell them after the commit.

Services enqueue these tasks with `core.outbox.send_after_commit`; they live beside the notices rather than
in tasks.py because tasks.py runs the periodic jobs, which call the services: one module for both would be
a loop.
The tasks keep their names from tasks.py, so messages queued before an upgrade still find them.
"""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.localization import format_date, format_number
from volunteers.notifications import person_language, person_notify

from .models import (
    CoverNotice,
    OpenCallPage,
    Shift,
    ShiftMessage,
    ShiftMessageDelivery,
    SignUp,
    TeamReservation,
)
from .selectors import shift_message_recipients

# Idempotent (each notice is claimed once), so acked late and retried.
NOTICE_TASK_OPTIONS = {
    "acks_late": True,
    "autoretry_for": (ConnectionError,),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 5,
}


@transaction.atomic
def signup_notify_promoted(*, signup_id: int) -> bool:
    """Tells a person their place in line became a place on the shift, exactly once: the conditional
    UPDATE claims the notice in the transaction that sends it, so a failed send is claimed by nobody (the
    retry sends it) and a repeated task sends nothing more."""
    claimed = SignUp.objects.filter(
        pk=signup_id, status=SignUp.Status.CONFIRMED, promotion_notified_at__isnull=True
    ).update(promotion_notified_at=timezone.now())
    if not claimed:
        return False
    signup = SignUp.objects.select_related("volunteer", "shift__call").get(pk=signup_id)
    language = person_language(signup.volunteer)
    with translation.override(language):  # `%` renders the text now: in the person's language
        text = _("A place freed up on “%(call)s” on %(date)s and it is now yours. See you there!") % {
            "call": signup.shift.call.localized_title,
            "date": format_date(signup.shift.starts_at, with_time=True, language=language),
        }
    person_notify(user=signup.volunteer, subject=_("You have a place"), text=text, language=language)
    return True


@transaction.atomic
@transaction.atomic
def signup_notify_created(*, signup_id: int) -> bool:
    """Confirms a sign-up to the person, in their language, exactly once (claimed as above): the shift,
    where, their place (or number in line), a link to add it to their calendar and one to cancel. Sent
    only while the sign-up still stands and its shift is ahead."""
    claimed = SignUp.objects.filter(
        pk=signup_id,
        status__in=SignUp.ACTIVE_STATUSES,
        shift__starts_at__gt=timezone.now(),
        signup_notified_at__isnull=True,
    ).update(signup_notified_at=timezone.now())
    if not claimed:
        return False
    signup = SignUp.objects.select_related("volunteer", "shift__call").get(pk=signup_id)
    shift, call = signup.shift, signup.shift.call
    language = person_language(signup.volunteer)
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    with translation.override(language):  # `%` renders the text now: in the person's language
        values = {
            "call": call.localized_title,
            "date": format_date(shift.starts_at, with_time=True, with_weekday=True, language=language),
            "address": call.address,
            "calendar": base_url + reverse("calendar:shift", args=[shift.pk]),
            "my_shifts": base_url + reverse("volunteer:my_shifts"),
        }
        if signup.status == SignUp.Status.CONFIRMED:
            subject = _("You are signed up for “%(call)s”") % values
            text = _(
                "You are signed up for “%(call)s” on %(date)s at %(address)s. Add it to your calendar: "
                "%(calendar)s. If you cannot come, give your place up here: %(my_shifts)s"
            ) % values
        else:
            place = SignUp.objects.filter(
                shift_id=shift.pk,
                status=SignUp.Status.WAITLISTED,
                waitlist_position__lte=signup.waitlist_position,
            ).count()
            subject = _("You are on the waiting list for “%(call)s”") % values
            text = _(
                "The shift of “%(call)s” on %(date)s is full, so you are number %(place)s on its waiting "
                "list. If a place frees up it is yours and we tell you. Your shifts: %(my_shifts)s"
            ) % {**values, "place": format_number(place, language)}
    person_notify(user=signup.volunteer, subject=subject, text=text, language=language)
    return True


@transaction.atomic
def signup_notify_cancelled_by_staff(*, signup_id: int) -> bool:
    """Tells a person that staff cancelled their sign-up, and why; exactly once (claimed as above)."""
    claimed = SignUp.objects.filter(
        pk=signup_id,
        status=SignUp.Status.CANCELLED,
        cancelled_by__isnull=False,
        cancellation_notified_at__isnull=True,
    ).update(cancellation_notified_at=timezone.now())
    if not claimed:
        return False
    signup = SignUp.objects.select_related("volunteer", "shift__call").get(pk=signup_id)
    language = person_language(signup.volunteer)
    with translation.override(language):  # `%` renders the text now: in the person's language
        text = _(
            "The organisers cancelled your sign-up for “%(call)s” on %(date)s. Reason: %(reason)s. "
            "See other open calls on Hamyar."
        ) % {
            "call": signup.shift.call.localized_title,
            "date": format_date(signup.shift.starts_at, with_time=True, language=language),
            "reason": signup.cancellation_reason,
        }
    person_notify(
        user=signup.volunteer, subject=_("Your sign-up was cancelled"), text=text, language=language
    )
    return True


@transaction.atomic
def team_places_notify_released(*, reservation_id: int) -> bool:
    """Tells the manager who reserved the places that the unassigned ones went back to the public;
    exactly once (claimed as above)."""
    claimed = TeamReservation.objects.filter(
        pk=reservation_id,
        released_at__isnull=False,
        released_places__gt=0,
        reserved_by__isnull=False,
        release_notified_at__isnull=True,
    ).update(release_notified_at=timezone.now())
    if not claimed:
        return False
    reservation = TeamReservation.objects.select_related("reserved_by", "team", "shift__call").get(
        pk=reservation_id
    )
    language = person_language(reservation.reserved_by)
    with translation.override(language):  # `%` renders the text now: in the person's language
        text = _(
            "%(count)s places that “%(team)s” held on “%(call)s” on %(date)s were not assigned to anyone "
            "%(hours)s hours before the shift, so they went back to the public. Members you assigned keep "
            "their places."
        ) % {
            "count": format_number(reservation.released_places),
            "team": reservation.team.name,
            "call": reservation.shift.call.localized_title,
            "date": format_date(reservation.shift.starts_at, with_time=True, language=language),
            "hours": format_number(settings.TEAM_PLACES_RELEASE_HOURS),
        }
    person_notify(
        user=reservation.reserved_by,
        subject=_("Unassigned team places were released"),
        text=text,
        language=language,
    )
    return True


def signups_notify_call_stopped(*, call_id: int) -> int:
    """Tells each person still signed up for an upcoming shift of the call, exactly once.

    The conditional UPDATE claims a person's notice in the transaction that sends it, so two runs of this
    (a retry, or closing and then unpublishing) can never both send it, and a failed send is claimed by
    nobody. Returns how many people were told.
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
        with transaction.atomic():
            claimed = SignUp.objects.filter(pk=signup.pk, call_stopped_notified_at__isnull=True).update(
                call_stopped_notified_at=timezone.now()
            )
            if not claimed:
                continue
            language = person_language(signup.volunteer)
            with translation.override(language):  # `%` renders the text now: in the person's language
                text = _(
                    "“%(call)s” no longer takes part, so your shift on %(date)s will not go ahead as "
                    "planned. Sorry for the change; see other open calls on Hamyar."
                ) % {
                    "call": call.localized_title,
                    "date": format_date(signup.shift.starts_at, with_time=True, language=language),
                }
            person_notify(
                user=signup.volunteer,
                subject=_("A call you signed up for has stopped"),
                text=text,
                language=language,
            )
        told += 1
    return told


@shared_task(name="campaigns.tasks.notify_call_stopped_task", **NOTICE_TASK_OPTIONS)
def notify_call_stopped_task(call_id: int) -> int:
    """Tells everyone signed up for a call's upcoming shifts that it no longer takes part.

    Idempotent (each person is told once, however often this runs), so it may be acked late and retried.
    """
    return signups_notify_call_stopped(call_id=call_id)


@shared_task(name="campaigns.tasks.notify_signup_promoted_task", **NOTICE_TASK_OPTIONS)
def notify_signup_promoted_task(signup_id: int) -> bool:
    """Tells a person on the waiting list that a place freed up and is now theirs; idempotent (claimed
    once)."""
    return signup_notify_promoted(signup_id=signup_id)


def shift_message_deliver(*, message_id: int) -> int:
    """Sends staff's message to each of its people who has not had it, framed in their language; each
    person once (the delivery row is written in the transaction that sends it). Returns how many got it.
    People who turned organisers' messages off after it was written are skipped too."""
    message = ShiftMessage.objects.select_related("shift__call", "reservation__team__organisation").get(
        pk=message_id
    )
    shift, call = message.shift, message.shift.call
    already = ShiftMessageDelivery.objects.filter(message=message).values("volunteer_id")
    recipients = shift_message_recipients(
        shift=shift, audience=message.audience, reservation_id=message.reservation_id
    )
    sent = 0
    for person in recipients.exclude(pk__in=already):
        with transaction.atomic():
            _delivery, created = ShiftMessageDelivery.objects.get_or_create(message=message, volunteer=person)
            if not created:
                continue
            language = person_language(person)
            with translation.override(language):
                values = {
                    "call": call.localized_title,
                    "date": format_date(shift.starts_at, with_time=True, language=language),
                    "text": message.text_en if language == "en" and message.text_en else message.text,
                }
                subject = _("A message about your shift for “%(call)s”") % values
                if message.reservation_id:
                    values["ngo"] = message.reservation.team.organisation.name
                    text = _("From %(ngo)s, about “%(call)s” (%(date)s): %(text)s") % values
                else:
                    text = _("From the organisers of “%(call)s” (%(date)s): %(text)s") % values
            person_notify(user=person, subject=subject, text=text, language=language)
        sent += 1
    return sent


def cover_notices_send(*, shift_id: int) -> int:
    """Sends the calls for cover of a shift not sent yet, each claimed in the transaction that sends it, in
    each person's language, with a link to the call; none once the place was taken or sign-ups closed."""
    shift = Shift.objects.select_related("call").get(pk=shift_id)
    if shift.capacity - shift.taken_places <= 0 or shift.signup_deadline <= timezone.now():
        CoverNotice.objects.filter(shift=shift, sent_at__isnull=True).update(sent_at=timezone.now())
        return 0
    sent = 0
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    waiting = CoverNotice.objects.filter(shift=shift, sent_at__isnull=True).values_list("pk", flat=True)
    for notice_id in list(waiting):
        with transaction.atomic():
            notice = (
                CoverNotice.objects.select_for_update()
                .select_related("volunteer")
                .filter(pk=notice_id, sent_at__isnull=True)
                .first()
            )
            if notice is None:
                continue
            person = notice.volunteer
            language = person_language(person)
            with translation.override(language):
                when = format_date(shift.starts_at, with_time=True, with_weekday=True, language=language)
                # The call's page in the person's language: Persian at the root, English under /en/.
                path = shift.call.url if language == "fa" else "/en" + shift.call.url
                values = {"call": shift.call.localized_title, "date": when, "link": base_url + path}
                subject = _("A place just freed up: “%(call)s”") % values
                text = _(
                    "A place on “%(call)s” (%(date)s) has just freed up at short notice. If you can come, "
                    "sign up: %(link)s. You hear of such places because you asked to in your profile."
                ) % values
            person_notify(user=person, subject=subject, text=text, language=language)
            notice.sent_at = timezone.now()
            notice.save(update_fields=["sent_at"])
        sent += 1
    return sent


@shared_task(name="campaigns.tasks.notify_cover_task", **NOTICE_TASK_OPTIONS)
def notify_cover_task(shift_id: int) -> int:
    return cover_notices_send(shift_id=shift_id)


def walk_in_welcome_send(*, user_id: int) -> bool:
    """Tells someone registered at a site that they have an account and how to log in (with a code)."""
    person = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if person is None:
        return False
    language = person_language(person)
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    with translation.override(language):
        values = {"link": base_url + reverse("volunteers:code_login")}
        subject = _("Welcome to Hamyar")
        text = _(
            "Welcome to Hamyar: you were registered at the site of your shift. See your shifts and hours, "
            "and sign up for more, by logging in with a code sent to this number: %(link)s"
        ) % values
    person_notify(user=person, subject=subject, text=text, language=language)
    return True


@shared_task(name="campaigns.tasks.notify_walk_in_welcome_task", **NOTICE_TASK_OPTIONS)
def notify_walk_in_welcome_task(user_id: int) -> bool:
    return walk_in_welcome_send(user_id=user_id)


@shared_task(name="campaigns.tasks.send_shift_message_task", **NOTICE_TASK_OPTIONS)
def send_shift_message_task(message_id: int) -> int:
    """Sends staff's message to a shift's people; idempotent (one delivery per person)."""
    return shift_message_deliver(message_id=message_id)


@shared_task(name="campaigns.tasks.notify_signup_created_task", **NOTICE_TASK_OPTIONS)
def notify_signup_created_task(signup_id: int) -> bool:
    """Confirms a sign-up (a place or a number in line) to the person; idempotent (claimed once)."""
    return signup_notify_created(signup_id=signup_id)


@shared_task(name="campaigns.tasks.notify_signup_cancelled_by_staff_task", **NOTICE_TASK_OPTIONS)
def notify_signup_cancelled_by_staff_task(signup_id: int) -> bool:
    """Tells a person that staff cancelled their sign-up, with the reason. Idempotent (claimed once)."""
    return signup_notify_cancelled_by_staff(signup_id=signup_id)


@shared_task(name="campaigns.tasks.notify_team_places_released_task", **NOTICE_TASK_OPTIONS)
def notify_team_places_released_task(reservation_id: int) -> bool:
    """Tells the manager who reserved team places that the unassigned ones went back to the public."""
    return team_places_notify_released(reservation_id=reservation_id)
