"""Qualifications: a person submits one from their profile (web and API), staff verify or turn it down
with a reason from the staff area, and the person is told in their language."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from volunteers.eligibility.errors import QualificationDecisionRefused, QualificationInvalid
from volunteers.eligibility.services import qualification_reject, qualification_submit, qualification_verify
from volunteers.models import Qualification, QualificationKind
from volunteers.services import api_token_create

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def first_aid():
    return QualificationKind.objects.create(
        slug="first-aid", name_fa="کمک‌های اولیه", name_en="First aid", validity_months=24
    )


@pytest.fixture
def person():
    return User.objects.create_user(
        username="sara", password="a-long-secret-9", phone="09120000001", email="sara@example.org"
    )


@pytest.fixture
def staff():
    user = User.objects.create_user(username="staff", password="a-long-secret-9", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="change_qualification"),
    )
    return User.objects.get(pk=user.pk)


def test_a_kind_with_a_validity_gives_the_certificate_its_expiry(first_aid, person):
    issued = timezone.localdate() - datetime.timedelta(days=30)
    qualification = qualification_submit(
        person=person, kind=first_aid, issued_on=issued, certificate_number="FA-1"
    )
    assert qualification.status == "pending"
    assert qualification.valid_until == datetime.date(issued.year + 2, issued.month, issued.day)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"certificate_number": ""}, "certificate_number"),
        ({"issued_on": timezone.localdate() + datetime.timedelta(days=1)}, "issued_on"),
        ({"valid_until": timezone.localdate() - datetime.timedelta(days=1)}, "valid_until"),
    ],
)
def test_a_qualification_staff_could_not_check_is_refused(first_aid, person, values, field):
    given = {"certificate_number": "FA-1", "issued_on": timezone.localdate() - datetime.timedelta(days=400)}
    with pytest.raises(QualificationInvalid) as refused:
        qualification_submit(person=person, kind=first_aid, **{**given, **values})
    assert refused.value.field == field
    assert not Qualification.objects.exists()


def test_staff_verify_and_the_person_is_told_in_their_language(
    first_aid, person, staff, mailoutbox, django_capture_on_commit_callbacks
):
    person.preferred_language = "en"
    person.save()
    qualification = qualification_submit(
        person=person, kind=first_aid, issued_on=timezone.localdate(), certificate_number="FA-1"
    )
    with django_capture_on_commit_callbacks(execute=True):
        qualification_verify(qualification=qualification, actor=staff)
    qualification.refresh_from_db()
    assert qualification.status == "verified" and qualification.decided_by == staff
    assert [mail.subject for mail in mailoutbox] == ["Your qualification “First aid” is verified"]
    with pytest.raises(QualificationDecisionRefused) as again:
        qualification_verify(qualification=qualification, actor=staff)
    assert again.value.code == "qualification_already_decided"


def test_a_rejection_needs_a_reason_and_tells_it_in_persian(
    first_aid, person, staff, mailoutbox, django_capture_on_commit_callbacks
):
    qualification = qualification_submit(
        person=person, kind=first_aid, issued_on=timezone.localdate(), certificate_number="FA-1"
    )
    with pytest.raises(QualificationDecisionRefused):
        qualification_reject(qualification=qualification, actor=staff, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        qualification_reject(qualification=qualification, actor=staff, reason="شماره معتبر نیست")
    assert len(mailoutbox) == 1
    assert "کمک‌های اولیه" in mailoutbox[0].subject and "شماره معتبر نیست" in mailoutbox[0].body


def test_only_staff_allowed_may_decide(first_aid, person):
    qualification = qualification_submit(
        person=person, kind=first_aid, issued_on=timezone.localdate(), certificate_number="FA-1"
    )
    with pytest.raises(Exception) as refused:
        qualification_verify(qualification=qualification, actor=person)
    assert refused.value.code == "not_allowed_to_verify_qualifications"


def test_the_profile_page_takes_a_certificate_file(first_aid, person, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = Client()
    client.force_login(person)
    page = client.get("/en/account/qualifications/?kind=first-aid")
    assert page.status_code == 200 and b"Add a qualification" in page.content

    response = client.post(
        "/en/account/qualifications/",
        {
            "kind": first_aid.pk,
            "issued_on": timezone.localdate().isoformat(),
            "evidence": SimpleUploadedFile("card.pdf", b"%PDF-1.4 card", content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    qualification = Qualification.objects.get()
    assert qualification.evidence and not qualification.certificate_number


def test_staff_see_the_pending_list_open_the_file_and_reject(first_aid, person, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    qualification = qualification_submit(
        person=person,
        kind=first_aid,
        issued_on=timezone.localdate(),
        evidence=SimpleUploadedFile("card.pdf", b"%PDF-1.4 card"),
    )
    client = Client()
    client.force_login(staff)
    queue = client.get("/admin/qualifications/")
    assert queue.status_code == 200 and person.username.encode() in queue.content
    assert client.get(f"/admin/qualifications/{qualification.pk}/evidence/").status_code == 200
    client.post(f"/admin/qualifications/{qualification.pk}/reject/", {"reason": "unreadable"})
    qualification.refresh_from_db()
    assert qualification.status == "rejected" and qualification.rejection_reason == "unreadable"

    other = Client()
    other.force_login(person)
    assert other.get(f"/admin/qualifications/{qualification.pk}/evidence/").status_code in (302, 403)


def test_the_api_lists_kinds_and_takes_a_qualification(first_aid, person):
    _, secret = api_token_create(user=person, name="test")
    client = Client(headers={"authorization": f"Bearer {secret}", "accept-language": "en"})
    assert client.get("/api/v1/qualification-kinds").json() == [
        {"slug": "first-aid", "name": "First aid", "validity_months": 24}
    ]
    created = client.post(
        "/api/v1/me/qualifications",
        {"kind": "first-aid", "certificate_number": "FA-9", "issued_on": str(timezone.localdate())},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["status"] == "pending"
    unknown = client.post(
        "/api/v1/me/qualifications",
        {"kind": "nope", "certificate_number": "FA-9", "issued_on": str(timezone.localdate())},
        content_type="application/json",
    )
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "qualification_kind_not_found")
    assert [q["certificate_number"] for q in client.get("/api/v1/me/qualifications").json()] == ["FA-9"]


def test_my_qualifications_in_persian_show_their_state_and_dates(first_aid, person):
    qualification_submit(
        person=person, kind=first_aid, issued_on=datetime.date(2026, 3, 21), certificate_number="FA-1"
    )
    client = Client()
    client.force_login(person)

    page = client.get("/account/qualifications/").content.decode()

    assert "کمک‌های اولیه" in page and "در انتظار کارکنان" in page
    assert "۱۴۰۵" in page  # issued on 1 Farvardin 1405, in Persian digits


def test_a_certificate_file_gets_an_unguessable_name(first_aid, person, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    qualification = qualification_submit(
        person=person,
        kind=first_aid,
        issued_on=timezone.localdate(),
        evidence=SimpleUploadedFile("sara-first-aid.PDF", b"%PDF-1.4 card"),
    )
    name = qualification.evidence.name
    assert "sara" not in name and name.startswith("qualifications/") and name.endswith(".pdf")
