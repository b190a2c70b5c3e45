"""Reads about what makes a person eligible for a call: their qualifications and guardians' consent."""

import datetime

from django.db.models import Q

from ..models import GuardianConsent, Qualification, QualificationKind


def _valid_on(day: datetime.date) -> Q:
    return Q(status=Qualification.Status.VERIFIED, issued_on__lte=day) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=day)
    )


def qualification_kinds_missing(*, kinds, person, day: datetime.date) -> list[QualificationKind]:
    """Of `kinds`, those the person holds no verified qualification of that is valid on `day`."""
    kinds = list(kinds)
    if not kinds:
        return []
    held = set(
        Qualification.objects.filter(_valid_on(day), person=person, kind__in=kinds).values_list(
            "kind_id", flat=True
        )
    )
    return [kind for kind in kinds if kind.pk not in held]


def qualification_kinds_pending(*, kinds, person) -> set[int]:
    """Ids of `kinds` the person has a qualification of that staff have not decided yet."""
    return set(
        Qualification.objects.filter(
            person=person, kind__in=list(kinds), status=Qualification.Status.PENDING
        ).values_list("kind_id", flat=True)
    )


def qualification_list_for_person(*, person):
    return Qualification.objects.filter(person=person).select_related("kind")


def qualification_get_for_person(*, person, qualification_id: int) -> Qualification:
    from .errors import QualificationNotFound

    found = qualification_list_for_person(person=person).filter(pk=qualification_id).first()
    if found is None:
        raise QualificationNotFound(qualification_id)
    return found


def qualification_kind_list():
    return QualificationKind.objects.all()


def qualifications_awaiting_verification():
    return (
        Qualification.objects.filter(status=Qualification.Status.PENDING)
        .select_related("kind", "person")
        .order_by("submitted_at", "pk")
    )


def can_verify_qualifications(user) -> bool:
    return bool(user and user.is_active and user.has_perm("volunteers.change_qualification"))


def guardian_consent_on(*, person, day: datetime.date) -> GuardianConsent | None:
    """The person's guardian's consent valid on `day`, the newest first; None without one."""
    return (
        GuardianConsent.objects.filter(person=person, valid_until__gte=day).order_by("-consented_at").first()
    )
