"""Demo NGO data beyond demo.people: an open invitation to the demo NGO, and an NGO that waits for
staff to verify it. Idempotent: a second run changes nothing."""

import datetime

from django.utils import timezone

from volunteers.models import Invitation, Organisation, OrganisationMembership

from .data import demo_data

# Fixed, so that the README and a demo can name it; made only of the invitation alphabet's characters.
DEMO_INVITATION_CODE = demo_data("people")["invitation_code"]
DEMO_PENDING_NGO = demo_data("people")["pending_ngo"]


def ngo_demo_load(*, organisation: Organisation, users: dict) -> None:
    """`organisation` is the verified demo NGO, `users` the demo people by username."""
    invitation, created = Invitation.objects.get_or_create(
        code=DEMO_INVITATION_CODE,
        defaults={
            "organisation": organisation,
            "team": organisation.teams.order_by("pk").first(),
            "created_by": users["ngo-manager"],
            "expires_at": timezone.now() + datetime.timedelta(days=90),
            "max_uses": 50,
        },
    )
    if not created and invitation.expires_at <= timezone.now() + datetime.timedelta(days=7):
        # An old demo database keeps a working invitation.
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() + datetime.timedelta(days=90)
        )

    # Registered by the demo citizen, so that the staff's verification queue has something in it.
    pending, _ = Organisation.objects.get_or_create(
        registration_number=DEMO_PENDING_NGO["registration_number"], defaults=DEMO_PENDING_NGO
    )
    OrganisationMembership.objects.get_or_create(
        organisation=pending, user=users["citizen"], defaults={"role": OrganisationMembership.Role.OWNER}
    )
