"""The completion and verification API: reporting (JSON and multipart with photos), the staff queue,
decisions, roster approval and revocation, with the error codes and statuses clients rely on."""

import io

import pytest
from django.test import Client
from PIL import Image

from campaigns.tests.factories import PersonFactory, publish_call
from verification.models import Completion
from verification.services import completion_approve
from verification.tests.factories import (
    GPS_IFD,
    TRAFFIC_SERVICE,
    confirmed_signup,
    ended_shift,
    ended_signup,
    image_bytes,
    jpeg_with_gps,
    reported,
    staff_of,
    team_place,
    team_with_manager,
)
from volunteers.services import api_token_create

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    return Client(headers={"authorization": f"Bearer {api_token_create(user=user)[1]}"})


# --- Reporting ------------------------------------------------------------------------------------------


def test_report_as_json():
    signup = ended_signup(hours=3)

    response = client_for(signup.volunteer).post(
        f"/api/v1/signups/{signup.pk}/completion",
        {"hours": "2.5", "note": "Done"},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending"
    assert body["hours"] == "2.50"
    assert body["signup_id"] == signup.pk
    assert body["photos"] == []
    assert Completion.objects.get().reported_by == signup.volunteer


def test_report_as_multipart_with_photos_that_lose_their_location():
    signup = ended_signup(hours=3)
    client = client_for(signup.volunteer)

    response = client.post(
        f"/api/v1/signups/{signup.pk}/completion",
        {
            "hours": "2",
            "note": "Before and after",
            "before_photos": [io.BytesIO(jpeg_with_gps())],
            "photos": [io.BytesIO(image_bytes("PNG"))],
        },
    )

    assert response.status_code == 201, response.content
    photos = response.json()["photos"]
    assert [photo["kind"] for photo in photos] == ["before", "after"]
    # The photo is served to its volunteer, re-encoded: no location in it.
    served = client.get(photos[0]["url"].replace("http://testserver", ""))
    assert served.status_code == 200
    image = Image.open(io.BytesIO(b"".join(served.streaming_content)))
    assert not image.getexif().get_ifd(GPS_IFD)


def test_report_refusals_have_codes():
    signup = ended_signup(hours=3)
    client = client_for(signup.volunteer)
    url = f"/api/v1/signups/{signup.pk}/completion"

    too_many = client.post(url, {"hours": "4"}, content_type="application/json")
    assert (too_many.status_code, too_many.json()["error"]["code"]) == (400, "hours_above_limit")

    bad_photo = client.post(url, {"hours": "1", "photos": [io.BytesIO(b"not an image")]})
    assert (bad_photo.status_code, bad_photo.json()["error"]["code"]) == (400, "photo_invalid")

    missing = client.post(url, {"note": "no hours"}, content_type="application/json")
    assert (missing.status_code, missing.json()["error"]["code"]) == (422, "invalid_input")

    broken = client.post(url, "{not json", content_type="application/json")
    assert (broken.status_code, broken.json()["error"]["code"]) == (422, "invalid_input")

    assert client.post(url, {"hours": "1"}, content_type="application/json").status_code == 201
    again = client.post(url, {"hours": "1"}, content_type="application/json")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_reported")


def test_someone_elses_sign_up_is_not_found():
    signup = ended_signup()

    response = client_for(PersonFactory()).post(
        f"/api/v1/signups/{signup.pk}/completion", {"hours": "1"}, content_type="application/json"
    )

    assert (response.status_code, response.json()["error"]["code"]) == (404, "signup_not_found")


def test_reporting_needs_authentication():
    signup = ended_signup()

    response = Client().post(
        f"/api/v1/signups/{signup.pk}/completion", {"hours": "1"}, content_type="application/json"
    )

    assert response.status_code == 401


def test_an_ngo_manager_reports_for_an_assigned_member_through_the_api():
    member = PersonFactory()
    manager, team = team_with_manager(member)
    signup = team_place(ended_shift(), team, member)

    response = client_for(manager).post(
        f"/api/v1/signups/{signup.pk}/completion", {"hours": "2"}, content_type="application/json"
    )

    assert response.status_code == 201
    assert Completion.objects.get().reported_by == manager


def test_my_completions_show_status_and_the_decision_reason():
    signup = ended_signup()
    completion = reported(signup)
    client = client_for(staff_of())
    client.post(
        f"/api/v1/completions/{completion.pk}/verify",
        {"decision": "reject", "reason": "Wrong street"},
        content_type="application/json",
    )

    body = client_for(signup.volunteer).get("/api/v1/me/completions").json()

    assert body["count"] == 1
    item = body["items"][0]
    assert item["status"] == "rejected"
    assert item["can_resubmit"] is True
    assert [(d["decision"], d["reason"]) for d in item["decisions"]] == [("reject", "Wrong street")]
    assert "decided_by_id" not in item["decisions"][0]


# --- Verifying ------------------------------------------------------------------------------------------


def test_staff_approve_with_corrected_hours():
    completion = reported(ended_signup(hours=3), hours="3")
    staff = staff_of()

    response = client_for(staff).post(
        f"/api/v1/completions/{completion.pk}/verify",
        {"decision": "approve", "hours": "2", "reason": "Left early"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["completion"]["status"] == "approved"
    assert body["completion"]["approved_hours"] == "2.00"
    assert body["decision"]["decided_by_id"] == staff.pk
    assert body["decision"]["is_final_approval"] is True


def test_hours_that_round_to_zero_are_refused_in_the_readers_language():
    signup = ended_signup(hours=3)
    client = client_for(signup.volunteer)
    url = f"/api/v1/signups/{signup.pk}/completion"

    english = client.post(
        url, {"hours": "0.001"}, content_type="application/json", headers={"accept-language": "en"}
    )
    persian = client.post(url, {"hours": "0.004"}, content_type="application/json")

    assert english.status_code == persian.status_code == 400
    assert english.json()["error"] == {
        "code": "hours_invalid",
        "message": "Give the hours worked as a number of at least 0.01.",
        "details": {"minimum": "0.01"},
    }
    assert "۰٫۰۱" in persian.json()["error"]["message"]
    assert not Completion.objects.exists()
    assert client.post(url, {"hours": "1"}, content_type="application/json").status_code == 201


def test_staff_cannot_approve_hours_that_round_to_zero():
    completion = reported(ended_signup(hours=3), hours="2")

    response = client_for(staff_of()).post(
        f"/api/v1/completions/{completion.pk}/verify",
        {"decision": "approve", "hours": "0.001"},
        content_type="application/json",
    )

    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "hours_invalid"
    completion.refresh_from_db()
    assert (completion.status, completion.approved_hours) == ("pending", None)


def test_reject_needs_a_reason_through_the_api():
    completion = reported(ended_signup())

    response = client_for(staff_of()).post(
        f"/api/v1/completions/{completion.pk}/verify", {"decision": "reject"}, content_type="application/json"
    )

    assert (response.status_code, response.json()["error"]["code"]) == (400, "reason_required")


def test_staff_of_another_department_get_404_and_volunteers_403():
    completion = reported(ended_signup())
    url = f"/api/v1/completions/{completion.pk}/verify"
    payload = {"decision": "approve"}

    other = client_for(staff_of("traffic")).post(url, payload, content_type="application/json")
    volunteer = client_for(PersonFactory()).post(url, payload, content_type="application/json")
    own = client_for(completion.signup.volunteer).post(url, payload, content_type="application/json")

    assert (other.status_code, other.json()["error"]["code"]) == (404, "completion_not_found")
    assert (volunteer.status_code, volunteer.json()["error"]["code"]) == (403, "not_verification_staff")
    assert (own.status_code, own.json()["error"]["code"]) == (403, "not_verification_staff")
    assert (
        client_for(staff_of("traffic")).get(f"/api/v1/verification/completions/{completion.pk}").status_code
        == 404
    )
    assert client_for(PersonFactory()).get("/api/v1/verification/queue").status_code == 403
    completion.refresh_from_db()
    assert completion.status == "pending"


def test_self_verification_is_refused_through_the_api():
    staff = staff_of()
    completion = reported(ended_signup(volunteer=staff))

    response = client_for(staff).post(
        f"/api/v1/completions/{completion.pk}/verify",
        {"decision": "approve"},
        content_type="application/json",
    )

    assert (response.status_code, response.json()["error"]["code"]) == (403, "self_verification")


def test_a_second_decision_gets_409():
    completion = reported(ended_signup())
    url = f"/api/v1/completions/{completion.pk}/verify"

    assert (
        client_for(staff_of()).post(url, {"decision": "approve"}, content_type="application/json").status_code
        == 200
    )
    late = client_for(staff_of()).post(url, {"decision": "approve"}, content_type="application/json")

    assert (late.status_code, late.json()["error"]["code"]) == (409, "already_decided")


def test_the_queue_is_scoped_and_paginated_in_few_queries(django_assert_max_num_queries):
    staff = staff_of()
    shift = ended_shift()
    for _ in range(6):
        reported(confirmed_signup(shift))
    reported(ended_signup(call=publish_call(service_slug=TRAFFIC_SERVICE)))
    client = client_for(staff)

    with django_assert_max_num_queries(14):
        response = client.get("/api/v1/verification/queue")

    body = response.json()
    assert body["count"] == 6
    item = body["items"][0]
    assert item["department"] == "urban_services"
    assert item["volunteer"]["name"]
    assert item["estimated_points"] == 25
    assert client.get(f"/api/v1/verification/queue?shift={shift.pk}").json()["count"] == 6
    assert client.get("/api/v1/verification/queue?status=approved").json()["count"] == 0


def test_verify_all_approves_the_roster_and_reports_what_it_skipped():
    staff = staff_of()
    shift = ended_shift()
    others = [reported(confirmed_signup(shift)) for _ in range(2)]
    own = reported(confirmed_signup(shift, staff))

    response = client_for(staff).post(f"/api/v1/shifts/{shift.pk}/verify-all")

    assert response.status_code == 200
    body = response.json()
    assert sorted(body["approved"]) == sorted(completion.pk for completion in others)
    assert body["skipped_own"] == [own.pk]
    assert body["awaiting_second"] == []
    assert client_for(staff_of("traffic")).post(f"/api/v1/shifts/{shift.pk}/verify-all").status_code == 404
    assert client_for(PersonFactory()).post(f"/api/v1/shifts/{shift.pk}/verify-all").status_code == 403


def test_revoke_through_the_api():
    completion = reported(ended_signup())
    completion_approve(completion=completion, actor=staff_of())
    client = client_for(staff_of())
    url = f"/api/v1/completions/{completion.pk}/revoke"

    missing = client.post(url, {"reason": ""}, content_type="application/json")
    assert (missing.status_code, missing.json()["error"]["code"]) == (400, "reason_required")
    response = client.post(url, {"reason": "Counted twice"}, content_type="application/json")

    assert response.status_code == 200
    body = response.json()
    assert body["completion"]["status"] == "revoked"
    assert body["decision"]["decision"] == "revoke"
    assert body["decision"]["revokes_id"] is not None
    assert [d["decision"] for d in body["completion"]["decisions"]] == ["approve", "revoke"]


def test_the_report_documents_both_json_and_multipart_bodies():
    paths = Client().get("/api/v1/openapi.json").json()["paths"]

    content = paths["/api/v1/signups/{signup_id}/completion"]["post"]["requestBody"]["content"]
    assert set(content) == {"application/json", "multipart/form-data"}
    assert "/api/v1/shifts/{shift_id}/verify-all" in paths
