"""No API response shows a person's personal data to someone the privacy rules do not allow.

The test walks every GET operation of the NinjaAPI, read from its OpenAPI schema, so endpoints added later
are covered without touching this file. Each is called anonymously and as each of several people (with a
Bearer token): two citizens signed up for the same shifts and members of one NGO, a third person with no
tie to them, the staff of the shifts' department, the staff of another department and the NGO's manager.
Everyone's mobile number, e-mail address, date of birth and emergency contact are distinctive, and each
response body is searched for every form of them (Persian digits, Jalali dates…) that the viewer may not
see, as `volunteers.selectors` decides (tested on its own in volunteers/tests/test_privacy_rules.py).

Path parameters are filled with real objects: `<model>_id` with ids of that model (found by name),
other parameters with the field of that name on the model the path segment before it names
(`/services/{slug}` → Service.slug, `/invitations/{code}` → Invitation.code), enums with their values, and
PATH_VALUE_HINTS for the rest. An operation that answers only 404 or 422, or ever 5xx, fails the test with
its path, so none is skipped silently: teach this test how to fill its path instead (a hint, or an object
built in `world`).
"""

import datetime
import itertools
import re
from dataclasses import dataclass

import jdatetime
import pytest
from django.apps import apps
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from campaigns.models import Shift, SignUp, SignUpRequest
from campaigns.services import department_staff_group_ensure
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from city.models import Department
from config.api import api
from core.localization import jalali_month_of, persian_digits
from volunteers.models import Invitation, Organisation, OrganisationMembership, Skill, Team
from volunteers.selectors import contact_visible_to, personal_data_visible_to
from volunteers.services import api_token_create

pytestmark = pytest.mark.django_db

# Path parameters that name no model: the values to try.
PATH_VALUE_HINTS = {
    "kind": ["individuals", "teams", "districts"],
    # the open city's months: this one, whose figures the test's own rows make
    "year": [jalali_month_of(timezone.now())[0]],
    "month": [jalali_month_of(timezone.now())[1]],
}
# Path parameter names that differ from their model's name.
MODEL_ALIASES = {
    "call": "opencallpage",
    "ngo": "organisation",
    "person": "user",
    "member": "user",
    "volunteer": "user",
    "token": "apitoken",
    "request": "signuprequest",
}
MAX_VALUES_PER_PARAMETER = 4
MAX_CALLS_PER_VIEWER_AND_ROUTE = 8


@dataclass(frozen=True)
class Secrets:
    phone: str
    email: str
    date_of_birth: datetime.date
    emergency_name: str
    emergency_phone: str


PEOPLE = {
    "citizen_a": Secrets(
        "09361110001", "alpha.private@example.net", datetime.date(1983, 7, 14), "Quillfeather", "09371110001"
    ),
    "citizen_b": Secrets(
        "09361110002", "bravo.private@example.net", datetime.date(1979, 11, 3), "Marrowdale", "09371110002"
    ),
    "third": Secrets(
        "09361110003", "charlie.private@example.net", datetime.date(1988, 1, 25), "Thistlewick", "09371110003"
    ),
    "staff": Secrets(
        "09361110004", "delta.private@example.net", datetime.date(1975, 5, 5), "Brambleton", "09371110004"
    ),
    "other_staff": Secrets(
        "09361110005", "echo.private@example.net", datetime.date(1990, 12, 12), "Copperfold", "09371110005"
    ),
    "ngo_manager": Secrets(
        "09361110006", "foxtrot.private@example.net", datetime.date(1981, 10, 10), "Wrenhollow", "09371110006"
    ),
}


def _phone_forms(phone: str) -> list[str]:
    national = phone[1:]  # found inside 09…, +98… and 0098… alike
    return [national, persian_digits(national)]


def _date_forms(date: datetime.date) -> list[str]:
    jalali = jdatetime.date.fromgregorian(date=date)
    forms = [
        date.isoformat(),
        f"{jalali.year}/{jalali.month:02}/{jalali.day:02}",
        f"{jalali.year}-{jalali.month:02}-{jalali.day:02}",
        f"{jalali.year}/{jalali.month}/{jalali.day}",
    ]
    return forms + [persian_digits(form) for form in forms]


def contact_forms(secrets: Secrets) -> list[str]:
    return [*_phone_forms(secrets.phone), secrets.email]


def personal_only_forms(secrets: Secrets) -> list[str]:
    return [
        *_date_forms(secrets.date_of_birth),
        secrets.emergency_name.lower(),
        *_phone_forms(secrets.emergency_phone),
    ]


# --- The world the test walks --------------------------------------------------------------------------


def _person(key: str, **fields):
    secrets = PEOPLE[key]
    return PersonFactory(
        username=f"privacy-{key}",
        phone=secrets.phone,
        email=secrets.email,
        date_of_birth=secrets.date_of_birth,
        emergency_contact_name=f"{secrets.emergency_name} Person",
        emergency_contact_phone=secrets.emergency_phone,
        **fields,
    )


def _confirmed(shift, volunteer) -> SignUp:
    Shift.objects.filter(pk=shift.pk).update(confirmed_count=shift.confirmed_count + 1)
    shift.refresh_from_db()
    return SignUp.objects.create(shift=shift, volunteer=volunteer, status=SignUp.Status.CONFIRMED)


def _optional_objects(people: dict, past_signups: list[SignUp]) -> list[str]:
    """Objects of other apps, built with their test factories; a factory that changed is reported (with
    the routes it leaves unexercised), not fatal."""
    problems = []
    try:
        from verification.models import Completion

        for signup in past_signups:
            Completion.objects.create(
                signup=signup, reported_by=signup.volunteer, hours=2, note="privacy test"
            )
    except Exception as error:  # noqa: BLE001
        problems.append(f"completions: {error!r}")
    try:
        from rewards.tests.factories import reward_create

        reward_create(department_slug="urban_services")
    except Exception as error:  # noqa: BLE001
        problems.append(f"rewards: {error!r}")
    return problems


@pytest.fixture
def world():
    cache.clear()
    people = {key: _person(key) for key in PEOPLE}
    urban = Department.objects.get(slug="urban_services")
    people["staff"].groups.add(department_staff_group_ensure(department=urban))
    people["other_staff"].groups.add(
        department_staff_group_ensure(department=Department.objects.get(slug="traffic"))
    )
    skill = Skill.objects.create(slug="privacy-first-aid", name_fa="کمک‌های اولیه", name_en="First aid")
    for key in ("citizen_a", "citizen_b"):
        people[key].skills.add(skill)

    call = publish_call(points_per_hour=10)  # Urban Services
    upcoming = add_shift(call, starts_in=datetime.timedelta(days=2))
    past = add_shift(call, starts_in=-datetime.timedelta(days=1))
    past_signups = []
    for key in ("citizen_a", "citizen_b"):
        _confirmed(upcoming, people[key])
        past_signups.append(_confirmed(past, people[key]))
    for key in ("citizen_a", "citizen_b"):  # a queued sign-up of each, for another shift
        SignUpRequest.objects.create(shift=add_shift(call), person=people[key], language="fa")

    ngo = Organisation.objects.create(
        name_fa="انجمن حریم", registration_number="PRIVACY-1", verified_at=timezone.now()
    )
    OrganisationMembership.objects.create(organisation=ngo, user=people["ngo_manager"], role="manager")
    team = Team.objects.create(organisation=ngo, name="Privacy team")
    for key in ("citizen_a", "citizen_b"):
        OrganisationMembership.objects.create(organisation=ngo, user=people[key])
        team.members.add(people[key])
    Invitation.objects.create(
        organisation=ngo,
        team=team,
        code="PRIVACYCODE2",
        created_by=people["ngo_manager"],
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    _voice_items(people, urban)
    problems = _optional_objects(people, past_signups)
    return people, problems


def _voice_items(people: dict, department) -> None:
    """One published item of citizen A's and one private complaint of citizen B's: neither author's contact
    may show on any public or other person's page."""
    from voice.models import Category
    from voice.services import item_publish, item_submit

    subject = Category.objects.filter(department=department).first()
    shown = item_submit(
        kind="problem",
        category=subject,
        title="Privacy pothole",
        body="A deep hole",
        language="fa",
        author=people["citizen_a"],
        latitude="32.65",
        longitude="51.66",
        public_allowed=True,
    )
    item_publish(item_id=shown.pk, by=people["staff"], public_title="", public_body="")
    item_submit(
        kind="complaint",
        category=subject,
        title="Private",
        body="A complaint",
        language="fa",
        author=people["citizen_b"],
    )


# --- Filling paths -------------------------------------------------------------------------------------


def _model_named(name: str):
    wanted = MODEL_ALIASES.get(name, name).replace("_", "").lower()
    for model in apps.get_models():
        if model._meta.model_name == wanted:
            return model
    return None


def _singular(segment: str) -> str:
    segment = segment.replace("-", "_")
    if segment.endswith("ies"):
        return segment[:-3] + "y"
    return segment[:-1] if segment.endswith("s") else segment


def _values_for(path: str, parameter: dict) -> list:
    name = parameter["name"]
    schema = parameter.get("schema", {})
    if "enum" in schema:
        return list(schema["enum"])
    if name in PATH_VALUE_HINTS:
        return PATH_VALUE_HINTS[name]
    before = re.split(r"/", path.split("{" + name + "}")[0].rstrip("/"))[-1]
    if name.endswith("_id") or name in ("id", "pk"):
        model = _model_named(name[:-3] if name.endswith("_id") else _singular(before))
        field = "pk"
    else:
        model = _model_named(_singular(before))
        field = name
    if model is None or (field != "pk" and field not in {f.name for f in model._meta.get_fields()}):
        return []
    return list(model.objects.order_by("-pk").values_list(field, flat=True)[:MAX_VALUES_PER_PARAMETER])


def _urls(path: str, parameters: list[dict]) -> list[str]:
    in_path = [parameter for parameter in parameters if parameter.get("in") == "path"]
    choices = [_values_for(path, parameter) for parameter in in_path]
    if any(not values for values in choices):
        return [path]  # called as it is, it answers 404 or 422, and is reported
    urls = []
    for combination in itertools.islice(itertools.product(*choices), MAX_CALLS_PER_VIEWER_AND_ROUTE):
        url = path
        for parameter, value in zip(in_path, combination, strict=True):
            url = url.replace("{" + parameter["name"] + "}", str(value))
        urls.append(url)
    return urls


def _get_operations() -> list[tuple[str, list[dict]]]:
    schema = api.get_openapi_schema()
    return [
        (path, operations["get"].get("parameters", []))
        for path, operations in schema["paths"].items()
        if "get" in operations
    ]


# --- The test --------------------------------------------------------------------------------------------


def _forbidden_for(viewer, people: dict) -> dict[str, str]:
    """Every form of every personal datum the viewer may not see, with whose and what it is."""
    forbidden = {}
    for key, person in people.items():
        secrets = PEOPLE[key]
        if viewer is None or not contact_visible_to(viewer, person):
            for form in contact_forms(secrets):
                forbidden[form.lower()] = f"{key}'s contact"
        if viewer is None or not personal_data_visible_to(viewer, person):
            for form in personal_only_forms(secrets):
                forbidden[form.lower()] = f"{key}'s personal data"
    return forbidden


def test_no_get_endpoint_shows_anyone_personal_data_they_may_not_see(world):
    people, problems = world
    viewers = {"anonymous": (None, Client())}
    for key in ("citizen_a", "citizen_b", "third", "staff", "other_staff", "ngo_manager"):
        _, secret = api_token_create(user=people[key], name="privacy test")
        viewers[key] = (people[key], Client(headers={"authorization": f"Bearer {secret}"}))

    leaks, not_exercised, server_errors = [], [], []
    operations = _get_operations()
    assert len(operations) >= 5, "the API's GET operations were not found"
    for path, parameters in operations:
        statuses = set()
        for viewer_key, (viewer, client) in viewers.items():
            forbidden = _forbidden_for(viewer, people)
            for url in _urls(path, parameters):
                cache.clear()  # rate limits must not hide an answer
                response = client.get(url)
                statuses.add(response.status_code)
                if response.status_code >= 500:
                    server_errors.append(f"{url} as {viewer_key}: {response.status_code}")
                body = response.content.decode("utf-8", errors="replace").lower()
                leaks.extend(
                    f"{url} as {viewer_key} shows {whose} ({form!r})"
                    for form, whose in forbidden.items()
                    if form in body
                )
        if statuses <= {404, 422}:
            not_exercised.append(f"{path} (answered only {sorted(statuses)})")

    assert not leaks, "Personal data leaked:\n" + "\n".join(leaks)
    assert not server_errors, "Server errors:\n" + "\n".join(server_errors)
    assert not not_exercised, (
        "These GET operations could not be called with real objects, so their privacy is untested; give "
        "tests/test_privacy.py a way to fill their paths:\n"
        + "\n".join(not_exercised)
        + ("\nObjects that could not be built: " + "; ".join(problems) if problems else "")
    )


def test_the_walk_catches_a_leak(world):
    """The search would find a phone number in Persian digits and a Jalali date of birth."""
    people, _ = world
    third = people["third"]
    secrets = PEOPLE["citizen_a"]
    forbidden = _forbidden_for(third, people)
    jalali = jdatetime.date.fromgregorian(date=secrets.date_of_birth)
    jalali_birthday = persian_digits(f"{jalali.year}/{jalali.month:02}/{jalali.day:02}")
    leaking_body = f"{persian_digits(secrets.phone)} · {jalali_birthday}"

    assert [whose for form, whose in forbidden.items() if form in leaking_body.lower()] == [
        "citizen_a's contact",
        "citizen_a's personal data",
    ]
    assert not [
        form for form in _forbidden_for(people["citizen_a"], people) if PEOPLE["citizen_a"].email in form
    ]
