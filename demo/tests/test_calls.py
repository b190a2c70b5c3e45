"""The demo open calls: every service of the catalogue has one, at real places across the city, with shifts
that are over, under way and still to come, in both languages, and loading them again changes nothing."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from campaigns import selectors
from campaigns.models import CallClosure, OpenCallPage, Shift
from campaigns.services import departments_setup
from city.models import Service
from demo.calls import DEMO_CALLS, demo_calls_load

pytestmark = pytest.mark.django_db

# Isfahan, from Nazhvan in the west to the eastern districts, from Sofeh in the south to Zeynabieh.
ISFAHAN_LATITUDE = (Decimal("32.55"), Decimal("32.75"))
ISFAHAN_LONGITUDE = (Decimal("51.55"), Decimal("51.80"))
PERSIAN_LETTER = re.compile(r"[\u0600-\u06FF]")


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """Loads the demo once for this module, inside a transaction rolled back after its last test: each
    test still runs in its own savepoint, and no other module sees the demo calls."""
    with django_db_blocker.unblock(), transaction.atomic():
        departments_setup()
        yield demo_calls_load()
        transaction.set_rollback(True)


def test_every_service_of_the_catalogue_has_a_live_call(loaded):
    services_with_calls = set(OpenCallPage.objects.live().values_list("service__slug", flat=True).distinct())

    assert services_with_calls == set(Service.objects.values_list("slug", flat=True))
    assert len(services_with_calls) == 21


def test_calls_are_spread_over_at_least_five_districts(loaded):
    districts = set(OpenCallPage.objects.live().values_list("district__number", flat=True))

    assert len(districts) >= 5


def test_there_are_shifts_that_are_over_under_way_and_to_come(loaded):
    now = timezone.now()
    shifts = Shift.objects.filter(call__live=True)

    assert shifts.filter(ends_at__lte=now).exists()
    assert shifts.filter(starts_at__lte=now, ends_at__gt=now).exists()
    assert shifts.filter(starts_at__gt=now).count() > shifts.filter(ends_at__lte=now).count()
    assert not shifts.filter(starts_at__gt=now + datetime.timedelta(days=31)).exists()


def test_shifts_have_sensible_places_and_local_hours(loaded):
    city = timezone.get_default_timezone()
    now = timezone.now()

    for shift in Shift.objects.all():
        assert 5 <= shift.capacity <= 60
        assert shift.team_places <= shift.capacity
        assert shift.checkin_radius_m is None or 150 <= shift.checkin_radius_m <= 300
        assert shift.signups_close_at is None or shift.signups_close_at <= shift.starts_at
        under_way = shift.starts_at <= now < shift.ends_at
        if not under_way:
            # Planned shifts happen by day, in the city's own time: none starts before 7 or ends after 22.
            starts, ends = timezone.localtime(shift.starts_at, city), timezone.localtime(shift.ends_at, city)
            assert 7 <= starts.hour and ends.time() <= datetime.time(22, 0), shift
    assert Shift.objects.exclude(checkin_radius_m=None).exists()


def test_every_live_call_is_written_in_persian_and_english(loaded):
    for call in OpenCallPage.objects.live():
        assert call.title_en and call.summary_en and call.address_en, call.slug
        assert PERSIAN_LETTER.search(call.title) and PERSIAN_LETTER.search(call.summary_fa), call.slug
        assert call.body_fa[0].block_type == "text" and call.body_en[0].block_type == "text"
        assert len(call.body_fa) == len(call.body_en), call.slug
        # Persian yeh and kaf, never their Arabic look-alikes.
        persian = " ".join([call.title, call.summary_fa, call.address_fa, str(call.body_fa.raw_data)])
        assert not re.search("[يك]", persian), call.slug
    block_types = {block.block_type for call in OpenCallPage.objects.live() for block in call.body_fa}
    assert {"what_to_bring", "safety_notes", "faq"} <= block_types


def test_calls_vary_in_who_may_join_and_how_many_points_they_earn(loaded):
    calls = OpenCallPage.objects.live()

    assert {0, 12, 16, 18} <= set(calls.values_list("min_age", flat=True))
    assert calls.filter(open_to_individuals=False).exists()
    assert calls.filter(open_to_teams=False).exists()
    assert all(8 <= points <= 30 for points in calls.values_list("points_per_hour", flat=True))


def test_every_call_is_in_the_section_of_its_services_department(loaded):
    for call in OpenCallPage.objects.select_related("service"):
        section = call.get_parent().specific
        assert section.department_id == call.service.department_id, call.slug


def test_every_call_is_placed_in_isfahan(loaded):
    for call in OpenCallPage.objects.all():
        assert ISFAHAN_LATITUDE[0] <= call.latitude <= ISFAHAN_LATITUDE[1], call.slug
        assert ISFAHAN_LONGITUDE[0] <= call.longitude <= ISFAHAN_LONGITUDE[1], call.slug


def test_one_call_is_a_draft_and_one_is_closed(loaded):
    draft = OpenCallPage.objects.get(live=False)
    closure = CallClosure.objects.select_related("call").get()

    assert draft.get_latest_revision() is not None and draft.first_published_at is None
    assert closure.reason
    assert closure.call.live and not selectors.call_is_accepting_signups(call=closure.call)
    assert closure.call.shifts.filter(starts_at__gt=timezone.now()).exists()
    assert len(loaded.created) == len(DEMO_CALLS) == OpenCallPage.objects.count()


def test_loading_again_creates_nothing(loaded):
    def snapshot():
        return (
            list(OpenCallPage.objects.order_by("pk").values_list("pk", "slug", "live", "latest_revision_id")),
            list(Shift.objects.order_by("pk").values_list("pk", "call_id", "starts_at", "ends_at")),
            list(CallClosure.objects.order_by("pk").values_list("pk", "call_id")),
        )

    before = snapshot()
    again = demo_calls_load()

    assert snapshot() == before
    assert again.created == [] and again.existing == len(DEMO_CALLS) and again.shifts_created == 0


def test_loading_again_days_later_moves_the_shifts_to_todays_dates_with_what_people_did_on_them(loaded):
    from campaigns.tests.factories import PersonFactory
    from demo.calls import _shift_times

    call = OpenCallPage.objects.get(slug=DEMO_CALLS[0].slug)
    past = call.shifts.order_by("starts_at").first()
    person = PersonFactory()
    signup = past.signups.create(
        volunteer=person, status="confirmed", checked_in_at=past.starts_at, checked_out_at=past.ends_at
    )
    later = timezone.now() + datetime.timedelta(days=3, hours=2)

    again = demo_calls_load(now=later)

    assert again.created == [] and again.shifts_moved > 0
    for plan in DEMO_CALLS:
        shifts = OpenCallPage.objects.get(slug=plan.slug).shifts.order_by("pk")
        for shift, shift_plan in zip(shifts, plan.shifts, strict=True):
            planned_start, planned_end = _shift_times(shift_plan, later)
            assert abs(shift.starts_at - planned_start) < datetime.timedelta(hours=1), plan.slug
            assert shift.ends_at - shift.starts_at == planned_end - planned_start
    past.refresh_from_db()
    signup.refresh_from_db()
    assert (signup.checked_in_at, signup.checked_out_at) == (past.starts_at, past.ends_at)
    # The listing's schedule follows: a call with shifts ahead shows them with free places.
    assert selectors.call_schedules_differing(now=later) == []


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_a_demo_call_page_shows_its_body_blocks(client, loaded, prefix):
    call = OpenCallPage.objects.get(slug="hezar-jerib-gutter-clearing")

    response = client.get(prefix + call.url)

    assert response.status_code == 200
    expected = call.title if not prefix else call.title_en
    assert expected in response.content.decode()


def test_every_demo_calls_schedule_is_true_so_the_listing_shows_its_free_shifts(loaded):
    # The loader makes shifts in bulk (no post_save); the listing sorts and filters by the stored schedule.
    assert selectors.call_schedules_differing() == []
    now = timezone.now()
    with_free_shifts_ahead = set(
        Shift.objects.filter(call__live=True, starts_at__gt=now).values_list("call_id", flat=True)
    )
    listed = {call.pk: call for call in selectors.call_list()}
    for call_id in with_free_shifts_ahead & set(listed):
        assert listed[call_id].next_shift_starts_at is not None, listed[call_id].title
        assert listed[call_id].free_places > 0, listed[call_id].title


def test_a_stale_schedule_is_found():
    from campaigns.models import CallSchedule
    from campaigns.tests.factories import add_shift, publish_call

    call = publish_call()
    add_shift(call)
    assert call.pk not in selectors.call_schedules_differing()

    CallSchedule.objects.filter(call=call).update(free_places=0, next_shift_starts_at=None)

    assert call.pk in selectors.call_schedules_differing()
