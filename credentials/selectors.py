import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import translation

from .models import Certificate


def certificates_of(*, person):
    return Certificate.objects.filter(holder=person)


def certificate_by_serial(serial: str) -> Certificate | None:
    return Certificate.objects.filter(serial=serial.strip().upper()).first()


def verification_path(certificate: Certificate) -> str:
    """The public page that confirms the certificate, in the certificate's language."""
    with translation.override(certificate.language):
        return reverse("credentials:check", args=[certificate.serial])


def period_dates(certificate: Certificate) -> tuple[datetime.date, datetime.date]:
    figures = certificate.figures
    return (
        datetime.date.fromisoformat(figures["period_start"]),
        datetime.date.fromisoformat(figures["period_end"]),
    )


def certificate_shown(certificate: Certificate) -> dict:
    """The certificate's frozen figures with their dates as dates, for the PDF and the verification page."""
    figures = certificate.figures
    start, end = period_dates(certificate)
    return {
        **figures,
        "hours": Decimal(figures["hours"]),
        "services": [{**row, "hours": Decimal(row["hours"])} for row in figures["services"]],
        "period_start": start,
        "period_end": end,
        "badges": [
            {**badge, "awarded_on": datetime.date.fromisoformat(badge["awarded_on"])}
            for badge in figures["badges"]
        ],
    }
