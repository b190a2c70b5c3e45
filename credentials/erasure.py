"""Deleting one's account: after a one-time code to their mobile (or their password, without one), the
person's data is erased or made anonymous, while what the city's figures rest on keeps its integrity: their
points ledger, verifications, vouchers and budget rows stay, belonging to an anonymous person; their upcoming
places are given up (to the waiting list); they leave the leaderboards and their NGOs; certificates already
issued stay verifiable as issued."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from achievements.services import leaderboard_visibility_sync
from campaigns.models import CalendarFeed, SignUp
from campaigns.services import signup_cancel
from core.errors import DomainError
from verification.services import completion_photos_public_withdraw_all
from voice.models import Item as VoiceItem
from volunteers.models import (
    ApiToken,
    GuardianConsent,
    OneTimeCode,
    OrganisationMembership,
    Qualification,
    User,
)
from volunteers.services import one_time_code_send, one_time_code_use

from .exports import export_storage
from .models import AccountDeletion, DataExport


class DeletionRefused(DomainError):
    pass


def deletion_code_send(*, person, client_ip: str, language: str) -> None:
    one_time_code_send(
        phone=person.phone,
        purpose=OneTimeCode.Purpose.DELETE,
        client_ip=client_ip,
        language=language,
        text=_(
            "Your Hamyar code to DELETE your account: %(code)s. It works for %(minutes)s minutes. If you did "
            "not ask for it, ignore this message."
        ),
    )


def account_delete(*, person, client_ip: str, code: str = "", password: str = "") -> None:
    """Confirms with the code sent to the person's mobile (or their password when they have no mobile),
    then erases. The code is checked outside the erasing transaction, so a wrong guess stays counted."""
    check_can_delete(person)
    if person.phone:
        one_time_code_use(
            phone=person.phone, purpose=OneTimeCode.Purpose.DELETE, code=code, client_ip=client_ip
        )
    elif not password or not person.check_password(password):
        raise DeletionRefused("password_wrong", _("The password is not right."), status_code=401)
    account_erase(person=person)


def check_can_delete(person) -> None:
    """An NGO whose only owner leaves would have no one to run it: they hand it over first."""
    owned = OrganisationMembership.objects.filter(user=person, role=OrganisationMembership.Role.OWNER)
    for membership in owned.select_related("organisation"):
        others = membership.organisation.memberships.exclude(user=person)
        if others.exists() and not others.filter(role=OrganisationMembership.Role.OWNER).exists():
            raise DeletionRefused(
                "only_owner_of_ngo",
                _("You are the only owner of “%(ngo)s”: make another member an owner first.")
                % {"ngo": membership.organisation.name},
                status_code=409,
            )


@transaction.atomic
def account_erase(*, person) -> None:
    person = User.objects.select_for_update().get(pk=person.pk)
    if hasattr(person, "deletion"):
        return
    check_can_delete(person)
    now = timezone.now()
    for signup in SignUp.objects.filter(
        volunteer=person, status__in=SignUp.ACTIVE_STATUSES, shift__starts_at__gt=now
    ):
        signup_cancel(signup=signup, even_late=True)
    # The names of the guests they brought are other people's data, kept only for the shifts.
    SignUp.objects.filter(volunteer=person).exclude(guest_names=[]).update(guest_names=[])
    OrganisationMembership.objects.filter(user=person).delete()
    person.teams.clear()
    ApiToken.objects.filter(user=person).delete()
    CalendarFeed.objects.filter(user=person).delete()
    GuardianConsent.objects.filter(person=person).delete()
    for qualification in Qualification.objects.filter(person=person):
        if qualification.evidence:
            qualification.evidence.delete(save=False)
        qualification.delete()
    for export in DataExport.objects.filter(person=person):
        if export.file_name:
            export_storage().delete(export.file_name)
        export.delete()
    # What they said to the city stays in its departments' records and figures, without who said it; what
    # was never published is withdrawn from no one, since only its department ever saw it.
    voice_items = VoiceItem.objects.filter(author=person)
    if person.phone:
        voice_items = VoiceItem.objects.filter(Q(author=person) | Q(mobile=person.phone))
        OneTimeCode.objects.filter(phone=person.phone).delete()
    voice_items.update(author=None, mobile="", name="")
    # Their photos leave the open city page: the consent was theirs.
    completion_photos_public_withdraw_all(person=person)
    leaderboard_visibility_sync(user_id=person.pk, visibility=User.LeaderboardVisibility.HIDDEN)
    person.skills.clear()
    person.username = f"deleted-{person.pk}-{secrets.token_hex(4)}"
    person.first_name = person.last_name = person.email = ""
    person.phone = None
    person.date_of_birth = None
    person.district = None
    person.emergency_contact_name = person.emergency_contact_phone = ""
    person.leaderboard_visibility = User.LeaderboardVisibility.HIDDEN
    person.leaderboard_pseudonym = ""
    person.is_active = False
    person.set_unusable_password()
    person.save()
    AccountDeletion.objects.create(person=person, deleted_at=now)
