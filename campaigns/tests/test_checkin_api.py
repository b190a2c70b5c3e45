"""Check-in through the API: scanning with a token (volunteers), fresh tokens and roster actions (site
leads). Shifts are on now, so the real clock is inside the check-in window."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from campaigns.checkin import services as checkin
from campaigns.models import SignUp
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from campaigns.tests.test_checkin_services import SITE, confirmed_signup, site_lead_of
from city.models import Service
from volunteers.services import api_token_create

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}


def api_client(person) -> Client:
    _, secret = api_token_create(user=person, name="test")
    return Client(headers={"authorization": f"Bearer {secret}", **ENGLISH})


def error_code(response) -> str:
    return response.json()["error"]["code"]


@pytest.fixture
def shift():
    """A shift that started ten minutes ago, at a site with a 200 m check-in radius."""
    call = publish_call(latitude=SITE[0], longitude=SITE[1])
    return add_shift(call, starts_in=datetime.timedelta(minutes=-10), checkin_radius_m=200)


@pytest.fixture
def signup(shift):
    return confirmed_signup(shift)


@pytest.fixture
def volunteer(signup):
    return api_client(signup.volunteer)


def token_for(shift, **kwargs) -> str:
    return checkin.checkin_token_issue(shift=shift, **kwargs).token


def post_scan(client, shift, **body):
    return client.post(f"/api/v1/shifts/{shift.pk}/checkin", body, content_type="application/json")


AT_THE_SITE = {"latitude": float(SITE[0]), "longitude": float(SITE[1])}


def test_a_scan_at_the_site_checks_in_and_a_double_submit_changes_nothing(shift, signup, volunteer):
    token = token_for(shift)

    first = post_scan(volunteer, shift, token=token, **AT_THE_SITE)
    second = post_scan(volunteer, shift, token=token, **AT_THE_SITE)

    assert first.status_code == 200, first.content
    body = first.json()
    assert body["signup_id"] == signup.pk
    assert body["status"] == "checked_in"
    assert body["checked_in_at"] is not None and body["checked_out_at"] is None
    assert body["repeated"] is False
    assert second.status_code == 200
    assert second.json() | {"repeated": False} == body
    assert second.json()["repeated"] is True


def test_a_scan_after_checking_in_checks_out(shift, signup, volunteer):
    SignUp.objects.filter(pk=signup.pk).update(checked_in_at=timezone.now() - datetime.timedelta(minutes=30))

    response = post_scan(volunteer, shift, token=token_for(shift), **AT_THE_SITE)

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "checked_out"
    signup.refresh_from_db()
    assert signup.checked_out_at is not None


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"token": "1:abc:forged"}, 400, "token_invalid"),
        ({"latitude": 32.660, "longitude": 51.677}, 403, "outside_radius"),
        ({}, 400, "position_required"),
        ({"latitude": 32.657}, 400, "position_invalid"),
    ],
)
def test_refusals_come_with_their_code(shift, signup, volunteer, body, status, code):
    response = post_scan(volunteer, shift, **({"token": token_for(shift)} | body))

    assert response.status_code == status, response.content
    assert error_code(response) == code
    signup.refresh_from_db()
    assert signup.checked_in_at is None


def test_a_position_outside_the_radius_says_how_far(shift, signup, volunteer):
    response = post_scan(volunteer, shift, token=token_for(shift), latitude=32.660, longitude=51.677)
    error = response.json()["error"]
    assert error["details"] == {"distance_m": 334, "radius_m": 200}
    assert "334" in error["message"] and "200" in error["message"]


def test_a_token_of_another_shift_is_refused(shift, signup, volunteer):
    other_shift = add_shift(shift.call, starts_in=datetime.timedelta(minutes=-5))
    response = post_scan(volunteer, shift, token=token_for(other_shift), **AT_THE_SITE)
    assert response.status_code == 400
    assert error_code(response) == "token_wrong_shift"


def test_an_expired_token_is_refused(shift, signup, volunteer):
    old_token = token_for(shift, now=timezone.now() - datetime.timedelta(minutes=3))
    response = post_scan(volunteer, shift, token=old_token, **AT_THE_SITE)
    assert response.status_code == 400
    assert error_code(response) == "token_expired"


def test_someone_not_signed_up_is_refused(shift):
    response = post_scan(api_client(PersonFactory()), shift, token=token_for(shift), **AT_THE_SITE)
    assert response.status_code == 403
    assert error_code(response) == "not_signed_up"


def test_check_in_is_refused_before_it_opens():
    shift = add_shift(publish_call(), starts_in=datetime.timedelta(hours=2))
    signup = confirmed_signup(shift)
    response = post_scan(api_client(signup.volunteer), shift, token=token_for(shift))
    assert response.status_code == 400
    assert error_code(response) == "checkin_not_open"


def test_a_position_off_the_globe_is_invalid_input(shift, volunteer):
    response = post_scan(volunteer, shift, token=token_for(shift), latitude=100, longitude=51)
    assert response.status_code == 422
    assert error_code(response) == "invalid_input"


def test_scanning_needs_a_login(shift):
    response = post_scan(Client(), shift, token=token_for(shift))
    assert response.status_code == 401


# --- Site leads -----------------------------------------------------------------------------------------


def other_department_staff(shift):
    slug = Service.objects.exclude(department=shift.call.service.department).values_list("slug", flat=True)[0]
    return site_lead_of(add_shift(publish_call(service_slug=slug)))


def test_the_site_lead_gets_a_fresh_token_with_its_qr_code(shift, signup):
    lead = api_client(site_lead_of(shift))

    response = lead.get(f"/api/v1/shifts/{shift.pk}/checkin-token")

    assert response.status_code == 200, response.content
    body = response.json()
    assert checkin.checkin_token_shift_id(token=body["token"], expected_shift_id=shift.pk) == shift.pk
    assert body["url"] == f"http://testserver/checkin/{body['token']}/"
    assert body["qr_svg"].startswith("<svg") and "viewBox" in body["qr_svg"]
    assert (body["confirmed_count"], body["checked_in_count"]) == (1, 0)
    expires_at = datetime.datetime.fromisoformat(body["expires_at"])
    assert datetime.timedelta(seconds=110) < expires_at - timezone.now() <= datetime.timedelta(seconds=120)


def test_only_site_leads_get_tokens(shift, signup, volunteer):
    for client in (volunteer, api_client(other_department_staff(shift))):
        response = client.get(f"/api/v1/shifts/{shift.pk}/checkin-token")
        assert response.status_code == 403
        assert error_code(response) == "not_site_lead"
    response = api_client(site_lead_of(shift)).get("/api/v1/shifts/999999/checkin-token")
    assert response.status_code == 404
    assert Client().get(f"/api/v1/shifts/{shift.pk}/checkin-token").status_code == 401


def test_the_site_lead_checks_a_person_in_and_out(shift, signup):
    lead = api_client(site_lead_of(shift))

    checked_in = lead.post(f"/api/v1/signups/{signup.pk}/checkin")
    checked_out = lead.post(f"/api/v1/signups/{signup.pk}/checkout")
    again = lead.post(f"/api/v1/signups/{signup.pk}/checkout")

    assert checked_in.status_code == 200, checked_in.content
    assert checked_in.json()["status"] == "checked_in"
    assert checked_out.json()["status"] == "checked_out"
    assert again.json() == checked_out.json()


def test_roster_actions_are_for_the_departments_staff_only(shift, signup, volunteer):
    for client in (volunteer, api_client(other_department_staff(shift))):
        response = client.post(f"/api/v1/signups/{signup.pk}/checkin")
        assert response.status_code == 404
        assert error_code(response) == "signup_not_found"
    signup.refresh_from_db()
    assert signup.checked_in_at is None


def test_checking_out_someone_not_checked_in_is_refused(shift, signup):
    response = api_client(site_lead_of(shift)).post(f"/api/v1/signups/{signup.pk}/checkout")
    assert response.status_code == 400
    assert error_code(response) == "not_checked_in"
