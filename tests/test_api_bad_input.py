"""Bad input anywhere in the API is the client's error: a clear 4xx in the API's error format, in the
reader's language, never a 500 (docs: the API's description in config/api.py)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from campaigns.tests.factories import PersonFactory
from core.pagination import PAGE_MAX
from verification.models import Completion
from verification.tests.factories import ended_signup, staff_of
from volunteers.models import Organisation, Team
from volunteers.ngos.tests.helpers import make_ngo
from volunteers.services import api_token_create

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}


def client_for(user, **headers) -> Client:
    return Client(headers={"authorization": f"Bearer {api_token_create(user=user)[1]}", **headers})


# --- Page numbers -----------------------------------------------------------------------------------------

PAGINATED = ["/api/v1/calls", "/api/v1/me/signups", "/api/v1/me/ledger", "/api/v1/me/completions"]


@pytest.mark.parametrize("path", [*PAGINATED, "/api/v1/verification/queue"])
def test_a_page_number_above_the_bound_is_invalid_input(path):
    client = client_for(staff_of(), **ENGLISH)

    response = client.get(path, {"page": 10**20})

    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert error["message"] == "Some of the data sent is not valid."
    assert [detail["field"] for detail in error["details"]] == ["query.page"]


@pytest.mark.parametrize("path", [*PAGINATED, "/api/v1/verification/queue"])
def test_the_last_page_allowed_past_the_end_is_empty(path):
    response = client_for(staff_of()).get(path, {"page": PAGE_MAX, "page_size": 100})

    assert response.status_code == 200, response.content
    assert response.json()["items"] == []


def test_the_bound_is_in_the_openapi_document():
    schema = Client().get("/api/v1/openapi.json").json()

    for path in [*PAGINATED, "/api/v1/verification/queue"]:
        parameters = schema["paths"][path]["get"]["parameters"]
        page = next(parameter for parameter in parameters if parameter["name"] == "page")
        assert page["schema"]["maximum"] == PAGE_MAX, path


# --- NUL characters ---------------------------------------------------------------------------------------
# PostgreSQL refuses NUL in text: a NUL that reached a query answered 500.


def nul_refused(response, field: str, message: str = "Null characters are not allowed.") -> bool:
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert (error["code"], error["details"]) == ("invalid_input", [{"field": field, "message": message}])
    return True


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/calls?department=%00", "query.department"),
        ("/api/v1/calls?q=a%00b", "query.q"),
        ("/api/v1/services?department=%00", "query.department"),
        ("/api/v1/services/%00", "path"),
        ("/api/v1/invitations/%00", "path"),
    ],
)
def test_a_nul_in_the_address_is_invalid_input(path, field):
    assert nul_refused(client_for(PersonFactory(), **ENGLISH).get(path), field)


def test_a_nul_is_refused_in_the_readers_language():
    response = client_for(PersonFactory()).get("/api/v1/calls?department=%00")

    assert nul_refused(response, "query.department", "کاراکترهای تهی مجاز نیستند.")
    assert response.json()["error"]["message"] == "بخشی از اطلاعات فرستاده‌شده درست نیست."


def test_a_nul_in_a_name_at_sign_up_is_invalid_input_and_makes_no_account():
    response = Client().post(
        "/api/v1/auth/signup",
        {"email": "sara@example.org", "password": "a-long-secret-9", "first_name": "Sa\x00ra"},
        content_type="application/json",
        headers=ENGLISH,
    )

    assert nul_refused(response, "body.first_name")
    assert not get_user_model().objects.filter(email="sara@example.org").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"first_name": "\x00"}, "body.first_name"),
        ({"skills": ["first-aid", "a\x00"]}, "body.skills.1"),
        ({"first_name\x00": "Sara"}, "body"),
    ],
)
def test_a_nul_anywhere_in_a_json_body_is_invalid_input(body, field):
    person = PersonFactory(first_name="Sara")

    response = client_for(person, **ENGLISH).patch("/api/v1/me", body, content_type="application/json")

    assert nul_refused(response, field)
    person.refresh_from_db()
    assert person.first_name == "Sara"


def test_the_text_of_an_escape_is_not_a_nul():
    person = PersonFactory()

    response = client_for(person).patch(
        "/api/v1/me", '{"last_name": "back\\\\u0000slash"}', content_type="application/json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["last_name"] == "back\\u0000slash"


def test_a_nul_in_an_ngo_or_team_name_is_invalid_input():
    ngo = make_ngo()
    client = client_for(ngo.owner, **ENGLISH)
    organisation = {"name_fa": "انجمن\x00", "registration_number": "N-1", "field_of_work": "محیط زیست"}

    registered = client.post("/api/v1/organisations", organisation, content_type="application/json")
    team = client.post(
        f"/api/v1/organisations/{ngo.organisation.pk}/teams",
        {"name": "تیم\x00"},
        content_type="application/json",
    )

    assert nul_refused(registered, "body.name_fa")
    assert nul_refused(team, "body.name")
    assert not Organisation.objects.filter(registration_number="N-1").exists()
    assert not Team.objects.exists()


def test_a_nul_in_a_multipart_report_is_invalid_input():
    signup = ended_signup(hours=3)

    response = client_for(signup.volunteer, **ENGLISH).post(
        f"/api/v1/signups/{signup.pk}/completion", {"hours": "2", "note": "done\x00"}
    )

    assert nul_refused(response, "form.note")
    assert not Completion.objects.exists()


def test_a_nul_in_a_page_address_answers_a_400_page(client):
    client.force_login(PersonFactory())

    for path in ["/rewards/vouchers/%00/", "/services/?department=%00", "/en/account/ngo/join/%00/"]:
        response = client.get(path)
        assert response.status_code == 400, path
    assert "This request cannot be read" in response.content.decode()


def test_a_nul_in_an_ngo_or_team_name_on_the_web_is_a_form_error(client):
    ngo = make_ngo()
    client.force_login(ngo.owner)
    form = {"name_fa": "انجمن\x00", "registration_number": "W-9", "field_of_work": "محیط زیست"}

    registered = client.post(reverse("volunteers:ngo:register"), form)
    team = client.post(
        reverse("volunteers:ngo:team_create", args=[ngo.organisation.pk]), {"name": "تیم\x00"}, follow=True
    )

    assert registered.status_code == 200
    assert "کاراکترهای تهی مجاز نیستند." in registered.content.decode()
    assert team.status_code == 200
    assert not Organisation.objects.filter(registration_number="W-9").exists()
    assert not Team.objects.exists()


# --- Bodies too large or broken ------------------------------------------------------------------------


@pytest.mark.parametrize("megabytes", [3, 30])
def test_a_json_body_over_the_limit_answers_413_with_the_limit(settings, megabytes):
    body = b'{"first_name": "' + b"a" * (megabytes * 2**20) + b'"}'

    english = client_for(PersonFactory(), **ENGLISH).patch(
        "/api/v1/me", body, content_type="application/json"
    )
    persian = client_for(PersonFactory()).patch("/api/v1/me", body, content_type="application/json")

    assert english.status_code == persian.status_code == 413
    assert english.json()["error"] == {
        "code": "body_too_large",
        "message": "The request is too large: at most 2.5 MB may be sent at once.",
        "details": {"limit_bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
    }
    assert "۲٫۵" in persian.json()["error"]["message"]


def test_a_multipart_body_without_a_boundary_answers_400():
    signup = ended_signup(hours=3)

    response = client_for(signup.volunteer, **ENGLISH).post(
        f"/api/v1/signups/{signup.pk}/completion",
        b'--x\r\nContent-Disposition: form-data; name="hours"\r\n\r\n2\r\n--x--\r\n',
        content_type="multipart/form-data",
    )

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_multipart"
    assert "boundary" in error["message"]
    assert not Completion.objects.exists()


# --- Numbers too large for the database ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/api/v1/calls/6960305937245080922357760", "/api/v1/organisations/25581892763025817600/invitations"],
)
def test_an_id_too_large_for_the_database_is_a_4xx_not_a_server_error(path):
    _token, secret = api_token_create(user=PersonFactory(), name="t")

    response = Client(headers={"authorization": f"Bearer {secret}", "accept-language": "en"}).get(path)

    # PostgreSQL compares the number as it is and finds nothing; SQLite cannot take it at all.
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert response.json()["error"]["code"] == "value_out_of_range"
        assert response.json()["error"]["message"] == "A number sent is too large."
