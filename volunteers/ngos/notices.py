"""What an NGO's owners are told when municipal staff verify or turn down its registration, sent by the
worker after the decision commits (through the outbox, core/outbox.py)."""

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.localization import localized

from ..models import Organisation
from ..notifications import person_language, person_notify
from . import selectors


@transaction.atomic
def organisation_decision_notify(*, organisation_id: int) -> bool:
    """Tells each owner of the NGO of its latest decision (verified, or not accepted with the reason), in
    their language, exactly once per decision: the conditional UPDATE claims it in the transaction that
    sends it, so a failed send is claimed by nobody and a repeated task sends nothing more. A registration
    sent again and decided again is a new decision, told again."""
    decided = Q(verified_at__isnull=False) | Q(rejected_at__isnull=False)
    not_yet_told = (
        Q(decision_notified_at__isnull=True)
        | Q(verified_at__gt=F("decision_notified_at"))
        | Q(rejected_at__gt=F("decision_notified_at"))
    )
    claimed = (
        Organisation.objects.filter(decided, not_yet_told, pk=organisation_id)
        .update(decision_notified_at=timezone.now())
    )
    if not claimed:
        return False
    organisation = Organisation.objects.get(pk=organisation_id)
    if organisation.is_verified:
        subject = _("“%(ngo)s” is verified")
        text = _(
            "Municipal staff have verified “%(ngo)s”. Your NGO can now reserve places on shifts for its "
            "teams: %(url)s"
        )
    else:
        subject = _("The registration of “%(ngo)s” was not accepted")
        text = _(
            "Municipal staff could not verify “%(ngo)s”. The reason they gave: %(reason)s. You may correct "
            "its details and send it again: %(url)s"
        )
    path = reverse("volunteers:ngo:dashboard", args=[organisation.pk])
    for owner in selectors.organisation_owners(organisation=organisation):
        language = person_language(owner)
        with translation.override(language):
            values = {
                "ngo": localized(organisation, "name"),
                "reason": organisation.rejection_reason,
                "url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path,
            }
            person_notify(
                user=owner, subject=str(subject) % values, text=str(text) % values, language=language
            )
    return True


@shared_task(
    name="volunteers.tasks.notify_organisation_decision_task",
    acks_late=True,
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def notify_organisation_decision_task(organisation_id: int) -> bool:
    """Tells an NGO's owners of the decision on its registration; idempotent (claimed once)."""
    return organisation_decision_notify(organisation_id=organisation_id)
