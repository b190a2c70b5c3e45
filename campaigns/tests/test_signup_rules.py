"""The personal rules of signing up (minimum age, required skills, no two overlapping shifts) and who a
call is open to: each refusal has its own code, in the service, on the web and in the API."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone, translation

from campaigns.errors import SignUpConflict, SignUpRefused
from campaigns.models import Shift, SignUp
from campaigns.services import signup_cancel, signup_create
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from volunteers.models import Skill
from volunteers.services import api_token_create

pytestmark = pytest.mark.django_db


def years_ago(years: int, *, days: int = 0) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


@pytest.fixture
def first_aid():
    return Skill.objects.create(slug="first-aid", name_fa="کمک‌های اولیه", name_en="First aid")


def call_needing(skill):
    call = publish_call()
    call.required_skills.set([skill])
    call.save()
    return call


def refusal(shift, person) -> str:
    with pytest.raises((SignUpRefused, SignUpConflict)) as refused:
        signup_create(shift=shift, volunteer=person)
    return refused.value.code


# --- Services -------------------------------------------------------------------------------------------


def test_a_call_with_a_minimum_age_asks_for_a_date_of_birth_first():
    shift = add_shift(publish_call(min_age=18))
    person = PersonFactory()

    with pytest.raises(SignUpRefused) as refused:
        signup_create(shift=shift, volunteer=person)

    assert refused.value.code == "date_of_birth_missing"
    with translation.override("fa"):
        message = str(refused.value.message)
    # Persian digits, and no address inside right-to-left text (it is in the details)
    assert "۱۸" in message and "18" not in message and "/account/" not in message
    assert refused.value.details["min_age"] == 18
    assert refused.value.details["profile_url"] == "/account/profile/"
    assert not SignUp.objects.exists()


def test_the_minimum_age_counts_on_the_day_of_the_shift():
    shift = add_shift(publish_call(min_age=18), starts_in=datetime.timedelta(days=10))
    too_young = PersonFactory(date_of_birth=years_ago(18, days=-20))  # 18 only in 20 days
    old_enough = PersonFactory(date_of_birth=years_ago(18, days=-5))  # 18 five days from now

    assert refusal(shift, too_young) == "too_young"
    assert signup_create(shift=shift, volunteer=old_enough).status == "confirmed"


def test_a_call_with_no_minimum_age_needs_no_date_of_birth():
    assert signup_create(shift=add_shift(publish_call()), volunteer=PersonFactory()).status == "confirmed"


def test_required_skills_must_all_be_on_the_profile(first_aid):
    shift = add_shift(call_needing(first_aid))
    without, with_skill = PersonFactory(), PersonFactory()
    with_skill.skills.add(first_aid)

    with pytest.raises(SignUpRefused) as refused:
        signup_create(shift=shift, volunteer=without)

    assert refused.value.code == "skills_missing"
    assert refused.value.details == {"missing_skills": ["first-aid"], "profile_url": "/account/profile/"}
    assert signup_create(shift=shift, volunteer=with_skill).status == "confirmed"


@pytest.mark.parametrize(
    ("starts_in_hours", "hours", "overlaps"),
    [(0, 3, True), (2, 3, True), (-2, 3, True), (3, 2, False), (-3, 3, False)],
    ids=["same time", "starts during", "ends during", "starts as it ends", "ends as it starts"],
)
def test_nobody_holds_two_overlapping_shifts(starts_in_hours, hours, overlaps):
    person = PersonFactory()
    base = timezone.now().replace(microsecond=0) + datetime.timedelta(days=3)
    first = Shift.objects.create(
        call=publish_call(), starts_at=base, ends_at=base + datetime.timedelta(hours=3), capacity=5
    )
    signup_create(shift=first, volunteer=person)
    other_start = base + datetime.timedelta(hours=starts_in_hours)
    other = Shift.objects.create(
        call=publish_call(),
        starts_at=other_start,
        ends_at=other_start + datetime.timedelta(hours=hours),
        capacity=5,
    )

    if overlaps:
        assert refusal(other, person) == "overlapping_signup"
    else:
        assert signup_create(shift=other, volunteer=person).status == "confirmed"


def test_a_place_in_line_counts_as_overlapping_and_cancelling_frees_the_time():
    person = PersonFactory()
    full = add_shift(publish_call(), capacity=1)
    signup_create(shift=full, volunteer=PersonFactory())
    in_line = signup_create(shift=full, volunteer=person)
    same_time = add_shift(publish_call())

    assert refusal(same_time, person) == "overlapping_signup"
    signup_cancel(signup=in_line)
    assert signup_create(shift=same_time, volunteer=person).status == "confirmed"


def test_calls_for_teams_only_refuse_individuals():
    shift = add_shift(publish_call(open_to_individuals=False, open_to_teams=True))

    assert refusal(shift, PersonFactory()) == "call_teams_only"


# --- Web ------------------------------------------------------------------------------------------------


@pytest.fixture
def web(client):
    person = PersonFactory()
    client.force_login(person)
    client.person = person
    return client


def web_sign_up(client, shift):
    with translation.override("fa"):
        call_url = shift.call.get_url()
    response = client.post(f"/en/my/shifts/{shift.pk}/sign-up/", {"next": call_url}, follow=True)
    return [str(message) for message in response.context["messages"]]


def test_the_web_shows_each_rule_s_message(web, first_aid):
    teams_only = add_shift(publish_call(open_to_individuals=False), starts_in=datetime.timedelta(days=7))
    taken = add_shift(publish_call(), starts_in=datetime.timedelta(days=9))
    overlapping = add_shift(publish_call(), starts_in=datetime.timedelta(days=9, hours=1))
    signup_create(shift=taken, volunteer=web.person)

    messages = [web_sign_up(web, shift) for shift in (teams_only, overlapping)]

    assert "only for NGO teams" in messages[0][0]
    assert "at the same time as this shift" in messages[1][0]
    assert SignUp.objects.filter(volunteer=web.person).count() == 1


def test_on_the_web_a_call_asks_for_the_date_of_birth_and_skills_it_needs_before_any_refusal(
    web, first_aid
):
    # given a call for people aged 16 or more that needs first aid, and a new citizen whose profile has
    # neither a date of birth nor skills
    call = publish_call(min_age=16)
    call.required_skills.set([first_aid])
    call.save()
    shift = add_shift(call, starts_in=datetime.timedelta(days=5))
    with translation.override("fa"):
        call_url = shift.call.get_url()

    # when they press "Sign up", they are asked for both, not refused
    response = web.post(f"/en/my/shifts/{shift.pk}/sign-up/", {"next": call_url})
    assert response.status_code == 302 and "/sign-up/requirements/" in response["Location"]
    page = web.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "aged 16 or older" in html and 'name="date_of_birth"' in html and "First aid" in html
    assert not SignUp.objects.filter(volunteer=web.person).exists()

    # and a skill left unticked is asked again, nothing saved
    again = web.post(response["Location"], {"date_of_birth": "1990-05-01"})
    assert again.status_code == 200 and "needs every skill" in again.content.decode()
    web.person.refresh_from_db()
    assert web.person.date_of_birth is None

    # and answering saves them to the profile and signs them up in one step
    answers = {"date_of_birth": "1990-05-01", "skills": [first_aid.pk]}
    done = web.post(response["Location"], answers, follow=True)
    web.person.refresh_from_db()
    assert web.person.date_of_birth == datetime.date(1990, 5, 1)
    assert list(web.person.skills.all()) == [first_aid]
    assert SignUp.objects.get(volunteer=web.person, shift=shift).status == SignUp.Status.CONFIRMED
    assert any("You are signed up" in str(message) for message in done.context["messages"])


def test_on_the_web_someone_too_young_is_told_so_after_giving_their_date_of_birth(web):
    shift = add_shift(publish_call(min_age=18), starts_in=datetime.timedelta(days=5))
    url = f"/en/my/shifts/{shift.pk}/sign-up/requirements/"

    response = web.post(url, {"date_of_birth": years_ago(15).isoformat()}, follow=True)

    assert not SignUp.objects.filter(volunteer=web.person).exists()
    assert any("aged 18 or older" in str(message) for message in response.context["messages"])


def test_the_persian_date_of_birth_is_accepted_on_the_way(web):
    shift = add_shift(publish_call(min_age=18), starts_in=datetime.timedelta(days=5))

    web.post(f"/my/shifts/{shift.pk}/sign-up/requirements/", {"date_of_birth": "۱۳۶۹/۰۲/۱۱"})

    web.person.refresh_from_db()
    assert web.person.date_of_birth == datetime.date(1990, 5, 1)
    assert SignUp.objects.filter(volunteer=web.person, shift=shift).exists()


def test_the_web_still_signs_up_someone_who_meets_every_rule(web, first_aid):
    web.person.date_of_birth = years_ago(30)
    web.person.save()
    web.person.skills.add(first_aid)
    call = call_needing(first_aid)
    call.min_age = 18
    call.save()
    shift = add_shift(call)

    messages = web_sign_up(web, shift)

    assert messages and "You are signed up" in messages[0]
    assert SignUp.objects.get(volunteer=web.person).status == "confirmed"


# --- API ------------------------------------------------------------------------------------------------


@pytest.fixture
def api():
    person = PersonFactory()
    _, secret = api_token_create(user=person, name="test")
    client = Client(headers={"authorization": f"Bearer {secret}", "accept-language": "en"})
    client.person = person
    return client


def test_the_api_answers_each_rule_with_its_code(api, first_aid):
    aged = add_shift(publish_call(min_age=16))
    skilled = add_shift(call_needing(first_aid), starts_in=datetime.timedelta(days=5))
    teams_only = add_shift(publish_call(open_to_individuals=False), starts_in=datetime.timedelta(days=7))
    taken = add_shift(publish_call(), starts_in=datetime.timedelta(days=9))
    overlapping = add_shift(publish_call(), starts_in=datetime.timedelta(days=9, hours=2))
    signup_create(shift=taken, volunteer=api.person)
    young = PersonFactory(date_of_birth=years_ago(12))
    _, young_secret = api_token_create(user=young, name="test")

    responses = [
        api.post(f"/api/v1/shifts/{shift.pk}/signups") for shift in (aged, skilled, teams_only, overlapping)
    ]
    too_young = Client(headers={"authorization": f"Bearer {young_secret}"}).post(
        f"/api/v1/shifts/{aged.pk}/signups"
    )

    assert [(r.status_code, r.json()["error"]["code"]) for r in responses] == [
        (400, "date_of_birth_missing"),
        (400, "skills_missing"),
        (400, "call_teams_only"),
        (409, "overlapping_signup"),
    ]
    assert responses[0].json()["error"]["details"] == {"min_age": 16, "profile_url": "/en/account/profile/"}
    assert responses[1].json()["error"]["message"].startswith("This call needs these skills: First aid.")
    assert responses[3].json()["error"]["details"]["shift_id"] == taken.pk
    assert (too_young.status_code, too_young.json()["error"]["code"]) == (400, "too_young")
    assert SignUp.objects.filter(volunteer=api.person).count() == 1
