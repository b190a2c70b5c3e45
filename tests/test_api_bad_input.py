"""Bad input anywhere in the API is the client's error: a clear 4xx in the API's error format, in the
reader's language, never a 500 (docs: the API's description in config/api.py)."""

import pytest
from django.test import Client

from core.pagination import PAGE_MAX
from verification.tests.factories import staff_of
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
