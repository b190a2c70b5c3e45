"""Walk-ins: someone turns up at the site without signing up; the site lead finds them by mobile number (or
makes them an account), gives them a free place and checks them in, in one step, under the rules of signing
up, with the counters exact and the lead recorded."""

import datetime

import pytest
from django.test import Client

from campaigns.checkin import services as checkin
from campaigns.errors import SignUpConflict, SignUpRefused
from campaigns.models import SignUp, WaiverAcceptance
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from verification.tests.factories import staff_of
from volunteers.models import User
from volunteers.sms import OutboxSmsBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def under_way():
    call = publish_call(service_slug="street-sweeping-and-cleaning")
    return add_shift(call, starts_in=-datetime.timedelta(minutes=20), hours=3, capacity=2)


def test_a_new_walk_in_gets_an_account_a_place_and_a_check_in_and_is_welcomed(
    under_way, django_capture_on_commit_callbacks
):
    lead = staff_of("urban_services")
    OutboxSmsBackend.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        signup = checkin.walk_in_register(
            shift=under_way, actor=lead, phone="۰۹۱۲۳۳۳۴۴۵۵", first_name="رضا", last_name="کریمی"
        )

    person = User.objects.get(phone="09123334455")
    assert (signup.volunteer, signup.status, signup.registered_by) == (person, SignUp.Status.CONFIRMED, lead)
    assert signup.checked_in_at is not None and not person.has_usable_password()
    under_way.refresh_from_db()
    assert under_way.confirmed_count == 1
    assert any(sms["phone"] == "09123334455" for sms in OutboxSmsBackend.outbox)


def test_an_existing_person_is_found_by_mobile_and_the_rules_and_places_still_hold(under_way):
    lead = staff_of("urban_services")
    known = PersonFactory(phone="09121110000")
    checkin.walk_in_register(shift=under_way, actor=lead, phone="09121110000", first_name="ignored")
    assert SignUp.objects.get(shift=under_way, volunteer=known).checked_in_at is not None

    with pytest.raises(SignUpConflict) as again:
        checkin.walk_in_register(shift=under_way, actor=lead, phone="09121110000", first_name="x")
    assert again.value.code == "already_signed_up"
    checkin.walk_in_register(shift=under_way, actor=lead, phone="09121110001", first_name="دوم")
    with pytest.raises(SignUpRefused) as full:
        checkin.walk_in_register(shift=under_way, actor=lead, phone="09121110002", first_name="سوم")
    assert full.value.code == "shift_full"
    under_way.refresh_from_db()
    assert under_way.confirmed_count == under_way.capacity == 2


def test_only_the_calls_department_registers_walk_ins_and_a_waiver_needs_the_leads_word(client):
    call = publish_call(
        service_slug="street-sweeping-and-cleaning", waiver_fa="می‌پذیرم", waiver_version="2"
    )
    shift = add_shift(call, starts_in=-datetime.timedelta(minutes=5), hours=2, capacity=5)
    client.force_login(staff_of("cultural"))
    refused = client.post(f"/checkin/shifts/{shift.pk}/walk-in/", {"phone": "09125550000"})
    assert refused.status_code in (403, 404)

    lead = Client()
    lead.force_login(staff_of("urban_services"))
    lead.post(f"/checkin/shifts/{shift.pk}/walk-in/", {"phone": "09125550000", "first_name": "سارا"})
    assert not SignUp.objects.filter(shift=shift).exists()
    lead.post(
        f"/checkin/shifts/{shift.pk}/walk-in/",
        {"phone": "09125550000", "first_name": "سارا", "waiver_accepted": "1"},
    )
    signup = SignUp.objects.get(shift=shift)
    assert WaiverAcceptance.objects.get(person=signup.volunteer, call=call).channel == "in"

