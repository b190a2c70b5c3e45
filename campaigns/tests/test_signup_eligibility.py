"""Eligibility up front: a call's required qualifications (verified, valid on the shift's day), its waiver
with a version, and a guardian's consent for minors; refused with their codes in the service, asked on
the web's sign-up path, answered by the API, and applied when an NGO manager assigns a member."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.errors import SignUpRefused
from campaigns.models import SignUp, WaiverAcceptance
from campaigns.selectors import shift_roster
from campaigns.services import (
    department_staff_group_ensure,
    signup_create,
    team_reservation_assign,
    team_reservation_create,
    waiver_accept,
)
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from campaigns.tests.teams import Ngo
from volunteers.eligibility.services import guardian_consent_confirm, guardian_consent_request
from volunteers.errors import CodeRefused
from volunteers.models import GuardianConsent, OneTimeCode, Qualification, QualificationKind
from volunteers.services import api_token_create
from volunteers.sms import OutboxSmsBackend

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_attempts_counted_yet():
    for name in ("default", "limits"):
        caches[name].clear()
    yield
    for name in ("default", "limits"):
        caches[name].clear()


@pytest.fixture
def sms_outbox(monkeypatch):
    outbox: list[dict] = []
    monkeypatch.setattr(OutboxSmsBackend, "outbox", outbox)
    return outbox


@pytest.fixture
def first_aid():
    return QualificationKind.objects.create(slug="first-aid", name_fa="کمک‌های اولیه", name_en="First aid")


def call_needing(kind, **fields):
    call = publish_call(**fields)
    call.required_qualifications.set([kind])
    call.save()
    return call


def holds(person, kind, *, valid_until, status=Qualification.Status.VERIFIED, issued_days_ago=100):
    return Qualification.objects.create(
        person=person,
        kind=kind,
        certificate_number="FA-1",
        issued_on=timezone.localdate() - datetime.timedelta(days=issued_days_ago),
        valid_until=valid_until,
        status=status,
    )


def code_of(function, **kwargs) -> str:
    with pytest.raises(SignUpRefused) as refused:
        function(**kwargs)
    return refused.value.code


def years_ago(years: int, *, days: int = 0) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


def api_client(person) -> Client:
    _, secret = api_token_create(user=person, name="test")
    return Client(headers={"authorization": f"Bearer {secret}", "accept-language": "en"})


# --- Qualifications -------------------------------------------------------------------------------------


def test_a_required_qualification_must_be_verified(first_aid):
    shift = add_shift(call_needing(first_aid))
    nothing, pending, rejected, verified = PersonFactory.create_batch(4)
    holds(pending, first_aid, valid_until=None, status=Qualification.Status.PENDING)
    holds(rejected, first_aid, valid_until=None, status=Qualification.Status.REJECTED)
    holds(verified, first_aid, valid_until=None)

    for person in (nothing, pending, rejected):
        assert code_of(signup_create, shift=shift, volunteer=person) == "qualifications_missing"
    assert signup_create(shift=shift, volunteer=verified).status == SignUp.Status.CONFIRMED


def test_the_expiry_is_checked_against_the_shifts_day_not_today(first_aid):
    shift = add_shift(call_needing(first_aid), starts_in=datetime.timedelta(days=10))
    shift_day = timezone.localtime(shift.starts_at).date()
    expires_before, expires_on_the_day = PersonFactory.create_batch(2)
    holds(expires_before, first_aid, valid_until=shift_day - datetime.timedelta(days=1))  # valid today
    holds(expires_on_the_day, first_aid, valid_until=shift_day)

    with pytest.raises(SignUpRefused) as refused:
        signup_create(shift=shift, volunteer=expires_before)
    assert refused.value.code == "qualifications_missing"
    assert refused.value.details["missing_qualifications"] == ["first-aid"]
    assert refused.value.details["qualifications_url"] == "/account/qualifications/"
    assert signup_create(shift=shift, volunteer=expires_on_the_day).status == SignUp.Status.CONFIRMED


def test_an_ngo_manager_cannot_assign_a_member_lacking_the_qualification(first_aid):
    ngo = Ngo(members=2)
    shift = add_shift(call_needing(first_aid), team_places=2)
    reservation = team_reservation_create(shift=shift, team=ngo.team, places=2, actor=ngo.manager)
    lacking, qualified = ngo.members
    holds(qualified, first_aid, valid_until=None)

    with pytest.raises(SignUpRefused) as refused:
        team_reservation_assign(reservation=reservation, member=lacking, actor=ngo.manager)
    assert refused.value.code == "qualifications_missing"
    assert lacking.display_name in str(refused.value.message)
    assert team_reservation_assign(reservation=reservation, member=qualified, actor=ngo.manager).pk


def test_the_new_rules_add_no_query_to_signing_up(first_aid):
    # given a call with every new rule, and one without any: the same number of statements
    plain = add_shift(publish_call(guardian_consent_required=False))
    demanding = add_shift(
        call_needing(first_aid, waiver_fa="متن", waiver_version="1"), starts_in=datetime.timedelta(days=4)
    )
    person = PersonFactory(date_of_birth=years_ago(30))
    holds(person, first_aid, valid_until=None)
    WaiverAcceptance.objects.create(person=person, call=demanding.call, version="1", channel="web")
    other = PersonFactory(date_of_birth=years_ago(30))

    with CaptureQueriesContext(connection) as without_rules:
        signup_create(shift=plain, volunteer=other)
    with CaptureQueriesContext(connection) as with_rules:
        signup_create(shift=demanding, volunteer=person)
    assert len(with_rules) == len(without_rules)


# --- The waiver ------------------------------------------------------------------------------------------


def test_a_waiver_must_be_accepted_in_its_current_version():
    shift = add_shift(publish_call(waiver_fa="متن تعهدنامه", waiver_version="2"))
    person = PersonFactory()

    assert code_of(signup_create, shift=shift, volunteer=person) == "waiver_not_accepted"
    assert (
        code_of(signup_create, shift=shift, volunteer=person, accept_waiver_version="1")
        == "waiver_version_stale"
    )
    signup = signup_create(shift=shift, volunteer=person, accept_waiver_version="2", channel="api")

    assert signup.status == SignUp.Status.CONFIRMED
    accepted = WaiverAcceptance.objects.get()
    assert (accepted.person, accepted.call_id, accepted.version, accepted.channel) == (
        person,
        shift.call_id,
        "2",
        "api",
    )


def test_a_new_waiver_version_asks_people_signed_up_without_cancelling_them():
    call = publish_call(waiver_fa="نسخهٔ اول", waiver_en="First version", waiver_version="1")
    shift = add_shift(call)
    person = PersonFactory()
    signup_create(shift=shift, volunteer=person, accept_waiver_version="1")
    client = Client()
    client.force_login(person)
    assert "Waivers changed" not in client.get("/en/my/shifts/").content.decode()

    # when staff change the text and bump the version
    call.waiver_en, call.waiver_version = "Second version", "2"
    call.save_revision().publish()

    page = client.get("/en/my/shifts/").content.decode()
    assert "Waivers changed since you signed up" in page and "Second version" in page
    assert SignUp.objects.get().status == SignUp.Status.CONFIRMED  # kept, not cancelled
    with pytest.raises(SignUpRefused):
        waiver_accept(call=call, person=person, version="1", channel="web")
    response = client.post(f"/en/my/calls/{call.pk}/waiver/accept/", {"version": "2"})
    assert response.status_code == 302
    assert set(WaiverAcceptance.objects.values_list("version", flat=True)) == {"1", "2"}
    assert "Waivers changed" not in client.get("/en/my/shifts/").content.decode()


def test_the_api_takes_accept_waiver_version_and_refuses_without_it():
    shift = add_shift(publish_call(waiver_fa="متن", waiver_en="Text", waiver_version="3"))
    client = api_client(PersonFactory())

    detail = client.get(f"/api/v1/calls/{shift.call_id}").json()
    assert (detail["waiver"], detail["waiver_version"]) == ("Text", "3")
    missing = client.post(f"/api/v1/shifts/{shift.pk}/signups")
    stale = client.post(f"/api/v1/shifts/{shift.pk}/signups?accept_waiver_version=2")
    assert (missing.status_code, missing.json()["error"]["code"]) == (400, "waiver_not_accepted")
    assert (stale.status_code, stale.json()["error"]["code"]) == (400, "waiver_version_stale")
    assert stale.json()["error"]["details"] == {"waiver_version": "3"}
    assert client.post(f"/api/v1/shifts/{shift.pk}/signups?accept_waiver_version=3").status_code == 201
    again = client.post(
        f"/api/v1/calls/{shift.call_id}/waiver-acceptances", {"version": "3"}, content_type="application/json"
    )
    assert again.status_code == 201 and again.json()["channel"] == "api"  # the first record is kept


# --- A guardian's consent --------------------------------------------------------------------------------


def test_a_minor_on_the_shifts_day_needs_a_guardians_consent():
    shift = add_shift(publish_call(min_age=12), starts_in=datetime.timedelta(days=10))
    minor = PersonFactory(date_of_birth=years_ago(18, days=-20))  # 18 only after the shift
    adult_on_the_day = PersonFactory(date_of_birth=years_ago(18, days=-5))
    not_asked = add_shift(publish_call(min_age=12, guardian_consent_required=False))

    with pytest.raises(SignUpRefused) as refused:
        signup_create(shift=shift, volunteer=minor)
    assert refused.value.code == "guardian_consent_missing"
    assert signup_create(shift=shift, volunteer=adult_on_the_day).status == SignUp.Status.CONFIRMED
    assert signup_create(shift=not_asked, volunteer=minor).status == SignUp.Status.CONFIRMED


def test_the_guardians_code_records_the_consent_for_a_year(sms_outbox):
    shift = add_shift(publish_call(min_age=12))
    minor = PersonFactory(date_of_birth=years_ago(15), first_name="علی", last_name="رضایی")

    guardian_consent_request(
        person=minor, guardian_name="مریم رضایی", guardian_phone="۰۹۱۲۹۹۹۸۸۷۷", client_ip="1.2.3.4"
    )
    assert sms_outbox[-1]["phone"] == "09129998877" and "علی رضایی" in sms_outbox[-1]["text"]
    with pytest.raises(CodeRefused) as wrong:
        guardian_consent_confirm(
            person=minor,
            guardian_name="مریم رضایی",
            guardian_phone="09129998877",
            code="000000",
            client_ip="1.2.3.4",
        )
    assert wrong.value.code == "code_invalid"
    code = OutboxSmsBackend.last_code("09129998877")
    consent = guardian_consent_confirm(
        person=minor, guardian_name="مریم رضایی", guardian_phone="09129998877", code=code, client_ip="1.2.3.4"
    )

    assert consent.valid_until == timezone.localdate().replace(year=timezone.localdate().year + 1)
    assert signup_create(shift=shift, volunteer=minor).status == SignUp.Status.CONFIRMED
    roster = shift_roster(shift=shift, viewer=_department_staff(shift))
    assert roster[0].guardian_consent_by == "مریم رضایی"


def test_an_expired_guardian_code_records_nothing(sms_outbox):
    minor = PersonFactory(date_of_birth=years_ago(15))
    guardian_consent_request(
        person=minor, guardian_name="مریم", guardian_phone="09129998877", client_ip="1.2.3.4"
    )
    code = OutboxSmsBackend.last_code("09129998877")

    OneTimeCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(CodeRefused) as expired:
        guardian_consent_confirm(
            person=minor, guardian_name="مریم", guardian_phone="09129998877", code=code, client_ip="1.2.3.4"
        )
    assert expired.value.code == "code_expired"
    assert not GuardianConsent.objects.exists()


def test_a_minor_cannot_be_their_own_guardian(sms_outbox):
    minor = PersonFactory(date_of_birth=years_ago(15), phone="09121112233")
    with pytest.raises(Exception) as refused:
        guardian_consent_request(
            person=minor, guardian_name="خودم", guardian_phone="09121112233", client_ip="1.2.3.4"
        )
    assert refused.value.code == "guardian_invalid"
    assert not sms_outbox


def test_guardian_codes_keep_the_one_time_code_limits(sms_outbox):
    minor = PersonFactory(date_of_birth=years_ago(15))
    for _ in range(3):
        guardian_consent_request(
            person=minor, guardian_name="مریم", guardian_phone="09129998877", client_ip="1.2.3.4"
        )
    with pytest.raises(Exception) as refused:
        guardian_consent_request(
            person=minor, guardian_name="مریم", guardian_phone="09129998877", client_ip="1.2.3.4"
        )
    assert refused.value.code == "too_many_code_requests"


def test_the_api_asks_for_and_records_a_guardians_consent(sms_outbox):
    shift = add_shift(publish_call(min_age=12))
    minor = PersonFactory(date_of_birth=years_ago(15))
    client = api_client(minor)
    refused = client.post(f"/api/v1/shifts/{shift.pk}/signups")
    assert (refused.status_code, refused.json()["error"]["code"]) == (400, "guardian_consent_missing")

    guardian = {"guardian_name": "Maryam", "guardian_phone": "09129998877"}
    assert (
        client.post("/api/v1/me/guardian-consent/code", guardian, content_type="application/json").status_code
        == 202
    )
    wrong = client.post(
        "/api/v1/me/guardian-consent", {**guardian, "code": "000000"}, content_type="application/json"
    )
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (400, "code_invalid")
    right = client.post(
        "/api/v1/me/guardian-consent",
        {**guardian, "code": OutboxSmsBackend.last_code("09129998877")},
        content_type="application/json",
    )
    assert right.status_code == 201
    assert client.post(f"/api/v1/shifts/{shift.pk}/signups").status_code == 201


def _department_staff(shift):
    staff = PersonFactory(is_staff=True)
    staff.groups.add(department_staff_group_ensure(department=shift.call.service.department))
    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return staff


# --- The sign-up path on the web -------------------------------------------------------------------------


def test_the_sign_up_path_shows_what_is_missing_and_links_to_adding_it(first_aid):
    shift = add_shift(
        call_needing(first_aid, min_age=12, waiver_fa="متن", waiver_en="We ask you to…", waiver_version="1")
    )
    minor = PersonFactory(date_of_birth=years_ago(15))
    client = Client()
    client.force_login(minor)

    response = client.post(f"/en/my/shifts/{shift.pk}/sign-up/", follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(f"/en/my/shifts/{shift.pk}/sign-up/requirements/")
    assert "Qualifications this call needs" in page and "/en/account/qualifications/?kind=first-aid" in page
    assert "once they have verified it" in page
    assert "/en/account/guardian-consent/?next=" in page
    assert "We ask you to…" in page
    assert "Save and sign up" not in page  # cannot go ahead before staff and the guardian
    assert not SignUp.objects.exists()


def test_accepting_the_waiver_on_the_sign_up_path_signs_up():
    shift = add_shift(publish_call(waiver_fa="متن", waiver_en="Be careful.", waiver_version="1"))
    person = PersonFactory()
    client = Client()
    client.force_login(person)
    url = f"/en/my/shifts/{shift.pk}/sign-up/requirements/"
    page = client.get(url).content.decode()
    assert "Be careful." in page and "I have read the waiver above and accept it" in page

    unticked = client.post(url, {"waiver_version": "1"})
    assert unticked.status_code == 200 and not SignUp.objects.exists()
    client.post(url, {"waiver_version": "1", "accept_waiver": "on"})
    assert SignUp.objects.get().volunteer == person
    assert WaiverAcceptance.objects.get().channel == "web"


def test_the_guardian_pages_send_the_code_and_record_the_consent(sms_outbox):
    minor = PersonFactory(date_of_birth=years_ago(15))
    client = Client()
    client.force_login(minor)
    sent = client.post(
        "/en/account/guardian-consent/",
        {"step": "ask", "guardian_name": "Maryam", "guardian_phone": "09129998877"},
    )
    assert "Record the consent" in sent.content.decode()
    form = {"step": "confirm", "guardian_name": "Maryam", "guardian_phone": "09129998877"}
    wrong = client.post("/en/account/guardian-consent/", {**form, "code": "000000"})
    assert "This code is not right" in wrong.content.decode()
    code = OutboxSmsBackend.last_code("09129998877")
    done = client.post("/en/account/guardian-consent/", {**form, "code": code, "next": "/en/my/shifts/"})
    assert done.status_code == 302 and done["Location"] == "/en/my/shifts/"
    assert GuardianConsent.objects.get().guardian_name == "Maryam"


def test_the_call_page_says_what_it_requires(first_aid, client):
    call = call_needing(first_aid, min_age=12, waiver_fa="متن", waiver_version="1")
    add_shift(call)

    content = client.get(call.url).content.decode()

    assert "صلاحیت‌های لازم" in content and "کمک‌های اولیه" in content
    assert "برای ثبت‌نام باید تعهدنامهٔ فراخوان را بپذیرید." in content
    assert "زیر ۱۸ سال" in content


def test_the_persian_sign_up_path_gives_the_shifts_day_in_persian(first_aid):
    shift = add_shift(call_needing(first_aid))
    person = PersonFactory()
    client = Client()
    client.force_login(person)

    page = client.get(f"/my/shifts/{shift.pk}/sign-up/requirements/").content.decode()

    assert "صلاحیت‌هایی که این فراخوان لازم دارد" in page
    assert "/account/qualifications/?kind=first-aid" in page


def test_staff_cannot_change_the_waivers_text_without_a_new_version():
    from django.core.exceptions import ValidationError

    call = publish_call(waiver_fa="نسخهٔ اول", waiver_version="1")
    call.waiver_fa = "نسخهٔ دوم"
    with pytest.raises(ValidationError) as refused:
        call.full_clean()
    assert "waiver_version" in refused.value.message_dict

    call.waiver_version = "2"
    call.full_clean()
