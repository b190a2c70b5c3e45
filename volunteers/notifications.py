"""Telling people things: by e-mail and SMS, whichever they have, in their language."""

import logging

from django.core.mail import send_mail
from django.utils import translation

from .sms import send_sms

logger = logging.getLogger(__name__)


def person_notify(*, user, subject: str, text: str, language: str = "fa") -> None:
    """Sends `text` to the person by e-mail and SMS. Callers make it exactly-once; this only sends."""
    with translation.override(language):
        subject, text = str(subject), str(text)
    if user.email:
        send_mail(subject, text, None, [user.email])
    if user.phone:
        send_sms(phone=user.phone, text=text)
    if not user.email and not user.phone:
        logger.warning("Person %s has no e-mail or mobile number; notice not sent: %s", user.pk, subject)
