import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from city.models import Department, Service

pytestmark = pytest.mark.django_db


def test_the_catalogue_lists_every_active_service_in_order(client):
    response = client.get("/api/v1/services")

    assert response.status_code == 200
    services = response.json()
    assert [service["study_number"] for service in services] == list(range(1, 22))
    first = services[0]
    assert first["slug"] == "painting-and-graffiti-removal"
    assert first["department"]["slug"] == "urban_services"
    assert first["department"]["kendall_w_round_3"] == "0.898"
    assert [r["round"] for r in first["delphi_rounds"]] == [1, 2, 3]
    assert first["delphi_rounds"][2] == {"round": 3, "mean": "4.23", "standard_deviation": "0.55"}
    assert first["url"] == "http://testserver/services/painting-and-graffiti-removal/"


def test_names_follow_the_requested_language(client):
    persian = client.get("/api/v1/services/tourist-tours").json()
    english = client.get("/api/v1/services/tourist-tours", headers={"accept-language": "en"}).json()

    assert persian["short_name"] == "تورهای گردشگری"
    assert english["short_name"] == "Tourist tours"
    assert english["department"]["name"] == "Urban Services Deputy"
    assert english["url"] == "http://testserver/en/services/tourist-tours/"


def test_filtering_by_department(client):
    response = client.get("/api/v1/services", {"department": "traffic"})

    assert [s["slug"] for s in response.json()] == ["clean-transport-projects", "street-traffic-information"]


def test_inactive_services_are_not_listed(client):
    Service.objects.filter(slug="tourist-tours").update(is_active=False)

    slugs = [s["slug"] for s in client.get("/api/v1/services").json()]

    assert "tourist-tours" not in slugs
    assert client.get("/api/v1/services/tourist-tours").status_code == 404


def test_the_list_costs_the_same_queries_however_many_services(client):
    with CaptureQueriesContext(connection) as with_21:
        client.get("/api/v1/services")
    cultural = Department.objects.get(slug="cultural")
    for number in range(10):
        Service.objects.create(
            department=cultural, slug=f"extra-{number}", name_fa="خدمت", short_name_fa="خدمت"
        )

    with CaptureQueriesContext(connection) as with_31:
        response = client.get("/api/v1/services")

    assert len(response.json()) == 31
    assert len(with_31) == len(with_21) <= 3


def test_an_unknown_service_is_a_404_in_the_error_format_and_the_readers_language(client):
    persian = client.get("/api/v1/services/no-such-service")
    english = client.get("/api/v1/services/no-such-service", headers={"accept-language": "en"})

    assert persian.status_code == english.status_code == 404
    assert persian.json()["error"]["code"] == "service_not_found"
    assert english.json() == {
        "error": {"code": "service_not_found", "message": "There is no service “no-such-service”."}
    }
    assert "no-such-service" in persian.json()["error"]["message"]
    assert persian.json()["error"]["message"] != english.json()["error"]["message"]


def test_an_unknown_api_address_answers_json_not_html(client):
    response = client.get("/api/v1/no-such-endpoint", headers={"accept-language": "en"})

    assert response.status_code == 404
    assert response["content-type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


def test_the_openapi_schema_documents_the_catalogue(client):
    schema = client.get("/api/v1/openapi.json").json()

    assert "/api/v1/services" in schema["paths"]
    assert "/api/v1/services/{slug}" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200
