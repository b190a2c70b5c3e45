"""What a person is told when staff verify or turn down a qualification they submitted, sent after the
decision commits (through the outbox), in the person's language."""

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ..models import Qualification
from ..notifications import person_language, person_notify


@transaction.atomic
def qualification_decision_notify(*, qualification_id: int) -> bool:
    """Tells the person of the decision, exactly once: the conditional UPDATE claims the notice in the
    transaction that sends it."""
    claimed = (
        Qualification.objects.filter(pk=qualification_id, decision_notified_at__isnull=True)
        .exclude(status=Qualification.Status.PENDING)
        .update(decision_notified_at=timezone.now())
    )
    if not claimed:
        return False
    qualification = Qualification.objects.select_related("kind", "person").get(pk=qualification_id)
    person = qualification.person
    language = person_language(person)
    with translation.override(language):
        values = {
            "kind": qualification.kind.name,
            "reason": qualification.rejection_reason,
            "url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("volunteers:qualifications"),
        }
        if qualification.status == Qualification.Status.VERIFIED:
            subject = _("Your qualification “%(kind)s” is verified") % values
            text = (
                _(
                    "Staff have verified your qualification “%(kind)s”. Calls that need it are open to you "
                    "now: %(url)s"
                )
                % values
            )
        else:
            subject = _("Your qualification “%(kind)s” was not accepted") % values
            text = (
                _(
                    "Staff could not accept your qualification “%(kind)s”. The reason they gave: %(reason)s. "
                    "You may submit it again: %(url)s"
                )
                % values
            )
        person_notify(user=person, subject=str(subject), text=str(text), language=language)
    return True


@shared_task(
    name="volunteers.tasks.notify_qualification_decision_task",
    acks_late=True,
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def notify_qualification_decision_task(qualification_id: int) -> bool:
    """Tells a person of the decision on their qualification; idempotent (claimed once)."""
    return qualification_decision_notify(qualification_id=qualification_id)
