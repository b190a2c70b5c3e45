"""Signing up and logging in on the web: by mobile and code, by e-mail, and back to where one came from."""

import pytest
from django.contrib.auth import get_user_model

from campaigns.tests.factories import PersonFactory
from core.localization import persian_digits
from volunteers.models import OneTimeCode
from volunteers.sms import OutboxSmsBackend

pytestmark = pytest.mark.django_db

PHONE = "09351234567"
CALL_PAGE = "/services/some-call/"


def logged_in_user(client):
    return client.get("/account/").context["user"]


def test_signing_up_with_a_mobile_returns_to_the_call_page(client, sms_outbox):
    # given a citizen who came from a call's page
    start = client.post("/account/signup/", {"phone": persian_digits(PHONE), "next": CALL_PAGE})
    assert start.status_code == 302
    assert start["location"] == "/account/signup/verify/?next=%2Fservices%2Fsome-call%2F"
    code = OutboxSmsBackend.last_code(PHONE)

    # when
    done = client.post(
        "/account/signup/verify/", {"code": code, "first_name": "سارا", "last_name": "", "next": CALL_PAGE}
    )

    # then
    assert done.status_code == 302 and done["location"] == CALL_PAGE
    user = get_user_model().objects.get(phone=PHONE)
    assert user.first_name == "سارا" and not user.has_usable_password()
    assert logged_in_user(client) == user


def test_without_next_a_new_person_lands_on_their_profile(client, sms_outbox):
    client.post("/account/signup/", {"phone": PHONE})

    done = client.post(
        "/account/signup/verify/",
        {"code": OutboxSmsBackend.last_code(PHONE), "first_name": "Sara", "password": "a-long-secret-9"},
    )

    assert done["location"] == "/account/profile/"
    assert get_user_model().objects.get(phone=PHONE).check_password("a-long-secret-9")


def test_a_next_address_on_another_site_is_ignored(client, sms_outbox):
    client.post("/account/signup/", {"phone": PHONE, "next": "https://evil.example/"})

    done = client.post(
        "/account/signup/verify/",
        {"code": OutboxSmsBackend.last_code(PHONE), "first_name": "Sara", "next": "https://evil.example/"},
    )

    assert done["location"] == "/account/profile/"


def test_a_wrong_code_is_a_form_error_and_keeps_what_was_typed(client, sms_outbox):
    client.post("/en/account/signup/", {"phone": PHONE})
    code = OutboxSmsBackend.last_code(PHONE)

    response = client.post(
        "/en/account/signup/verify/", {"code": f"{(int(code) + 1) % 10**6:06d}", "first_name": "Kept name"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "This code is not right" in page and 'value="Kept name"' in page
    assert response.context["form"].errors["code"]
    assert not get_user_model().objects.filter(phone=PHONE).exists()


def test_an_invalid_number_is_a_form_error(client, sms_outbox):
    response = client.post("/en/account/signup/", {"phone": "12345"})

    assert response.status_code == 200
    assert "not an Iranian mobile number" in response.content.decode()
    assert sms_outbox == []


def test_a_taken_number_is_told_to_log_in(client, sms_outbox):
    PersonFactory(phone=PHONE)

    response = client.post("/en/account/signup/", {"phone": PHONE})

    assert "already exists" in response.content.decode()
    assert sms_outbox == []


def test_asking_for_codes_too_often_is_a_form_error(client, sms_outbox):
    for _ in range(3):
        client.post("/en/account/signup/", {"phone": PHONE})

    response = client.post("/en/account/signup/", {"phone": PHONE})

    assert response.status_code == 200
    assert "Too many codes were asked for" in response.content.decode()
    assert len(sms_outbox) == 3


def test_the_code_step_without_a_number_goes_back_to_the_first_step(client):
    response = client.get("/account/signup/verify/?next=/x/")

    assert response["location"] == "/account/signup/?next=%2Fx%2F"


def test_the_code_page_offers_a_new_code(client, sms_outbox):
    client.post("/account/signup/", {"phone": PHONE})

    page = client.get("/account/signup/verify/")
    resent = client.post("/account/signup/", {"phone": PHONE})

    assert 'action="/account/signup/"' in page.content.decode()
    assert resent.status_code == 302 and OneTimeCode.objects.count() == 2


def test_signing_up_with_email(client):
    response = client.post(
        "/account/signup/email/",
        {
            "email": "Nima@Example.org",
            "first_name": "Nima",
            "last_name": "",
            "password": "a-long-secret-9",
            "password_again": "a-long-secret-9",
            "next": CALL_PAGE,
        },
    )

    assert response.status_code == 302 and response["location"] == CALL_PAGE
    assert logged_in_user(client).email == "nima@example.org"


def test_a_taken_email_and_different_passwords_are_form_errors(client):
    PersonFactory(email="nima@example.org")

    taken = client.post(
        "/en/account/signup/email/",
        {
            "email": "NIMA@example.org",
            "first_name": "N",
            "password": "a-long-secret-9",
            "password_again": "a-long-secret-9",
        },
    )
    mismatch = client.post(
        "/en/account/signup/email/",
        {
            "email": "new@example.org",
            "first_name": "N",
            "password": "a-long-secret-9",
            "password_again": "other",
        },
    )

    assert "already exists" in taken.content.decode()
    assert mismatch.context["form"].errors["password_again"]
    assert get_user_model().objects.count() == 1


def test_logging_in_with_a_code(client, sms_outbox):
    person = PersonFactory(phone=PHONE)

    start = client.post("/account/login/code/", {"phone": "+98" + PHONE[1:], "next": CALL_PAGE})
    done = client.post(
        "/account/login/code/verify/", {"code": OutboxSmsBackend.last_code(PHONE), "next": CALL_PAGE}
    )

    assert start.status_code == 302 and done.status_code == 302 and done["location"] == CALL_PAGE
    assert logged_in_user(client) == person


def test_code_log_in_for_an_unknown_number_says_to_sign_up(client, sms_outbox):
    response = client.post("/en/account/login/code/", {"phone": PHONE})

    assert "Sign up first" in response.content.decode()
    assert sms_outbox == []


def test_the_login_page_links_code_log_in_and_sign_up_keeping_next(client):
    page = client.get("/account/login/?next=/services/x/").content.decode()

    assert "/account/login/code/?next=/services/x/" in page
    assert "/account/signup/?next=/services/x/" in page


def test_password_log_in_on_the_web_is_limited_too(client):
    person = PersonFactory()
    for _ in range(5):
        client.post("/en/account/login/", {"username": person.username, "password": "wrong"})

    response = client.post("/en/account/login/", {"username": person.username, "password": "a-long-secret-9"})

    assert response.status_code == 200
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logged_in_people_skip_sign_up(client):
    client.force_login(PersonFactory())

    assert client.get("/account/signup/?next=/services/x/")["location"] == "/services/x/"
