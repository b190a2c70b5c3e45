"""One-time codes by SMS: sending, using, their limits, and signing up and logging in with them (API)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.utils import timezone

from campaigns.tests.factories import PersonFactory
from core.localization import persian_digits
from volunteers import services
from volunteers.errors import CodeRefused
from volunteers.models import ApiToken, OneTimeCode
from volunteers.sms import OutboxSmsBackend

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}
PHONE = "09351234567"


def ask_code(client, phone=PHONE, purpose="signup", **extra):
    return client.post(
        "/api/v1/auth/codes",
        {"phone": phone, "purpose": purpose},
        content_type="application/json",
        headers=ENGLISH,
        **extra,
    )


def sign_up(client, **payload):
    body = {"first_name": "Sara", "last_name": "Ahmadi", **payload}
    return client.post("/api/v1/auth/signup", body, content_type="application/json", headers=ENGLISH)


def token_with_code(client, phone, code):
    return client.post(
        "/api/v1/auth/token", {"phone": phone, "code": code}, content_type="application/json", headers=ENGLISH
    )


# --- Sending -------------------------------------------------------------------------------------------


def test_a_code_is_sent_by_sms_and_only_its_keyed_hash_is_stored(client, sms_outbox):
    response = ask_code(client, phone="+98 935 123 4567")

    assert response.status_code == 202, response.content
    assert response.json()["code_length"] == 6
    assert [message["phone"] for message in sms_outbox] == [PHONE]
    code = OutboxSmsBackend.last_code(PHONE)
    assert code is not None and len(code) == 6
    assert "5 minutes" in sms_outbox[0]["text"]  # in the reader's language (English asked for)
    stored = OneTimeCode.objects.get()
    assert (stored.phone, stored.purpose, stored.attempts, stored.used_at) == (PHONE, "signup", 0, None)
    assert code not in stored.code_hash and len(stored.code_hash) == 64
    lifetime = stored.expires_at - stored.created_at
    assert lifetime == datetime.timedelta(minutes=5)


@pytest.mark.parametrize("typed", ["0912", "02112345678", "not a number", "+1 555 123 4567"])
def test_an_invalid_mobile_number_is_refused_and_nothing_is_sent(client, sms_outbox, typed):
    response = ask_code(client, phone=typed)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_phone"
    assert response.json()["error"]["details"] == {"field": "phone"}
    assert sms_outbox == [] and not OneTimeCode.objects.exists()


def test_an_unknown_purpose_is_invalid_input(client):
    response = ask_code(client, purpose="reset")

    assert response.status_code == 422


def test_a_number_with_an_account_gets_no_signup_code(client, sms_outbox):
    PersonFactory(phone=PHONE)

    response = ask_code(client, phone=persian_digits(PHONE))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "phone_taken"
    assert sms_outbox == []


def test_a_number_without_an_account_gets_no_login_code(client, sms_outbox):
    response = ask_code(client, purpose="login")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "no_account_for_phone"
    assert sms_outbox == []


def test_codes_per_number_are_limited_with_retry_after(client, sms_outbox):
    statuses = [ask_code(client).status_code for _ in range(3)]
    fourth = ask_code(client, phone="0098" + PHONE[1:])  # the same number typed otherwise

    assert statuses == [202, 202, 202]
    assert fourth.status_code == 429
    error = fourth.json()["error"]
    assert error["code"] == "too_many_code_requests"
    assert error["message"] == "Too many codes were asked for. Try again in 15 minutes."
    assert 890 <= int(fourth["Retry-After"]) <= 900 and error["details"]["retry_after"] == int(
        fourth["Retry-After"]
    )
    assert len(sms_outbox) == 3
    assert ask_code(client, phone="09351234568").status_code == 202  # another number is not held up


def test_codes_per_address_are_limited(client, sms_outbox):
    from_one_address = {"REMOTE_ADDR": "203.0.113.9"}
    statuses = [ask_code(client, phone=f"0935{n:07d}", **from_one_address).status_code for n in range(21)]
    elsewhere = ask_code(client, phone="09359999999", REMOTE_ADDR="198.51.100.7")

    assert statuses == [202] * 20 + [429]
    assert elsewhere.status_code == 202


# --- Using a code ----------------------------------------------------------------------------------------


def send(purpose="signup", phone=PHONE) -> str:
    services.one_time_code_send(phone=phone, purpose=purpose, client_ip="192.0.2.1")
    return OutboxSmsBackend.last_code(phone)


def use(code, purpose="signup", phone=PHONE):
    return services.one_time_code_use(phone=phone, purpose=purpose, code=code, client_ip="192.0.2.1")


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_the_right_code_works_once_in_any_digits(sms_outbox):
    code = send()

    assert use(persian_digits(code), phone="+98" + PHONE[1:]) == PHONE
    with pytest.raises(CodeRefused) as again:
        use(code)
    assert again.value.code == "code_invalid"


def test_a_wrong_code_says_how_many_guesses_are_left(sms_outbox):
    code = send()

    with pytest.raises(CodeRefused) as refused:
        use(wrong(code))

    assert refused.value.code == "code_invalid"
    assert refused.value.details == {"field": "code", "attempts_left": 4}
    assert OneTimeCode.objects.get().attempts == 1


def test_after_five_wrong_guesses_even_the_right_code_is_refused(sms_outbox):
    code = send()
    for _ in range(5):
        with pytest.raises(CodeRefused):
            use(wrong(code))

    with pytest.raises(CodeRefused) as refused:
        use(code)

    assert refused.value.code == "code_attempts_exhausted"
    assert OneTimeCode.objects.get().used_at is None


def test_an_expired_code_is_refused(sms_outbox):
    code = send()
    OneTimeCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    with pytest.raises(CodeRefused) as refused:
        use(code)

    assert refused.value.code == "code_expired"


def test_only_the_newest_code_counts(sms_outbox):
    first = send()
    second = send()
    while second == first:  # one in a million: the newest code must differ for the test to mean anything
        second = send()

    with pytest.raises(CodeRefused):
        use(first)
    assert use(second) == PHONE


def test_a_code_for_signing_up_does_not_log_in(sms_outbox):
    PersonFactory(phone="09350000001")
    signup_code = send(phone="09350000002")

    with pytest.raises(CodeRefused):
        use(signup_code, purpose="login", phone="09350000002")


# --- Signing up and logging in through the API ------------------------------------------------------------


def test_signing_up_with_a_code_makes_an_account_and_a_working_token(client, sms_outbox):
    ask_code(client, phone="0935 123 4567")
    code = OutboxSmsBackend.last_code(PHONE)

    response = sign_up(client, phone=persian_digits(PHONE), code=code)

    assert response.status_code == 201, response.content
    user = get_user_model().objects.get(phone=PHONE)
    assert (user.first_name, user.last_name, user.has_usable_password()) == ("Sara", "Ahmadi", False)
    assert user.preferred_language == "en"  # the language the person signed up in
    assert PHONE not in user.username
    me = Client(headers={"authorization": f"Bearer {response.json()['token']}"}).get("/api/v1/me").json()
    assert (me["id"], me["phone"], me["has_password"]) == (user.pk, PHONE, False)


def test_signing_up_with_a_password_lets_the_person_log_in_with_it(client, sms_outbox):
    ask_code(client)

    sign_up(client, phone=PHONE, code=OutboxSmsBackend.last_code(PHONE), password="a-long-secret-9")

    login = client.post(
        "/api/v1/auth/token",
        {"username": PHONE, "password": "a-long-secret-9"},
        content_type="application/json",
    )
    assert login.status_code == 201


def test_a_weak_password_is_refused_before_the_code_is_used(client, sms_outbox):
    ask_code(client)
    code = OutboxSmsBackend.last_code(PHONE)

    weak = sign_up(client, phone=PHONE, code=code, password="123")
    then = sign_up(client, phone=PHONE, code=code, password="a-long-secret-9")

    assert weak.status_code == 400
    assert weak.json()["error"]["code"] == "invalid_password"
    assert weak.json()["error"]["details"]["messages"]
    assert then.status_code == 201


@pytest.mark.parametrize(
    ("spoil", "code"),
    [
        (lambda: None, "code_invalid"),
        (lambda: OneTimeCode.objects.update(expires_at=timezone.now()), "code_expired"),
        (lambda: OneTimeCode.objects.update(attempts=5), "code_attempts_exhausted"),
    ],
    ids=["wrong", "expired", "too many guesses"],
)
def test_signing_up_with_a_bad_code_is_refused(client, sms_outbox, spoil, code):
    ask_code(client)
    right = OutboxSmsBackend.last_code(PHONE)
    spoil()

    response = sign_up(client, phone=PHONE, code=wrong(right) if code == "code_invalid" else right)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert not get_user_model().objects.filter(phone=PHONE).exists()


def test_signing_up_without_a_first_name_is_refused(client, sms_outbox):
    ask_code(client)

    response = sign_up(client, phone=PHONE, code=OutboxSmsBackend.last_code(PHONE), first_name="  ")

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"field": "first_name"}


def test_a_number_taken_meanwhile_is_refused_at_sign_up(client, sms_outbox):
    ask_code(client)
    PersonFactory(phone=PHONE)

    response = sign_up(client, phone=PHONE, code=OutboxSmsBackend.last_code(PHONE))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "phone_taken"


def test_signing_up_with_email_and_password(client):
    response = sign_up(client, email=" Nima@Example.ORG ", password="a-long-secret-9")

    assert response.status_code == 201, response.content
    user = get_user_model().objects.get(email="nima@example.org")
    assert user.phone is None and user.check_password("a-long-secret-9")


def test_an_email_address_is_taken_whatever_its_case(client):
    PersonFactory(email="nima@example.org")

    response = sign_up(client, email="NIMA@example.org", password="a-long-secret-9")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "email_taken"


@pytest.mark.parametrize(
    "payload",
    [
        {"email": "not-an-address", "password": "a-long-secret-9"},
    ],
)
def test_an_invalid_email_address_is_refused(client, payload):
    response = sign_up(client, **payload)

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"field": "email"}


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"phone": PHONE},
        {"email": "a@example.org"},
        {"phone": PHONE, "code": "123456", "email": "a@example.org", "password": "x"},
    ],
    ids=["nothing", "phone without code", "email without password", "both"],
)
def test_sign_up_needs_exactly_one_way(client, payload):
    assert sign_up(client, **payload).status_code == 422


def test_logging_in_with_a_code_gives_a_token(client, sms_outbox):
    person = PersonFactory(phone=PHONE)
    assert ask_code(client, purpose="login").status_code == 202

    response = token_with_code(client, persian_digits(PHONE), OutboxSmsBackend.last_code(PHONE))

    assert response.status_code == 201, response.content
    assert ApiToken.objects.get(pk=response.json()["token_id"]).user == person


def test_logging_in_with_a_wrong_code_is_refused_in_the_readers_language(client, sms_outbox):
    PersonFactory(phone=PHONE)
    ask_code(client, purpose="login")

    response = token_with_code(client, PHONE, wrong(OutboxSmsBackend.last_code(PHONE)))

    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "code_invalid",
        "message": "This code is not right. Check the SMS and type it again.",
        "details": {"field": "code", "attempts_left": 4},
    }
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [{"username": "x"}, {"phone": PHONE}, {"username": "x", "password": "y", "phone": PHONE, "code": "1"}],
)
def test_the_token_endpoint_needs_exactly_one_way_to_log_in(client, payload):
    response = client.post("/api/v1/auth/token", payload, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"


def test_a_deactivated_person_cannot_log_in_with_a_code_sent_before(client, sms_outbox):
    person = PersonFactory(phone=PHONE)
    ask_code(client, purpose="login")
    person.is_active = False
    person.save()

    response = token_with_code(client, PHONE, OutboxSmsBackend.last_code(PHONE))

    assert response.status_code == 401


def test_password_failures_never_block_logging_in_with_a_code(client, sms_outbox):
    """Whoever fails passwords for a person, from everywhere and from the owner's own address, the owner
    still gets in with a code sent to their phone."""
    person = PersonFactory(phone=PHONE)
    owners_address = {"REMOTE_ADDR": "198.51.100.7"}

    def wrong_password(**meta):
        return client.post(
            "/api/v1/auth/token",
            {"username": PHONE, "password": "wrong"},
            content_type="application/json",
            **meta,
        ).status_code

    assert [wrong_password(**owners_address) for _ in range(6)] == [401] * 5 + [429]
    for number in range(6):
        for _ in range(5):
            wrong_password(REMOTE_ADDR=f"203.0.113.{number}")
    assert wrong_password(REMOTE_ADDR="192.0.2.1") == 401  # its first failure: passes the person's limit
    assert wrong_password(REMOTE_ADDR="192.0.2.1") == 429

    assert ask_code(client, purpose="login", **owners_address).status_code == 202
    response = client.post(
        "/api/v1/auth/token",
        {"phone": PHONE, "code": OutboxSmsBackend.last_code(PHONE)},
        content_type="application/json",
        **owners_address,
    )

    assert response.status_code == 201, response.content
    assert ApiToken.objects.get(pk=response.json()["token_id"]).user == person


def test_wrong_codes_count_against_the_address(client, sms_outbox):
    """One address cannot spread its guesses over many numbers' codes."""
    people = [PersonFactory(phone=f"0935000{n:04d}") for n in range(21)]
    for number, person in enumerate(people):
        services.one_time_code_send(phone=person.phone, purpose="login", client_ip=f"192.0.2.{number}")
    attacker = {"REMOTE_ADDR": "203.0.113.9"}

    statuses = [
        client.post(
            "/api/v1/auth/token",
            {"phone": person.phone, "code": "000000"},
            content_type="application/json",
            **attacker,
        ).status_code
        for person in people
    ]

    assert statuses[:20].count(429) == 0 and statuses[20] == 429


def test_when_the_sms_provider_fails_the_answer_says_to_try_later(client):
    with override_settings(
        SMS_BACKEND="volunteers.sms.KavenegarSmsBackend", SMS_API_URL="http://127.0.0.1:9/v1", SMS_API_KEY="k"
    ):
        response = ask_code(client)

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "sms_not_sent"
