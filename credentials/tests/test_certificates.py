"""Certificates of volunteering: figures equal to the verification records, frozen at issue; a PDF in Persian
whose letters are joined and ordered (checked by rendering it), for its holder only; a public check page that
shows what the certificate shows and says when it was revoked or superseded."""

import datetime
from decimal import Decimal

import pypdfium2
import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from credentials import services
from credentials.models import Certificate
from verification import services as verification
from verification.tests.factories import confirmed_signup, staff_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PERIOD = {"period_start": TODAY - datetime.timedelta(days=60), "period_end": TODAY}


def verified(person, *, service_slug, hours, days_ago=5, approve=True):
    call = publish_call(service_slug=service_slug, points_per_hour=10)
    shift = add_shift(call, starts_in=-datetime.timedelta(days=days_ago), hours=4)
    completion = verification.completion_report(
        signup=confirmed_signup(shift, person), actor=person, hours=Decimal(hours), note="done"
    )
    if approve:
        department = call.service.department.slug
        verification.completion_approve(completion=completion, actor=staff_of(department))
    completion.refresh_from_db()
    return completion


@pytest.fixture
def sara():
    person = PersonFactory(first_name="سارا", last_name="رحیمی")
    verified(person, service_slug="street-sweeping-and-cleaning", hours="3")
    verified(person, service_slug="street-sweeping-and-cleaning", hours="2.5", days_ago=10)
    verified(person, service_slug="libraries-and-reading-halls", hours="2")
    verified(person, service_slug="libraries-and-reading-halls", hours="4", approve=False)  # still pending
    verified(person, service_slug="libraries-and-reading-halls", hours="3", days_ago=90)  # before the period
    return person


def test_a_certificate_counts_exactly_the_approved_work_of_its_period(sara):
    certificate = services.certificate_issue(person=sara, language="fa", **PERIOD)

    figures = certificate.figures
    assert Decimal(figures["hours"]) == services.verified_hours_total(person=sara, **PERIOD) == Decimal("7.5")
    assert [(row["hours"], row["shifts"]) for row in figures["services"]] == [("5.50", 2), ("2.00", 1)]
    assert figures["name"] == "سارا رحیمی" and figures["municipality"] == "شهرداری اصفهان"
    assert certificate.completions.count() == 3


def test_nothing_verified_in_the_period_is_refused_clearly():
    with pytest.raises(services.CertificateRefused) as refused:
        services.certificate_issue(person=PersonFactory(), language="en", **PERIOD)
    assert refused.value.code == "nothing_verified"


def test_the_pdf_is_persian_with_joined_letters_in_reading_order_for_its_holder_only(client, sara):
    certificate = services.certificate_issue(person=sara, language="fa", **PERIOD)
    url = f"/account/certificates/{certificate.serial}.pdf"

    client.force_login(PersonFactory())
    assert client.get(url).status_code == 404
    client.force_login(sara)
    response = client.get(url)

    assert response.status_code == 200 and response["content-type"] == "application/pdf"
    document = pypdfium2.PdfDocument(response.content)
    text = document[0].get_textpage().get_text_range()
    # Extracted in logical order, the words read as written: shaping and bidi ordering worked.
    assert "گواهی داوطلبی" in text and "سارا رحیمی" in text and "۷٫۵" in text
    assert certificate.serial in text
    image = document[0].render(scale=1).to_pil().convert("L")
    dark = image.point(lambda value: 255 if value < 128 else 0).histogram()[255]
    assert dark > 3000  # text, a table and a QR code were drawn, not a blank page


def test_the_check_page_shows_what_the_certificate_shows_and_that_it_stands(client, sara):
    certificate = services.certificate_issue(person=sara, language="en", **PERIOD)

    soup = BeautifulSoup(client.get(f"/en/c/{certificate.serial.lower()}/").content, "html.parser")

    assert soup.select_one(".certificate-status--valid")
    facts = soup.select_one(".certificate-facts").text
    assert "سارا رحیمی" in facts and "7.5" in facts
    assert sara.phone not in soup.text and sara.email not in soup.text
    assert client.get("/c/HMY-0000-0000/").status_code == 404


def test_a_revoked_approval_revokes_the_certificate_and_its_page_says_so(client, sara):
    certificate = services.certificate_issue(person=sara, language="fa", **PERIOD)
    counted = certificate.completions.order_by("pk").first()

    verification.completion_revoke(
        completion=counted, actor=staff_of("urban_services", approver=True), reason="خطا"
    )

    certificate.refresh_from_db()
    assert certificate.revoked_at is not None and not certificate.is_valid
    soup = BeautifulSoup(client.get(f"/c/{certificate.serial}/").content, "html.parser")
    assert soup.select_one(".certificate-status--revoked")


def test_a_new_certificate_for_the_same_period_supersedes_the_old_one(client, sara):
    old = services.certificate_issue(person=sara, language="fa", **PERIOD)
    new = services.certificate_issue(person=sara, language="fa", **PERIOD)

    old.refresh_from_db()
    assert old.superseded_by == new and new.is_valid
    assert Certificate.objects.filter(holder=sara, superseded_by__isnull=True).get() == new
    soup = BeautifulSoup(client.get(f"/c/{old.serial}/").content, "html.parser")
    assert soup.select_one(".certificate-status--superseded")


def test_a_person_issues_a_certificate_from_their_page_with_jalali_dates(client, sara):
    client.force_login(sara)

    response = client.post(
        "/account/certificates/", {"period_start": "۱۴۰۰/۰۱/۰۱", "period_end": "2099-01-01", "language": "fa"}
    )

    assert response.status_code == 302
    certificate = Certificate.objects.get(holder=sara)
    assert certificate.period_end == TODAY  # never beyond today
    assert Decimal(certificate.figures["hours"]) == Decimal("10.5")  # the older piece of work is in too
    backwards = client.post(
        "/account/certificates/", {"period_start": "1405/09/10", "period_end": "1405/09/01", "language": "fa"}
    )
    assert backwards.status_code == 400
