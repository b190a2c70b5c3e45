"""What the volunteer is told of a decision on their report, once it is committed (sent by the worker)."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.localization import format_date, format_number
from volunteers.notifications import person_language, person_notify

from . import selectors
from .models import Verification


def decision_notify(*, verification_id: int) -> bool:
    """Tells the volunteer of a final approval (with the hours), a rejection (with the reason) or a
    revocation, exactly once: a conditional UPDATE claims the notice, in the transaction that sends it,
    so a failed send is claimed by nobody and a repeated task sends nothing more."""
    with transaction.atomic():
        claimed = Verification.objects.filter(pk=verification_id, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
        if not claimed:
            return False
        verification = Verification.objects.select_related(
            "completion__signup__volunteer", "completion__signup__shift__call"
        ).get(pk=verification_id)
        completion = verification.completion
        volunteer = completion.signup.volunteer
        shift = completion.signup.shift
        language = person_language(volunteer)
        with translation.override(language):
            values = {
                "call": shift.call.localized_title,
                "date": format_date(shift.starts_at, language=language),
                "hours": format_number(verification.hours or Decimal(0), language),
                "reason": verification.reason,
            }
            if verification.is_final_approval:
                subject = _("Your work was verified")
                text = (
                    _("Your report for “%(call)s” on %(date)s was approved: %(hours)s hours. Thank you!")
                    % values
                )
            elif verification.decision == Verification.Decision.REJECT:
                subject = _("Your report was not approved")
                text = (
                    _("Your report for “%(call)s” on %(date)s was not approved. Reason: %(reason)s") % values
                )
                if completion.submission_count < selectors.MAX_SUBMISSIONS:
                    text = f"{text} {_('You can correct it and send it again once.')}"
            elif verification.decision == Verification.Decision.REVOKE:
                subject = _("An approval of your work was revoked")
                text = (
                    _(
                        "The approval of your report for “%(call)s” on %(date)s was revoked, and its points "
                        "taken back. Reason: %(reason)s"
                    )
                    % values
                )
            else:
                return False
            person_notify(user=volunteer, subject=str(subject), text=str(text), language=language)
    return True
