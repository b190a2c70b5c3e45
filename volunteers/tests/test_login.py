import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen():
    user = get_user_model().objects.create_user(
        username="sara", password="a-long-secret-9", phone="09121234567", email="Sara@Example.org"
    )
    return user


@pytest.mark.parametrize("identifier", ["۰۹۱۲۱۲۳۴۵۶۷", "+98 912 123 4567", "sara@example.org", "sara"])
def test_people_log_in_with_mobile_email_or_username(client, citizen, identifier):
    response = client.post("/account/login/", {"username": identifier, "password": "a-long-secret-9"})

    assert response.status_code == 302
    assert response["location"] == "/account/"
    assert client.get("/account/").context["user"] == citizen


def test_a_wrong_password_says_what_to_do_and_keeps_what_was_typed(client, citizen):
    response = client.post("/en/account/login/", {"username": "09121234567", "password": "wrong"})

    assert response.status_code == 200
    assert "not right" in response.content.decode()
    assert 'value="09121234567"' in response.content.decode()


def test_the_account_page_needs_a_log_in(client):
    response = client.get("/account/")

    assert response.status_code == 302
    assert response["location"].startswith("/account/login/")


def test_an_inactive_person_cannot_log_in(client, citizen):
    citizen.is_active = False
    citizen.save()

    response = client.post("/account/login/", {"username": "sara", "password": "a-long-secret-9"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
