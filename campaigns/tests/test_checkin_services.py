"""Check-in rules, through the services with the clock passed in: tokens, windows, radius, double scans, the
site lead's roster actions and no-shows."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import F
from django.test import override_settings
from django.utils import translation

from campaigns.checkin import services as checkin
from campaigns.checkin.errors import CheckInConflict, CheckInErrorCode, CheckInRefused, NotSiteLead
from campaigns.models import Shift, SignUp
from campaigns.tasks import mark_no_shows_task
from campaigns.tests.factories import PersonFactory, add_shift, publish_call

pytestmark = pytest.mark.django_db

SITE = (Decimal("32.657000"), Decimal("51.677000"))  # Naqsh-e Jahan square, Isfahan
MINUTE = datetime.timedelta(minutes=1)


def confirmed_signup(shift: Shift, person=None) -> SignUp:
    """A confirmed place, made directly so that shifts may already have started (sign-ups refuse that)."""
    Shift.objects.filter(pk=shift.pk).update(confirmed_count=F("confirmed_count") + 1)
    return SignUp.objects.create(
        shift=shift, volunteer=person or PersonFactory(), status=SignUp.Status.CONFIRMED
    )


def site_lead_of(shift: Shift):
    lead = PersonFactory()
    lead.groups.add(shift.call.service.department.staff_group)
    return lead


@pytest.fixture
def shift():
    return add_shift(publish_call())


@pytest.fixture
def shift_with_radius():
    return add_shift(publish_call(latitude=SITE[0], longitude=SITE[1]), checkin_radius_m=200)


def scan(shift, signup, *, at, issued_at=None, **position):
    """Scans a token issued at `issued_at` (default: the moment of the scan)."""
    issued = checkin.checkin_token_issue(shift=shift, now=issued_at or at)
    return checkin.checkin_scan(
        token=issued.token, volunteer=signup.volunteer, shift_id=shift.pk, now=at, **position
    )


def refused_code(error_info) -> str:
    return error_info.value.code


# --- Tokens ---------------------------------------------------------------------------------------------


def test_a_token_names_its_shift_and_expires_after_its_max_age(shift):
    issued_at = shift.starts_at
    issued = checkin.checkin_token_issue(shift=shift, now=issued_at)

    assert issued.expires_at == issued_at.replace(microsecond=0) + datetime.timedelta(seconds=120)
    assert checkin.checkin_token_shift_id(token=issued.token, now=issued.expires_at) == shift.pk
    with pytest.raises(CheckInRefused) as refused:
        checkin.checkin_token_shift_id(
            token=issued.token, now=issued.expires_at + datetime.timedelta(seconds=1)
        )
    assert refused_code(refused) == CheckInErrorCode.TOKEN_EXPIRED


@override_settings(CHECKIN_TOKEN_MAX_AGE_SECONDS=30)
def test_the_token_lifetime_is_a_setting(shift):
    issued = checkin.checkin_token_issue(shift=shift, now=shift.starts_at)
    with pytest.raises(CheckInRefused) as refused:
        checkin.checkin_token_shift_id(token=issued.token, now=shift.starts_at + MINUTE)
    assert refused_code(refused) == CheckInErrorCode.TOKEN_EXPIRED
    assert checkin.token_refresh_interval() == datetime.timedelta(seconds=15)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # a forged signature
        lambda token: "9" + token,  # another shift's number under this signature
        lambda token: "not a token",
        lambda token: "",
    ],
)
def test_a_forged_or_garbled_token_is_invalid(shift, tamper):
    token = checkin.checkin_token_issue(shift=shift, now=shift.starts_at).token
    with pytest.raises(CheckInRefused) as refused:
        checkin.checkin_token_shift_id(token=tamper(token), now=shift.starts_at)
    assert refused_code(refused) == CheckInErrorCode.TOKEN_INVALID


def test_a_token_signed_for_something_else_is_invalid(shift):
    from django.core import signing

    other_purpose = signing.TimestampSigner(salt="something.else").sign(str(shift.pk))
    with pytest.raises(CheckInRefused) as refused:
        checkin.checkin_token_shift_id(token=other_purpose)
    assert refused_code(refused) == CheckInErrorCode.TOKEN_INVALID


# --- Scanning -------------------------------------------------------------------------------------------


def test_the_first_scan_checks_in_and_a_later_one_checks_out(shift):
    signup = confirmed_signup(shift)
    arrived = shift.starts_at - 10 * MINUTE
    left = shift.ends_at + 5 * MINUTE

    checked_in = scan(shift, signup, at=arrived)
    checked_out = scan(shift, signup, at=left)

    assert (checked_in.status, checked_in.repeated) == ("checked_in", False)
    assert (checked_out.status, checked_out.repeated) == ("checked_out", False)
    signup.refresh_from_db()
    assert (signup.checked_in_at, signup.checked_out_at) == (arrived, left)


def test_a_scan_repeated_at_once_changes_nothing(shift):
    # given someone checked in a moment ago (a double-submitted form, a second scan)
    signup = confirmed_signup(shift)
    arrived = shift.starts_at
    scan(shift, signup, at=arrived)

    # when they scan again within the grace period
    again = scan(shift, signup, at=arrived + 2 * MINUTE)

    # then they stay checked in, at the first time, and are not checked out
    assert (again.status, again.repeated) == ("checked_in", True)
    signup.refresh_from_db()
    assert (signup.checked_in_at, signup.checked_out_at) == (arrived, None)


def test_a_check_out_repeated_at_once_changes_nothing_and_a_later_scan_is_refused(shift):
    signup = confirmed_signup(shift)
    scan(shift, signup, at=shift.starts_at)
    left = shift.ends_at
    scan(shift, signup, at=left)

    again = scan(shift, signup, at=left + MINUTE)
    assert (again.status, again.repeated) == ("checked_out", True)

    with pytest.raises(CheckInConflict) as refused:
        scan(shift, signup, at=left + 30 * MINUTE)
    assert refused_code(refused) == CheckInErrorCode.ALREADY_CHECKED_OUT
    assert refused.value.status_code == 409
    signup.refresh_from_db()
    assert signup.checked_out_at == left


def test_a_token_of_another_shift_is_refused(shift):
    other_shift = add_shift(shift.call, starts_in=datetime.timedelta(days=2, hours=4))
    signup = confirmed_signup(shift)
    other_token = checkin.checkin_token_issue(shift=other_shift, now=shift.starts_at).token

    with pytest.raises(CheckInRefused) as refused:
        checkin.checkin_scan(
            token=other_token, volunteer=signup.volunteer, shift_id=shift.pk, now=shift.starts_at
        )

    assert refused_code(refused) == CheckInErrorCode.TOKEN_WRONG_SHIFT
    signup.refresh_from_db()
    assert signup.checked_in_at is None


def test_an_expired_token_is_refused(shift):
    signup = confirmed_signup(shift)
    with pytest.raises(CheckInRefused) as refused:
        scan(shift, signup, at=shift.starts_at, issued_at=shift.starts_at - 3 * MINUTE)
    assert refused_code(refused) == CheckInErrorCode.TOKEN_EXPIRED
    signup.refresh_from_db()
    assert signup.checked_in_at is None


@pytest.mark.parametrize("status", [None, SignUp.Status.WAITLISTED, SignUp.Status.CANCELLED])
def test_someone_without_a_confirmed_place_is_refused(shift, status):
    person = PersonFactory()
    if status is not None:
        SignUp.objects.create(
            shift=shift,
            volunteer=person,
            status=status,
            waitlist_position=1 if status == SignUp.Status.WAITLISTED else None,
        )
    token = checkin.checkin_token_issue(shift=shift, now=shift.starts_at).token

    with pytest.raises(CheckInRefused) as refused:
        checkin.checkin_scan(token=token, volunteer=person, shift_id=shift.pk, now=shift.starts_at)

    assert refused_code(refused) == CheckInErrorCode.NOT_SIGNED_UP
    assert refused.value.status_code == 403


def test_someone_with_a_place_on_another_shift_is_refused(shift):
    other_shift = add_shift(shift.call, starts_in=datetime.timedelta(days=3))
    signup = confirmed_signup(other_shift)
    with pytest.raises(CheckInRefused) as refused:
        scan(shift, signup, at=shift.starts_at)
    assert refused_code(refused) == CheckInErrorCode.NOT_SIGNED_UP


@pytest.mark.parametrize(
    ("offset", "code"),
    [
        (-31, CheckInErrorCode.CHECKIN_NOT_OPEN),  # too early
        (-30, None),  # opens 30 minutes before the start
        (180, None),  # until the (3-hour) shift's end
        (181, CheckInErrorCode.CHECKIN_NOT_OPEN),  # over
    ],
)
def test_check_in_is_open_from_half_an_hour_before_the_start_until_the_end(shift, offset, code):
    signup = confirmed_signup(shift)
    at = shift.starts_at + offset * MINUTE
    if code is None:
        assert scan(shift, signup, at=at).status == "checked_in"
    else:
        with pytest.raises(CheckInRefused) as refused:
            scan(shift, signup, at=at)
        assert refused_code(refused) == code


def test_check_out_closes_two_hours_after_the_end(shift):
    signup = confirmed_signup(shift)
    scan(shift, signup, at=shift.starts_at)
    with pytest.raises(CheckInRefused) as refused:
        scan(shift, signup, at=shift.ends_at + 121 * MINUTE)
    assert refused_code(refused) == CheckInErrorCode.CHECKOUT_CLOSED
    assert scan(shift, signup, at=shift.ends_at + 120 * MINUTE).status == "checked_out"


@override_settings(CHECKIN_OPENS_MINUTES_BEFORE_START=60, CHECKOUT_CLOSES_MINUTES_AFTER_END=10)
def test_the_windows_are_settings(shift):
    signup = confirmed_signup(shift)
    scan(shift, signup, at=shift.starts_at - 59 * MINUTE)
    with pytest.raises(CheckInRefused):
        scan(shift, signup, at=shift.ends_at + 11 * MINUTE)


# --- Position -------------------------------------------------------------------------------------------


def test_the_distance_is_measured_on_the_sphere():
    # one thousandth of a degree of latitude is about 111 metres anywhere
    assert checkin.distance_m(32.657, 51.677, 32.658, 51.677) == pytest.approx(111.2, abs=0.5)
    # Isfahan to Tehran, about 340 km as the crow flies
    assert checkin.distance_m(32.6546, 51.6680, 35.6892, 51.3890) == pytest.approx(338_000, rel=0.01)


def test_a_position_within_the_radius_checks_in(shift_with_radius):
    signup = confirmed_signup(shift_with_radius)
    # about 150 metres north of the site, inside 200
    result = scan(
        shift_with_radius, signup, at=shift_with_radius.starts_at, latitude=32.65835, longitude=51.677
    )
    assert result.status == "checked_in"


def test_a_position_outside_the_radius_is_refused(shift_with_radius):
    signup = confirmed_signup(shift_with_radius)
    with pytest.raises(CheckInRefused) as refused:
        # about 330 metres north of the site
        scan(shift_with_radius, signup, at=shift_with_radius.starts_at, latitude=32.660, longitude=51.677)
    assert refused_code(refused) == CheckInErrorCode.OUTSIDE_RADIUS
    assert refused.value.status_code == 403
    assert refused.value.details == {"distance_m": 334, "radius_m": 200}
    signup.refresh_from_db()
    assert signup.checked_in_at is None


def test_no_position_is_refused_when_the_shift_has_a_radius(shift_with_radius):
    signup = confirmed_signup(shift_with_radius)
    with pytest.raises(CheckInRefused) as refused:
        scan(shift_with_radius, signup, at=shift_with_radius.starts_at)
    assert refused_code(refused) == CheckInErrorCode.POSITION_REQUIRED
    with translation.override("en"):
        assert "site lead" in str(refused.value.message)


def test_checking_out_also_needs_a_position_within_the_radius(shift_with_radius):
    shift = shift_with_radius
    signup = confirmed_signup(shift)
    scan(shift, signup, at=shift.starts_at, latitude=32.657, longitude=51.677)
    with pytest.raises(CheckInRefused) as refused:
        scan(shift, signup, at=shift.ends_at, latitude=32.67, longitude=51.677)
    assert refused_code(refused) == CheckInErrorCode.OUTSIDE_RADIUS


@pytest.mark.parametrize(
    "position",
    [
        {"latitude": 32.657},
        {"latitude": 91.0, "longitude": 51.0},
        {"latitude": float("nan"), "longitude": 51.0},
    ],
)
def test_a_broken_position_is_refused(shift, position):
    signup = confirmed_signup(shift)
    with pytest.raises(CheckInRefused) as refused:
        scan(shift, signup, at=shift.starts_at, **position)
    assert refused_code(refused) == CheckInErrorCode.POSITION_INVALID


def test_without_a_radius_or_a_site_position_the_position_is_not_needed():
    no_radius = add_shift(publish_call(latitude=SITE[0], longitude=SITE[1]))
    no_site = add_shift(publish_call(), checkin_radius_m=100)
    for shift in (no_radius, no_site):
        signup = confirmed_signup(shift)
        assert scan(shift, signup, at=shift.starts_at).status == "checked_in"


# --- Site leads -----------------------------------------------------------------------------------------


def test_site_leads_are_staff_or_approvers_of_the_calls_department_or_superusers(shift):
    department = shift.call.service.department
    staff, approver, superuser = PersonFactory(), PersonFactory(), PersonFactory(is_superuser=True)
    staff.groups.add(department.staff_group)
    approver.groups.add(department.approvers_group)
    other_department_staff = site_lead_of(
        add_shift(publish_call(service_slug=_other_department_service(shift)))
    )

    assert checkin.is_site_lead(user=staff, shift=shift)
    assert checkin.is_site_lead(user=approver, shift=shift)
    assert checkin.is_site_lead(user=superuser, shift=shift)
    assert not checkin.is_site_lead(user=other_department_staff, shift=shift)
    assert not checkin.is_site_lead(user=PersonFactory(), shift=shift)
    staff.is_active = False
    assert not checkin.is_site_lead(user=staff, shift=shift)


def _other_department_service(shift) -> str:
    from city.models import Service

    return Service.objects.exclude(department=shift.call.service.department).values_list("slug", flat=True)[0]


def test_the_site_lead_checks_people_in_and_out_by_hand(shift):
    signup = confirmed_signup(shift)
    lead = site_lead_of(shift)
    arrived, left = shift.starts_at + 5 * MINUTE, shift.ends_at - 5 * MINUTE

    checkin.signup_check_in(signup=signup, actor=lead, now=arrived)
    checkin.signup_check_in(signup=signup, actor=lead, now=arrived + MINUTE)  # pressed twice
    checkin.signup_check_out(signup=signup, actor=lead, now=left)
    checkin.signup_check_out(signup=signup, actor=lead, now=left + MINUTE)

    signup.refresh_from_db()
    assert (signup.checked_in_at, signup.checked_out_at) == (arrived, left)


def test_the_site_lead_cannot_check_out_someone_not_checked_in(shift):
    signup = confirmed_signup(shift)
    with pytest.raises(CheckInRefused) as refused:
        checkin.signup_check_out(signup=signup, actor=site_lead_of(shift), now=shift.starts_at)
    assert refused_code(refused) == CheckInErrorCode.NOT_CHECKED_IN


def test_only_site_leads_check_people_in_by_hand(shift):
    signup = confirmed_signup(shift)
    with pytest.raises(NotSiteLead):
        checkin.signup_check_in(signup=signup, actor=signup.volunteer, now=shift.starts_at)


# --- No-shows -------------------------------------------------------------------------------------------


def test_people_never_checked_in_become_no_shows_once_and_the_count_follows():
    # given a shift that ended two hours ago: one person came and left, one came and never checked out,
    # one never came; and a shift that ended only half an hour ago, with one person who has not come
    call = publish_call()
    ended = add_shift(call, starts_in=datetime.timedelta(hours=-5), hours=3)
    came, stayed, absent = (confirmed_signup(ended) for _ in range(3))
    SignUp.objects.filter(pk=came.pk).update(checked_in_at=ended.starts_at, checked_out_at=ended.ends_at)
    SignUp.objects.filter(pk=stayed.pk).update(checked_in_at=ended.starts_at)
    just_ended = add_shift(call, starts_in=datetime.timedelta(hours=-3, minutes=-30), hours=3)
    late = confirmed_signup(just_ended)

    # when the task runs, twice
    first_run = mark_no_shows_task.delay().get()
    second_run = mark_no_shows_task.delay().get()

    # then only the absent person of the long-ended shift is a no-show, once
    assert (first_run, second_run) == (1, 0)
    statuses = dict(SignUp.objects.values_list("pk", "status"))
    assert statuses[absent.pk] == SignUp.Status.NO_SHOW
    assert {statuses[came.pk], statuses[stayed.pk], statuses[late.pk]} == {SignUp.Status.CONFIRMED}
    # and the shift's count of confirmed places mirrors its confirmed sign-ups
    ended.refresh_from_db()
    assert ended.confirmed_count == 2 == SignUp.objects.filter(shift=ended, status="confirmed").count()


@override_settings(NO_SHOW_GRACE_MINUTES=10)
def test_the_no_show_grace_is_a_setting():
    shift = add_shift(publish_call(), starts_in=datetime.timedelta(hours=-3, minutes=-30), hours=3)
    confirmed_signup(shift)
    assert checkin.signups_mark_no_shows() == 1


def test_a_no_show_can_no_longer_check_in(shift):
    signup = confirmed_signup(shift)
    checkin.signups_mark_no_shows(now=shift.ends_at + 61 * MINUTE)
    with pytest.raises(CheckInRefused) as refused:
        checkin.signup_check_in(signup=signup, actor=site_lead_of(shift), now=shift.ends_at + 62 * MINUTE)
    assert refused_code(refused) == CheckInErrorCode.NOT_SIGNED_UP
