"""Telling people things: by e-mail and SMS, whichever they have, in their language."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation

from .sms import send_sms

logger = logging.getLogger(__name__)


def person_language(user) -> str:
    """The language the person reads messages in: their profile's choice, else the site's default."""
    language = getattr(user, "preferred_language", "") or ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def person_notify(*, user, subject: str, text: str, language: str | None = None) -> None:
    """Sends `text` to the person by e-mail and SMS. Callers make it exactly-once; this only sends.

    Lazy translations in `subject` and `text` are rendered in `language`, or, when the caller gives none,
    in the person's preferred language. (Text already formatted with `%` was rendered when formatted:
    build it inside `translation.override(person_language(user))` for it to follow the person too.)
    """
    with translation.override(language or person_language(user)):
        subject, text = str(subject), str(text)
    if user.email:
        send_mail(subject, text, None, [user.email])
    if user.phone:
        send_sms(phone=user.phone, text=text)
    if not user.email and not user.phone:
        logger.warning("Person %s has no e-mail or mobile number; notice not sent: %s", user.pk, subject)
