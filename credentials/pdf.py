"""A certificate as a PDF: HTML rendered by WeasyPrint, whose text layout (Pango and HarfBuzz) joins and
orders Persian letters properly, with the site's Vazirmatn font and a QR code of the verification page."""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from core.localization import format_date

from .models import Certificate
from .selectors import certificate_shown


def certificate_pdf(certificate: Certificate, *, verification_url: str) -> bytes:
    import segno
    from weasyprint import HTML  # loaded only when a PDF is made: it is large

    with translation.override(certificate.language):
        html = render_to_string(
            "credentials/certificate_pdf.html",
            {
                "certificate": certificate,
                "figures": certificate_shown(certificate),
                "issued_on": format_date(certificate.issued_at, language=certificate.language),
                "verification_url": verification_url,
                "qr": segno.make(verification_url, error="m").svg_data_uri(scale=4, border=2),
                "font_url": "file://" + finders.find("fonts/Vazirmatn-wght.woff2"),
            },
        )
    return HTML(string=html).write_pdf()
