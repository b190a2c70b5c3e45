"""The profile: the web page (Jalali dates in any digits) and GET/PATCH /api/v1/me; the language of
notifications."""

import datetime

import pytest
from django.core import mail

from campaigns.tests.factories import PersonFactory
from city.models import District
from volunteers.models import Skill
from volunteers.notifications import person_notify
from volunteers.services import api_token_create

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}


@pytest.fixture
def person():
    return PersonFactory(first_name="Sara", last_name="Ahmadi")


@pytest.fixture
def skills():
    return [
        Skill.objects.create(slug="first-aid", name_fa="کمک‌های اولیه", name_en="First aid"),
        Skill.objects.create(slug="english", name_fa="راهنمایی به انگلیسی", name_en="Guiding in English"),
    ]


def profile_post(**overrides):
    data = {
        "first_name": "Sara",
        "last_name": "Ahmadi",
        "district": "",
        "date_of_birth": "",
        "emergency_contact_name": "",
        "emergency_contact_phone": "",
        "leaderboard_visibility": "name",
        "leaderboard_pseudonym": "",
        "preferred_language": "fa",
    }
    data.update(overrides)
    return data


# --- The web page --------------------------------------------------------------------------------------


def test_the_profile_page_saves_everything_with_a_jalali_date_in_persian_digits(client, person, skills):
    client.force_login(person)
    district = District.objects.get(number=3)

    response = client.post(
        "/account/profile/",
        profile_post(
            district=district.pk,
            skills=[skills[0].pk],
            date_of_birth="۱۳۷۰/۰۶/۳۱",
            emergency_contact_name="Parvin Ahmadi",
            emergency_contact_phone="۰۹۱۳ ۱۱۱ ۲۲۳۳",
            photo_consent="on",
            leaderboard_visibility="pseudonym",
            leaderboard_pseudonym="Cedar",
            preferred_language="en",
        ),
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.district == district
    assert list(person.skills.all()) == [skills[0]]
    assert person.date_of_birth == datetime.date(1991, 9, 22)
    assert (person.emergency_contact_name, person.emergency_contact_phone) == ("Parvin Ahmadi", "09131112233")
    assert person.photo_consent is True
    assert (person.leaderboard_visibility, person.leaderboard_pseudonym) == ("pseudonym", "Cedar")
    assert person.preferred_language == "en"
    page = client.get("/account/profile/").content.decode()
    assert "۱۳۷۰/۰۶/۳۱" in page  # shown back in the Jalali calendar


def test_a_gregorian_date_in_ascii_digits_works_too(client, person):
    client.force_login(person)

    client.post("/account/profile/", profile_post(date_of_birth="1991-09-22"))

    person.refresh_from_db()
    assert person.date_of_birth == datetime.date(1991, 9, 22)


@pytest.mark.parametrize("typed", ["1370/13/01", "1370/12/31", "31/06/1370", "yesterday", "۱۳۷۰/۰۶"])
def test_a_bad_jalali_date_is_a_form_error_and_what_was_typed_stays(client, person, typed):
    client.force_login(person)

    response = client.post(
        "/en/account/profile/", profile_post(date_of_birth=typed, emergency_contact_name="Kept")
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a date as year/month/day" in page
    assert 'value="Kept"' in page
    person.refresh_from_db()
    assert person.date_of_birth is None and person.emergency_contact_name == ""


def test_a_birth_date_in_the_future_is_refused_beside_its_field(client, person):
    client.force_login(person)

    response = client.post("/en/account/profile/", profile_post(date_of_birth="1499/01/01"))

    assert response.status_code == 200
    assert "This date of birth is not possible" in response.content.decode()
    assert response.context["form"].errors["date_of_birth"]


def test_a_pseudonym_is_needed_to_appear_under_one(client, person):
    client.force_login(person)

    response = client.post("/en/account/profile/", profile_post(leaderboard_visibility="pseudonym"))

    assert response.status_code == 200
    assert response.context["form"].errors["leaderboard_pseudonym"]


def test_the_profile_page_needs_a_log_in(client):
    assert client.get("/account/profile/")["location"].startswith("/account/login/")


# --- The API -------------------------------------------------------------------------------------------


def bearer(person):
    _, secret = api_token_create(user=person)
    from django.test import Client

    return Client(headers={"authorization": f"Bearer {secret}", **ENGLISH})


def patch(client, body):
    return client.patch("/api/v1/me", body, content_type="application/json")


def test_get_me_shows_the_whole_profile(person, skills):
    person.skills.set(skills[:1])
    person.date_of_birth = datetime.date(1991, 9, 22)
    person.district = District.objects.get(number=1)
    person.save()

    me = bearer(person).get("/api/v1/me").json()

    assert me["date_of_birth"] == "1991-09-22" and me["date_of_birth_jalali"] == "1370/06/31"
    assert me["district"]["number"] == 1
    assert me["skills"] == [{"slug": "first-aid", "name": "First aid"}]
    assert me["preferred_language"] == "fa" and me["has_password"] is True


def test_patch_me_changes_only_what_is_sent(person, skills):
    client = bearer(person)

    response = patch(
        client,
        {
            "date_of_birth": "۱۳۷۰/۰۶/۳۱",
            "skills": ["english", "first-aid"],
            "district": 2,
            "preferred_language": "en",
        },
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["date_of_birth"] == "1991-09-22"
    assert sorted(skill["slug"] for skill in body["skills"]) == ["english", "first-aid"]
    assert body["district"]["number"] == 2 and body["preferred_language"] == "en"
    assert body["first_name"] == "Sara"  # not sent, not changed
    cleared = patch(client, {"date_of_birth": None, "district": None, "skills": []}).json()
    assert (cleared["date_of_birth"], cleared["district"], cleared["skills"]) == (None, None, [])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"date_of_birth": "1370/13/01"}, "date_of_birth"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"district": 999}, "district"),
        ({"skills": ["juggling"]}, "skills"),
        ({"emergency_contact_phone": "call my mum"}, "emergency_contact_phone"),
        ({"leaderboard_visibility": "pseudonym"}, "leaderboard_pseudonym"),
        ({"first_name": "   "}, "first_name"),
    ],
)
def test_patch_me_refuses_broken_rules_naming_the_field(person, body, field):
    response = patch(bearer(person), body)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_profile" and error["details"] == {"field": field}
    assert error["message"] and not error["message"].startswith("Value error")


@pytest.mark.parametrize(
    "body", [{"preferred_language": "de"}, {"photo_consent": "maybe"}, {"leaderboard_visibility": "all"}]
)
def test_patch_me_refuses_values_of_the_wrong_shape(person, body):
    response = patch(bearer(person), body)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"


def test_patch_me_cannot_change_the_mobile_number(person):
    response = patch(bearer(person), {"phone": "09129999999", "first_name": "Nima"})

    person.refresh_from_db()
    assert response.status_code == 200 and person.phone != "09129999999" and person.first_name == "Nima"


def test_patch_me_needs_authentication(client):
    assert client.patch("/api/v1/me", {}, content_type="application/json").status_code == 401


def test_the_skills_list_is_public(client, skills):
    response = client.get("/api/v1/skills", headers=ENGLISH)

    assert {item["slug"] for item in response.json()} == {"first-aid", "english"}


# --- Notifications follow the preferred language ----------------------------------------------------------


def test_notifications_use_the_persons_language_unless_the_caller_names_one(person):
    from django.utils.translation import gettext_lazy

    person.preferred_language = "en"
    person.save()
    subject = gettext_lazy("My account")  # translated in the catalogue

    person_notify(user=person, subject=subject, text="x")
    person_notify(user=person, subject=subject, text="x", language="fa")

    assert [message.subject for message in mail.outbox] == ["My account", str(_in_persian(subject))]


def _in_persian(text):
    from django.utils import translation

    with translation.override("fa"):
        return str(text)


@pytest.mark.parametrize("body", ["[]", '["first_name"]', '"Sara"', "null", "3", "true"])
def test_patch_me_with_a_body_that_is_not_an_object_is_invalid_input(person, body):
    response = bearer(person).patch("/api/v1/me", body, content_type="application/json", headers=ENGLISH)

    assert response.status_code == 422, response.content
    assert response.json()["error"] == {
        "code": "invalid_input",
        "message": "Some of the data sent is not valid.",
        "details": [{"field": "body", "message": "The body must be a JSON object."}],
    }


def test_a_body_that_is_not_json_is_refused_in_the_readers_language(person):
    english = bearer(person).patch("/api/v1/me", "{nope", content_type="application/json", headers=ENGLISH)
    persian = bearer(person).patch(
        "/api/v1/me", b"\xff{", content_type="application/json", headers={"accept-language": "fa"}
    )

    assert english.status_code == persian.status_code == 400
    assert english.json()["error"] == {"code": "http_400", "message": "The body is not valid JSON."}
    assert persian.json()["error"] == {"code": "http_400", "message": "بدنهٔ درخواست JSON معتبری نیست."}
