"""Staff find a person and open their record, with a reason kept in the log; only people of their
department's shifts, and nothing private before the reason is given."""

import pytest
from wagtail.models import ModelLogEntry

from campaigns.services import signup_create
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from cms.people_services import LOG_PERSON_RECORD_OPENED
from verification.tests.factories import staff_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def volunteer():
    person = PersonFactory(first_name="Maryam", last_name="Karimi", phone="09121234567")
    call = publish_call(service_slug="street-sweeping-and-cleaning")
    signup_create(shift=add_shift(call), volunteer=person)
    return person


def test_staff_find_people_of_their_departments_shifts_by_name_or_mobile(client, volunteer):
    elsewhere = PersonFactory(first_name="Maryam", last_name="Ahmadi")
    signup_create(shift=add_shift(publish_call(service_slug="tourist-tours")), volunteer=elsewhere)
    client.force_login(staff_of("urban_services"))

    by_name = client.get("/admin/people/", {"q": "maryam kar"}).content.decode()
    by_mobile = client.get("/admin/people/", {"q": "۰۹۱۲ ۱۲۳ ۴۵۶۷"}).content.decode()

    assert "Karimi" in by_name and "Ahmadi" not in by_name
    assert f"/admin/people/{volunteer.pk}/" in by_mobile


def test_opening_a_record_asks_why_and_logs_it(client, volunteer):
    staff = staff_of("urban_services")
    client.force_login(staff)
    url = f"/admin/people/{volunteer.pk}/"

    asked = client.get(url).content.decode()
    without_reason = client.post(url, {"reason": "other", "note": " "}).content.decode()
    opened = client.post(url, {"reason": "asked", "note": "called the 137 line"}).content.decode()

    assert "09121234567" not in asked and 'name="reason"' in asked
    assert "09121234567" not in without_reason
    assert "۰۹۱۲۱۲۳۴۵۶۷" in opened  # the admin is in Persian: Persian digits
    assert volunteer.signups.get().shift.call.title in opened  # their shifts
    entry = ModelLogEntry.objects.get(action=LOG_PERSON_RECORD_OPENED, object_id=str(volunteer.pk))
    assert entry.user == staff and "called the 137 line" in entry.data["reason"]


def test_staff_of_another_department_and_people_who_are_not_staff_cannot_open_it(client, volunteer):
    client.force_login(staff_of("cultural"))
    assert client.get(f"/admin/people/{volunteer.pk}/").status_code == 404
    found = client.get("/admin/people/", {"q": "Karimi"}).content.decode()
    assert f"/admin/people/{volunteer.pk}/" not in found

    client.force_login(PersonFactory(is_staff=True))
    assert client.get("/admin/people/", {"q": "Karimi"}).status_code in (302, 403)


def test_staff_issue_a_persons_certificate_with_a_logged_reason(client, settings, tmp_path):
    from cms.people_services import LOG_PERSON_CERTIFICATE_ISSUED
    from credentials.models import Certificate
    from credentials.tests.test_certificates import verified

    settings.MEDIA_ROOT = tmp_path
    person = PersonFactory(first_name="Maryam", last_name="Karimi")
    verified(person, service_slug="street-sweeping-and-cleaning", hours="3")
    staff = staff_of("urban_services")
    client.force_login(staff)
    url = f"/admin/people/{person.pk}/certificate/"
    period = {"period_start": "1405/01/01", "period_end": "1405/12/29", "language": "fa"}

    without_reason = client.post(url, {**period, "reason": " "})
    assert without_reason.status_code == 400 and not Certificate.objects.exists()

    issued = client.post(url, {**period, "reason": "she asked at the district office"})

    assert issued.status_code == 200 and issued["Content-Type"] == "application/pdf"
    certificate = Certificate.objects.get()
    assert certificate.holder == person and certificate.issued_by == staff
    entry = ModelLogEntry.objects.get(action=LOG_PERSON_CERTIFICATE_ISSUED, object_id=str(person.pk))
    assert entry.user == staff and entry.data == {
        "reason": "she asked at the district office",
        "certificate": certificate.serial,
    }
    # Staff of another department, who cannot open the record, cannot issue it either.
    client.force_login(staff_of("cultural"))
    assert client.post(url, {**period, "reason": "x"}).status_code in (302, 404)


def test_staff_take_a_persons_data_archive_for_them_with_a_logged_reason(client, settings, tmp_path):
    import io
    import zipfile

    from cms.people_services import LOG_PERSON_DATA_EXPORTED

    settings.MEDIA_ROOT = tmp_path
    person = PersonFactory(first_name="Maryam", email="maryam@example.org")
    call = publish_call(service_slug="street-sweeping-and-cleaning")
    signup_create(shift=add_shift(call), volunteer=person)
    staff = staff_of("urban_services")
    client.force_login(staff)
    url = f"/admin/people/{person.pk}/data/"

    assert client.post(url, {"reason": ""}).status_code == 400
    assert not ModelLogEntry.objects.filter(action=LOG_PERSON_DATA_EXPORTED).exists()
    response = client.post(url, {"reason": "asked at the desk, has no internet"})

    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert "maryam@example.org" in archive.read("profile.json").decode()
    entry = ModelLogEntry.objects.get(action=LOG_PERSON_DATA_EXPORTED, object_id=str(person.pk))
    assert entry.user == staff and entry.data["reason"] == "asked at the desk, has no internet"
