"""Personal API tokens: logging in for one, using one, listing and revoking, and limits on failed logins."""

import datetime
import hashlib
import time

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.tests.factories import PersonFactory
from core.localization import persian_digits
from volunteers.auth import client_ip
from volunteers.errors import TooManyAttempts
from volunteers.models import ApiToken
from volunteers.services import (
    FailureLimit,
    api_token_create,
    api_token_revoke,
    attempt_reserve,
    attempt_succeeded,
)

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-secret-9"  # PersonFactory's
ENGLISH = {"accept-language": "en"}


@pytest.fixture
def person():
    return PersonFactory()


def bearer(secret: str) -> Client:
    return Client(headers={"authorization": f"Bearer {secret}", **ENGLISH})


def log_in(client, username, password=PASSWORD, *, name="", **request_meta):
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password, "name": name},
        content_type="application/json",
        headers=ENGLISH,
        **request_meta,
    )


# --- Logging in for a token ------------------------------------------------------------------------------


def test_a_persian_digit_mobile_number_logs_in_and_the_token_works(client, person):
    # given the mobile number as a Persian keyboard types it
    typed = persian_digits(person.phone)

    # when
    response = log_in(client, typed, name="my phone")

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"token", "token_id", "prefix", "name", "expires_at"}
    secret = body["token"]
    token = ApiToken.objects.get(pk=body["token_id"])
    assert (token.user, token.name, token.prefix, body["prefix"]) == (
        person,
        "my phone",
        secret[:8],
        secret[:8],
    )
    assert len(secret) >= 43  # secrets.token_urlsafe(32)
    me = bearer(secret).get("/api/v1/me")
    assert me.status_code == 200
    assert (
        me.json().items()
        >= {
            "id": person.pk,
            "username": person.username,
            "display_name": person.get_full_name(),
            "phone": person.phone,
            "email": person.email,
        }.items()
    )


def test_only_a_hash_of_the_secret_is_stored(client, person):
    secret = log_in(client, person.username).json()["token"]

    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        stored = cursor.fetchall()
    assert secret not in repr(stored)


@pytest.mark.parametrize(
    "identifier", ["+98 {national}", "0098{national}", "{email_upper}", "{username}"], ids=str
)
def test_people_log_in_with_any_form_of_their_mobile_their_email_or_username(client, person, identifier):
    typed = identifier.format(
        national=person.phone[1:], email_upper=person.email.upper(), username=person.username
    )

    response = log_in(client, typed)

    assert response.status_code == 201, response.content
    assert ApiToken.objects.get(pk=response.json()["token_id"]).user == person


def test_a_wrong_password_is_refused_in_the_error_format_in_the_readers_language(client, person):
    response = log_in(client, person.phone, password="not-it")

    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": "invalid_credentials",
            "message": "The mobile number, e-mail or username, or the password, is not right.",
        }
    }
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not ApiToken.objects.exists()


def test_an_unknown_person_and_a_deactivated_one_are_refused_alike(client, person):
    person.is_active = False
    person.save()

    unknown = log_in(client, "09990000000")
    deactivated = log_in(client, person.phone)

    assert unknown.status_code == deactivated.status_code == 401
    assert unknown.json() == deactivated.json()


def test_missing_fields_are_invalid_input(client):
    response = client.post("/api/v1/auth/token", {"username": "x"}, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"


# --- Limits on failed attempts ---------------------------------------------------------------------------


def test_the_sixth_failure_within_15_minutes_is_refused_even_with_the_right_password(client, person):
    # given five failures, with the mobile number typed in different forms: they are one person
    forms = [person.phone, persian_digits(person.phone), "+98" + person.phone[1:], person.phone, person.phone]
    for typed in forms:
        assert log_in(client, typed, password="wrong").status_code == 401

    # when
    sixth = log_in(client, person.phone, password="wrong")
    right_password = log_in(client, person.phone)

    # then
    assert sixth.status_code == right_password.status_code == 429
    error = sixth.json()["error"]
    assert error["code"] == "too_many_attempts"
    assert error["message"] == "Too many failed attempts. Try again in 15 minutes."
    assert 890 <= error["details"]["retry_after"] <= 900
    assert sixth["Retry-After"] == str(error["details"]["retry_after"])
    assert not ApiToken.objects.exists()


def test_failures_from_one_address_do_not_shut_out_the_owner_elsewhere(client, person):
    from_attacker = {"REMOTE_ADDR": "203.0.113.9"}
    attacker = [log_in(client, person.username, "wrong", **from_attacker).status_code for _ in range(6)]

    owner = log_in(client, person.username, REMOTE_ADDR="198.51.100.7")

    assert attacker == [401] * 5 + [429]
    assert owner.status_code == 201


def test_once_a_person_has_failed_everywhere_only_addresses_that_failed_are_refused(client, person):
    # given 30 failures for the person from six addresses, and one more address that failed once
    for number in range(6):
        for _ in range(5):
            assert log_in(client, person.phone, "wrong", REMOTE_ADDR=f"203.0.113.{number}").status_code == 401
    assert log_in(client, person.phone, "wrong", REMOTE_ADDR="203.0.113.77").status_code == 401  # the 31st

    # then an address that failed before is refused, even with the right password
    assert log_in(client, person.phone, REMOTE_ADDR="203.0.113.77").status_code == 429
    # an address that has not failed for the person may try: the owner gets in
    assert log_in(client, person.phone, REMOTE_ADDR="198.51.100.7").status_code == 201
    # and a new address's wrong password counts: it is refused from its second try
    assert log_in(client, person.phone, "wrong", REMOTE_ADDR="192.0.2.1").status_code == 401
    assert log_in(client, person.phone, REMOTE_ADDR="192.0.2.1").status_code == 429


def test_a_lenient_limit_refuses_only_a_client_that_failed_before():
    strict = FailureLimit("test-client", max_failures=5, window=datetime.timedelta(minutes=15))
    lenient = FailureLimit("test-all", max_failures=2, window=datetime.timedelta(minutes=15))

    def attempt(client_key: str) -> None:
        client = (strict, client_key)
        attempt_reserve(limits=[client], lenient=[(lenient, "someone")], client=client)

    attempt("a")
    attempt("b")  # the lenient limit is used up
    attempt("c")  # a client without failures still passes, and counts
    with pytest.raises(TooManyAttempts):
        attempt("a")
    with pytest.raises(TooManyAttempts):
        attempt("c")


def test_the_wait_is_counted_from_the_first_failure():
    limit = FailureLimit("test", max_failures=2, window=datetime.timedelta(minutes=15))
    first_failure = time.time()
    attempt_reserve(limits=[(limit, "someone")], now=first_failure)
    attempt_reserve(limits=[(limit, "someone")], now=first_failure + 60)

    with pytest.raises(TooManyAttempts) as refused:
        attempt_reserve(limits=[(limit, "someone")], now=first_failure + 10 * 60)

    assert refused.value.retry_after == 5 * 60
    attempt_reserve(limits=[(limit, "someone else")], now=first_failure + 10 * 60)  # keys are apart


def test_an_attempt_that_succeeds_is_taken_back():
    limit = FailureLimit("test", max_failures=2, window=datetime.timedelta(minutes=15))
    for _ in range(5):
        attempt_reserve(limits=[(limit, "someone")])
        attempt_succeeded(limits=[(limit, "someone")])

    attempt_reserve(limits=[(limit, "someone")])
    attempt_reserve(limits=[(limit, "someone")])
    with pytest.raises(TooManyAttempts):
        attempt_reserve(limits=[(limit, "someone")])


def test_a_success_starts_the_persons_count_again(client, person):
    for _ in range(4):
        log_in(client, person.username, password="wrong")
    assert log_in(client, person.username).status_code == 201

    statuses = [log_in(client, person.username, password="wrong").status_code for _ in range(6)]

    assert statuses == [401, 401, 401, 401, 401, 429]


def test_one_address_trying_many_accounts_is_stopped_and_others_are_not(client):
    people = PersonFactory.create_batch(21)
    from_attacker = {"REMOTE_ADDR": "203.0.113.9"}

    statuses = [log_in(client, someone.username, "wrong", **from_attacker).status_code for someone in people]
    from_elsewhere = log_in(client, people[-1].username, REMOTE_ADDR="198.51.100.7")

    assert statuses == [401] * 20 + [429]
    assert from_elsewhere.status_code == 201


def test_the_client_address_is_the_one_nginx_appends_to_x_forwarded_for(monkeypatch):
    from ninja.conf import settings as ninja_settings

    monkeypatch.setattr(ninja_settings, "NUM_PROXIES", 1)  # production: nginx in front
    factory = RequestFactory()

    behind_nginx = factory.get("/", REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    direct = factory.get("/", REMOTE_ADDR="198.51.100.7")

    # "1.2.3.4" was sent by the client and could be anything; nginx appended the address it saw.
    assert client_ip(behind_nginx) == "203.0.113.9"
    assert client_ip(direct) == "198.51.100.7"


def test_with_nothing_in_front_a_forged_x_forwarded_for_is_ignored(monkeypatch):
    from ninja.conf import settings as ninja_settings

    monkeypatch.setattr(ninja_settings, "NUM_PROXIES", 0)  # ./dev run: the client talks to Django directly
    forged = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="10.9.9.9")

    assert client_ip(forged) == "198.51.100.7"


# --- Using a token ---------------------------------------------------------------------------------------


def test_requests_without_credentials_get_401_in_the_error_format(client):
    response = client.get("/api/v1/me", headers=ENGLISH)

    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "not_authenticated", "message": "Log in or send a valid token."}
    }


# Ways a token stops working, each with the code it is then refused with.
SPOILED_TOKENS = pytest.mark.parametrize(
    ("spoil", "code"),
    [
        (lambda token: api_token_revoke(token=token, user=token.user), "token_revoked"),
        (
            lambda token: ApiToken.objects.filter(pk=token.pk).update(
                expires_at=timezone.now() - datetime.timedelta(seconds=1)
            ),
            "token_expired",
        ),
        (
            lambda token: type(token.user).objects.filter(pk=token.user_id).update(is_active=False),
            "token_invalid",
        ),
    ],
    ids=["revoked", "expired", "deactivated person"],
)


@SPOILED_TOKENS
def test_revoked_and_expired_tokens_get_401_with_their_reason(person, spoil, code):
    token, secret = api_token_create(user=person, name="cli")
    spoil(token)

    response = bearer(secret).get("/api/v1/me")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == code
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_gets_401(person):
    api_token_create(user=person)

    unknown = bearer("not-a-token").get("/api/v1/me")
    empty = Client(headers={"authorization": "Bearer "}).get("/api/v1/me")

    assert unknown.status_code == empty.status_code == 401
    assert unknown.json()["error"]["code"] == empty.json()["error"]["code"] == "token_invalid"


def test_last_used_is_written_at_most_once_a_minute(person):
    token, secret = api_token_create(user=person)
    client = bearer(secret)

    client.get("/api/v1/me")
    token.refresh_from_db()
    first_use = token.last_used_at
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/me")
    token.refresh_from_db()
    second_use = token.last_used_at
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - datetime.timedelta(minutes=2))
    client.get("/api/v1/me")
    token.refresh_from_db()

    assert first_use is not None and second_use == first_use
    assert not [query for query in queries if "UPDATE" in query["sql"]]
    assert token.last_used_at > first_use


# --- Listing and revoking ------------------------------------------------------------------------------


def test_my_tokens_lists_working_tokens_newest_first_without_secrets(person):
    other = PersonFactory()
    laptop, laptop_secret = api_token_create(user=person, name="laptop")
    phone, phone_secret = api_token_create(user=person, name="phone")
    revoked, revoked_secret = api_token_create(user=person, name="old")
    api_token_revoke(token=revoked, user=person)
    api_token_create(user=person, name="expired", expires_at=timezone.now() - datetime.timedelta(days=1))
    api_token_create(user=other, name="someone else's")

    response = bearer(phone_secret).get("/api/v1/me/tokens")

    assert response.status_code == 200
    items = response.json()
    assert [item["name"] for item in items] == ["phone", "laptop"]
    assert set(items[0]) == {"id", "name", "prefix", "created_at", "last_used_at", "expires_at"}
    assert items[1]["prefix"] == laptop_secret[:8] and items[1]["id"] == laptop.pk
    content = response.content.decode()
    for secret in (laptop_secret, phone_secret, revoked_secret):
        assert secret not in content
    assert phone.key_hash not in content
    assert other.phone not in content and other.email not in content


def test_revoking_a_token_stops_it_at_once_and_again_is_no_error(person):
    token, secret = api_token_create(user=person)
    _, other_secret = api_token_create(user=person)
    client = bearer(other_secret)

    first = client.delete(f"/api/v1/me/tokens/{token.pk}")
    again = client.delete(f"/api/v1/me/tokens/{token.pk}")

    assert first.status_code == again.status_code == 204
    assert bearer(secret).get("/api/v1/me").json()["error"]["code"] == "token_revoked"
    assert client.get("/api/v1/me").status_code == 200


def test_a_token_may_revoke_itself(person):
    token, secret = api_token_create(user=person)

    assert bearer(secret).delete(f"/api/v1/me/tokens/{token.pk}").status_code == 204
    assert bearer(secret).get("/api/v1/me").status_code == 401


def test_someone_elses_token_does_not_exist_for_me(person):
    theirs, their_secret = api_token_create(user=PersonFactory())
    _, my_secret = api_token_create(user=person)

    response = bearer(my_secret).delete(f"/api/v1/me/tokens/{theirs.pk}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "token_not_found"
    assert bearer(their_secret).get("/api/v1/me").status_code == 200


def test_no_account_endpoint_shows_another_persons_data(client, person):
    other = PersonFactory()
    api_token_create(user=other, name="theirs")

    created = log_in(client, person.phone, name="mine")
    mine = bearer(created.json()["token"])
    responses = [
        created,
        mine.get("/api/v1/me"),
        mine.get("/api/v1/me/tokens"),
        mine.delete(f"/api/v1/me/tokens/{created.json()['token_id']}"),
    ]

    for response in responses:
        content = response.content.decode()
        assert other.phone not in content and other.email not in content and other.username not in content


# --- The browser's session -----------------------------------------------------------------------------


def test_a_logged_in_browser_uses_the_api_with_its_session_and_csrf_token(person):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(person)
    token, _ = api_token_create(user=person)
    browser.cookies.load({"csrftoken": "a" * 32})

    me = browser.get("/api/v1/me")
    without_csrf = browser.delete(f"/api/v1/me/tokens/{token.pk}", headers=ENGLISH)
    with_csrf = browser.delete(f"/api/v1/me/tokens/{token.pk}", headers={"x-csrftoken": "a" * 32})

    assert me.status_code == 200 and me.json()["id"] == person.pk
    assert without_csrf.status_code == 403
    assert without_csrf.json()["error"]["code"] == "csrf_failed"
    assert with_csrf.status_code == 204


def test_without_a_session_an_unsafe_request_gets_401_not_a_csrf_error(person):
    token, _ = api_token_create(user=person)

    response = Client(enforce_csrf_checks=True).delete(f"/api/v1/me/tokens/{token.pk}")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_the_openapi_schema_documents_both_ways_to_authenticate(client):
    schema = client.get("/api/v1/openapi.json").json()

    assert set(schema["components"]["securitySchemes"]) >= {"BearerTokenAuth", "SessionCsrfAuth"}
    assert schema["paths"]["/api/v1/me"]["get"]["security"] == [
        {"BearerTokenAuth": []},
        {"SessionCsrfAuth": []},
    ]
    assert "security" not in schema["paths"]["/api/v1/auth/token"]["post"]
