"""Checking in and out of shifts on site: signed, rotating QR tokens, scans, the site lead's roster actions
and no-shows. Services (writes) and the selectors they need (reads) live together here.

The site lead's screen shows a QR code of a link carrying a signed token for the shift. The token
expires after `CHECKIN_TOKEN_MAX_AGE_SECONDS` and the screen shows a fresh one every minute, so a
photographed code stops working soon. A volunteer with a confirmed place scans it with their phone: the
first scan checks them in, the next one checks them out. When the shift has a check-in radius and its
call a position on the map, the phone's position must lie within that radius.

Every write is one conditional UPDATE, so a double-submitted scan (or two site leads pressing the same
button) changes a sign-up once; the second request answers with what the first did.
"""

import datetime
import math
from dataclasses import dataclass
from enum import StrEnum

import segno
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from city.permissions import departments_for_staff
from core.localization import format_date
from volunteers.services import walk_in_person_get_or_create

from ..models import Shift, SignUp
from ..permissions import shifts_manageable_by
from .errors import (
    CheckInConflict,
    CheckInRefused,
    CheckInShiftNotFound,
    CheckInSignUpNotFound,
    NotSiteLead,
)

TOKEN_SALT = "campaigns.checkin.shift"
EARTH_RADIUS_M = 6_371_008.8


def _seconds(name: str, default: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=getattr(settings, name, default))


def _minutes(name: str, default: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=getattr(settings, name, default))


# Windows, each a setting with a default (config/settings may set them from the environment):
def token_max_age() -> datetime.timedelta:
    """How long a QR token works; the QR page shows a new one every `token_refresh_interval()`."""
    return _seconds("CHECKIN_TOKEN_MAX_AGE_SECONDS", 120)


def token_refresh_interval() -> datetime.timedelta:
    # Half the lifetime: whoever scans the code on screen always has a minute or more to finish.
    return token_max_age() / 2


def checkin_opens_at(shift: Shift) -> datetime.datetime:
    return shift.starts_at - _minutes("CHECKIN_OPENS_MINUTES_BEFORE_START", 30)


def checkout_window() -> datetime.timedelta:
    """How long after a shift's end people can still check out (and site leads record arrivals)."""
    return _minutes("CHECKOUT_CLOSES_MINUTES_AFTER_END", 120)


def checkout_closes_at(shift: Shift) -> datetime.datetime:
    return shift.ends_at + checkout_window()


def repeat_grace() -> datetime.timedelta:
    """A scan this soon after a check-in (or check-out) repeats it rather than taking the next step, so that
    a double-submitted form or a second scan by a nervous thumb never checks someone out at once."""
    return _seconds("CHECKIN_REPEAT_GRACE_SECONDS", 300)


def no_show_grace() -> datetime.timedelta:
    return _minutes("NO_SHOW_GRACE_MINUTES", 60)


# --- Who runs check-in --------------------------------------------------------------------------------


def is_site_lead(*, user, shift: Shift) -> bool:
    """Whether the person may run check-in for the shift: staff (or approver) of its call's department,
    or a superuser. This is the one place that says who a site lead is."""
    if not user.is_authenticated or not user.is_active:
        return False
    return departments_for_staff(user=user).filter(services__calls__shifts=shift).exists()


def shift_get_for_site_lead(*, shift_id: int, user) -> Shift:
    shift = Shift.objects.select_related("call__service__department", "call__district").filter(pk=shift_id)
    shift = shift.first()
    if shift is None:
        raise CheckInShiftNotFound(shift_id)
    if not is_site_lead(user=user, shift=shift):
        raise NotSiteLead()
    return shift


def signup_get_for_site_lead(*, signup_id: int, user) -> SignUp:
    """A sign-up on one of the person's departments' shifts; others do not exist for them."""
    signup = (
        SignUp.objects.select_related("shift__call", "volunteer")
        .filter(pk=signup_id, shift__in=shifts_manageable_by(user=user))
        .first()
    )
    if signup is None or not user.is_active:
        raise CheckInSignUpNotFound(signup_id)
    return signup


def shifts_for_site_lead(*, user, now: datetime.datetime | None = None) -> QuerySet[Shift]:
    """The person's departments' shifts that are on now or start within a week, for the check-in home."""
    now = now or timezone.now()
    return (
        shifts_manageable_by(user=user)
        .filter(ends_at__gte=now - checkout_window(), starts_at__lte=now + datetime.timedelta(days=7))
        .select_related("call")
        .order_by("starts_at", "pk")
    )


def checkin_roster(*, shift: Shift) -> QuerySet[SignUp]:
    """Everyone with a place on the shift, and those marked as not having come, by name."""
    return (
        SignUp.objects.filter(shift=shift, status__in=[SignUp.Status.CONFIRMED, SignUp.Status.NO_SHOW])
        .select_related("volunteer")
        .order_by("volunteer__last_name", "volunteer__first_name", "pk")
    )


def checkin_counts(*, shift: Shift) -> dict[str, int]:
    """How many have a place, how many came (checked in) and how many have left (checked out)."""
    confirmed = Q(status=SignUp.Status.CONFIRMED)
    return SignUp.objects.filter(shift=shift).aggregate(
        confirmed=Count("pk", filter=confirmed),
        checked_in=Count("pk", filter=confirmed & Q(checked_in_at__isnull=False)),
        checked_out=Count("pk", filter=confirmed & Q(checked_out_at__isnull=False)),
    )


# --- Tokens -------------------------------------------------------------------------------------------


class _ShiftTokenSigner(signing.TimestampSigner):
    """Django's timestamped signer with the clock passed in, so that expiry is tested without sleeping."""

    def __init__(self, *, now: datetime.datetime):
        super().__init__(salt=TOKEN_SALT)
        self.now = now

    def timestamp(self) -> str:
        return signing.b62_encode(int(self.now.timestamp()))

    def unsign_with_age(self, token: str) -> tuple[str, float]:
        value = signing.Signer.unsign(self, token)
        value, timestamp = value.rsplit(self.sep, 1)
        return value, self.now.timestamp() - signing.b62_decode(timestamp)


@dataclass(frozen=True)
class CheckInToken:
    token: str
    shift_id: int
    expires_at: datetime.datetime


def checkin_token_issue(*, shift: Shift, now: datetime.datetime | None = None) -> CheckInToken:
    """A fresh token for the shift's QR code. Tokens are not stored: the signature is the proof."""
    now = (now or timezone.now()).replace(microsecond=0)
    token = _ShiftTokenSigner(now=now).sign(str(shift.pk))
    return CheckInToken(token=token, shift_id=shift.pk, expires_at=now + token_max_age())


def checkin_token_shift_id(
    *, token: str, expected_shift_id: int | None = None, now: datetime.datetime | None = None
) -> int:
    """The shift a valid, unexpired token is for. A token is checked for its shift before its age, so
    that someone at the wrong shift hears that rather than "expired"."""
    now = now or timezone.now()
    try:
        value, age = _ShiftTokenSigner(now=now).unsign_with_age(token.strip())
        shift_id = int(value)
    except (signing.BadSignature, ValueError):
        raise CheckInRefused.token_invalid() from None
    if expected_shift_id is not None and shift_id != expected_shift_id:
        raise CheckInRefused.token_wrong_shift()
    if age > token_max_age().total_seconds():
        raise CheckInRefused.token_expired()
    return shift_id


def checkin_url(*, token: str, request=None) -> str:
    """The link in the QR code. Absolute, in the site's default language; behind the production proxy the
    request is secure, so the link is https."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("checkin:scan", kwargs={"token": token})
    if request is not None:
        return request.build_absolute_uri(path)
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"


def checkin_qr_svg(*, url: str) -> str:
    """The QR code of the link as inline SVG that scales to its box (no fixed size, a viewBox)."""
    return segno.make(url, error="m").svg_inline(
        scale=4, border=2, omitsize=True, svgclass="checkin-qr__code", title=gettext("Check-in code")
    )


# --- Scanning -----------------------------------------------------------------------------------------


class ScanStep(StrEnum):
    CHECK_IN = "checked_in"
    CHECK_OUT = "checked_out"


@dataclass(frozen=True)
class ScanPlan:
    """What a scan would do: `step` is None when the scan repeats the step just taken."""

    shift: Shift
    signup: SignUp
    step: ScanStep | None


@dataclass(frozen=True)
class CheckInResult:
    signup: SignUp
    repeated: bool  # the scan repeated a step already taken (double submit): nothing changed

    @property
    def status(self) -> ScanStep:
        return ScanStep.CHECK_OUT if self.signup.checked_out_at else ScanStep.CHECK_IN


def position_required(shift: Shift) -> bool:
    """The shift checks the phone's position: it has a radius and its call a position on the map. Without
    the call's position there is nothing to measure against, and the radius is not enforced."""
    call = shift.call
    return shift.checkin_radius_m is not None and call.latitude is not None and call.longitude is not None


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in metres; within a few metres of the truth at a site's scale."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_chord = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(half_chord, 1.0)))


def _check_position(shift: Shift, latitude: float | None, longitude: float | None) -> None:
    if (latitude is None) != (longitude is None):
        raise CheckInRefused.position_invalid()
    if latitude is not None and not (
        math.isfinite(latitude) and math.isfinite(longitude) and abs(latitude) <= 90 and abs(longitude) <= 180
    ):
        raise CheckInRefused.position_invalid()
    if not position_required(shift):
        return
    if latitude is None:
        raise CheckInRefused.position_required()
    distance = distance_m(latitude, longitude, float(shift.call.latitude), float(shift.call.longitude))
    if distance > shift.checkin_radius_m:
        raise CheckInRefused.outside_radius(distance_m=round(distance), radius_m=shift.checkin_radius_m)


def _next_step(shift: Shift, signup: SignUp, now: datetime.datetime) -> ScanStep | None:
    if signup.checked_in_at is None:
        if now < checkin_opens_at(shift):
            raise CheckInRefused.not_open(opens_at_text=format_date(checkin_opens_at(shift), with_time=True))
        if now > shift.ends_at:
            raise CheckInRefused.closed()
        return ScanStep.CHECK_IN
    if signup.checked_out_at is None:
        if now - signup.checked_in_at <= repeat_grace():
            return None
        if now > checkout_closes_at(shift):
            raise CheckInRefused.checkout_closed()
        return ScanStep.CHECK_OUT
    if now - signup.checked_out_at <= repeat_grace():
        return None
    raise CheckInConflict.already_checked_out()


def checkin_scan_plan(
    *, token: str, volunteer, shift_id: int | None = None, now: datetime.datetime | None = None
) -> ScanPlan:
    """Reads what scanning the token would do for the person, refusing as the scan itself would (except
    for the position, which the page asks for next). `shift_id`, when given, is the shift the scan is
    meant for: a token of another shift is refused."""
    now = now or timezone.now()
    token_shift_id = checkin_token_shift_id(token=token, expected_shift_id=shift_id, now=now)
    shift = Shift.objects.select_related("call").filter(pk=token_shift_id).first()
    if shift is None:
        raise CheckInRefused.token_invalid()
    signup = SignUp.objects.filter(shift=shift, volunteer=volunteer, status=SignUp.Status.CONFIRMED).first()
    if signup is None:
        raise CheckInRefused.not_signed_up()
    return ScanPlan(shift=shift, signup=signup, step=_next_step(shift, signup, now))


def checkin_scan(
    *,
    token: str,
    volunteer,
    shift_id: int | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    now: datetime.datetime | None = None,
) -> CheckInResult:
    """Checks the person in (first scan) or out (next scan) of the shift whose QR token they scanned."""
    now = now or timezone.now()
    plan = checkin_scan_plan(token=token, volunteer=volunteer, shift_id=shift_id, now=now)
    if plan.step is None:
        return CheckInResult(signup=plan.signup, repeated=True)
    _check_position(plan.shift, latitude, longitude)
    signups = SignUp.objects.filter(pk=plan.signup.pk, status=SignUp.Status.CONFIRMED)
    if plan.step == ScanStep.CHECK_IN:
        changed = signups.filter(checked_in_at__isnull=True).update(checked_in_at=now)
    else:
        changed = signups.filter(checked_in_at__isnull=False, checked_out_at__isnull=True).update(
            checked_out_at=now
        )
    if not changed:
        # A twin request took the step a moment ago: answer with what it did (or what now refuses it).
        plan = checkin_scan_plan(token=token, volunteer=volunteer, shift_id=shift_id, now=now)
        return CheckInResult(signup=plan.signup, repeated=True)
    plan.signup.refresh_from_db()
    return CheckInResult(signup=plan.signup, repeated=False)


# --- The site lead's roster ---------------------------------------------------------------------------


def _require_site_lead(signup: SignUp, site_lead) -> None:
    if not is_site_lead(user=site_lead, shift=signup.shift):
        raise NotSiteLead()


def signup_check_in(*, signup: SignUp, actor, now: datetime.datetime | None = None) -> SignUp:
    """The site lead checks a person in by hand (no phone, no signal…). Until check-out closes, so that
    someone who came but was not recorded can be, after the shift, until no-shows are marked. Checking
    in someone already checked in changes nothing."""
    now = now or timezone.now()
    _require_site_lead(signup, actor)
    shift = signup.shift
    if now < checkin_opens_at(shift):
        raise CheckInRefused.not_open(opens_at_text=format_date(checkin_opens_at(shift), with_time=True))
    if now > checkout_closes_at(shift):
        raise CheckInRefused.checkout_closed()
    changed = SignUp.objects.filter(
        pk=signup.pk, status=SignUp.Status.CONFIRMED, checked_in_at__isnull=True
    ).update(checked_in_at=now)
    signup.refresh_from_db()
    if not changed and signup.status != SignUp.Status.CONFIRMED:
        raise CheckInRefused.not_confirmed()
    return signup


def signup_check_out(*, signup: SignUp, actor, now: datetime.datetime | None = None) -> SignUp:
    """The site lead checks a person out by hand. Checking out someone already checked out changes
    nothing."""
    now = now or timezone.now()
    _require_site_lead(signup, actor)
    if now > checkout_closes_at(signup.shift):
        raise CheckInRefused.checkout_closed()
    SignUp.objects.filter(
        pk=signup.pk,
        status=SignUp.Status.CONFIRMED,
        checked_in_at__isnull=False,
        checked_out_at__isnull=True,
    ).update(checked_out_at=now)
    signup.refresh_from_db()
    if signup.checked_in_at is None or signup.status != SignUp.Status.CONFIRMED:
        raise CheckInRefused.not_checked_in()
    return signup


# --- No-shows -----------------------------------------------------------------------------------------


def signups_mark_no_shows(*, now: datetime.datetime | None = None, batch_size: int = 200) -> int:
    """Marks confirmed sign-ups of shifts that ended more than `NO_SHOW_GRACE_MINUTES` ago and were never
    checked in as no-shows; returns how many. Running it again changes nothing more."""
    now = now or timezone.now()
    ended_before = now - no_show_grace()
    shift_ids = list(
        Shift.objects.filter(
            ends_at__lte=ended_before,
            signups__status=SignUp.Status.CONFIRMED,
            signups__checked_in_at__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()[:batch_size]
    )
    return sum(_shift_mark_no_shows(shift_id=shift_id, ended_before=ended_before) for shift_id in shift_ids)


@transaction.atomic
def _shift_mark_no_shows(*, shift_id: int, ended_before: datetime.datetime) -> int:
    # `Shift.confirmed_count` promises to mirror the confirmed sign-ups, and a no-show is no longer
    # confirmed, so the count goes down with them, in the same transaction, under the shift's row lock (the
    # lock order of sign-up cancellation: shift, then sign-ups). This frees no place anyone could take:
    # the shift is over, and sign-ups for ended shifts are refused. One shift per transaction keeps the
    # locks short; the conditional UPDATE makes a second (or concurrent) run mark nobody twice.
    shift = Shift.objects.select_for_update().filter(pk=shift_id, ends_at__lte=ended_before).first()
    if shift is None:
        return 0
    absent = SignUp.objects.filter(
        shift_id=shift_id, status=SignUp.Status.CONFIRMED, checked_in_at__isnull=True
    )
    # The places they held, their guests' among them (read under the shift's lock, as the update is).
    places = sum(1 + guests for guests in absent.values_list("guests", flat=True))
    marked = absent.update(status=SignUp.Status.NO_SHOW)
    if marked:
        Shift.objects.filter(pk=shift_id).update(confirmed_count=F("confirmed_count") - places)
    return marked


# --- Walk-ins ---------------------------------------------------------------------------------------------


@transaction.atomic
def walk_in_register(
    *, shift: Shift, actor, phone: str, first_name: str, last_name: str = "", language: str = "fa",
    waiver_accepted: bool = False, now: datetime.datetime | None = None,
) -> SignUp:  # fmt: skip
    """Someone turned up at the site without signing up: the site lead finds them by mobile number (or
    makes them an account: they log in later with a code sent to it), gives them a free place and checks
    them in, in one step. The rules about the person (age, skills, qualifications, no overlapping shift)
    apply as for signing up; a call's waiver needs the lead to say the person accepted it there. The
    counters move under the shift's lock as a sign-up's do, and the lead is recorded on the sign-up."""
    from .. import services as campaign_services  # the sign-up rules; imported here as services imports this

    now = now or timezone.now()
    if not is_site_lead(user=actor, shift=shift):
        raise NotSiteLead()
    if now < checkin_opens_at(shift):
        raise CheckInRefused.not_open(opens_at_text=format_date(checkin_opens_at(shift), with_time=True))
    person, created = walk_in_person_get_or_create(
        phone=phone, first_name=first_name, last_name=last_name, language=language
    )
    return campaign_services.walk_in_signup(
        shift=shift, person=person, actor=actor, waiver_accepted=waiver_accepted, welcome=created, now=now
    )
