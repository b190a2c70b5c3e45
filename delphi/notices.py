"""Telling panellists: the link to a round when it opens, a reminder before it closes if they have not
answered. Each notice is a row made with the step that decides it, handed to Celery through the outbox, and
claimed in the transaction that sends it, so it goes out exactly once."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.localization import format_date, format_number
from volunteers.sms import send_sms

from .models import PanellistNotice

NOTICE_TASK_OPTIONS = {
    "acks_late": True,
    "autoretry_for": (ConnectionError,),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 5,
}


def panellist_link(panellist) -> str:
    with translation.override(panellist.language):
        path = reverse("delphi:questionnaire", args=[panellist.token])
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


@transaction.atomic
def panellist_notice_send(*, notice_id: int) -> bool:
    """Sends one notice by e-mail and SMS (whichever the panellist has), in their language; False when it
    was sent already or is no longer due (they answered before a reminder went out)."""
    notice = (
        PanellistNotice.objects.select_for_update()
        .select_related("panellist", "round__study")
        .filter(pk=notice_id, sent_at__isnull=True)
        .first()
    )
    if notice is None:
        return False
    panellist, round = notice.panellist, notice.round
    answered = round.submissions.filter(panellist=panellist).exists()
    if not round.is_open or (notice.kind == PanellistNotice.Kind.REMINDER and answered):
        notice.sent_at = timezone.now()  # nothing to say any more: settled without a message
        notice.save(update_fields=["sent_at"])
        return False
    language = panellist.language
    with translation.override(language):
        values = {
            "study": round.study.title,
            "number": format_number(round.number, language),
            "date": format_date(round.closes_at, with_time=True, language=language),
            "link": panellist_link(panellist),
        }
        if notice.kind == PanellistNotice.Kind.INVITATION:
            subject = str(_("Round %(number)s of the Delphi study “%(study)s”") % values)
            text = str(
                _(
                    "Round %(number)s of the Delphi study “%(study)s” is open. Please give your scores by "
                    "%(date)s at your own link (do not share it): %(link)s"
                )
                % values
            )
        else:
            subject = str(_("Reminder: round %(number)s of “%(study)s” closes soon") % values)
            text = str(
                _(
                    "Round %(number)s of the Delphi study “%(study)s” closes on %(date)s and your answers "
                    "are not in yet. Your link: %(link)s"
                )
                % values
            )
    if panellist.email:
        send_mail(subject, text, None, [panellist.email])
    if panellist.phone:
        send_sms(phone=panellist.phone, text=text)
    notice.sent_at = timezone.now()
    notice.save(update_fields=["sent_at"])
    return True


@shared_task(name="delphi.tasks.send_panellist_notice_task", **NOTICE_TASK_OPTIONS)
def send_panellist_notice_task(notice_id: int) -> bool:
    return panellist_notice_send(notice_id=notice_id)
