"""The demo shows team places and the personal rules: the demo NGO's team holds places on a demo shift
with two members assigned, and demo calls include one with a minimum age and one needing a skill."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from campaigns.models import OpenCallPage, Shift, TeamReservation

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=True)
def test_the_demo_ngo_holds_team_places_once_with_two_members_assigned():
    call_command("load_demo")
    call_command("load_demo")

    # The demo history (demo.history) adds past team work; this is the one place held ahead.
    reservation = (
        TeamReservation.objects.filter(shift__starts_at__gt=timezone.now())
        .select_related("shift__call", "reserved_by")
        .get()
    )
    assert reservation.reserved_by.username == "ngo-manager"
    assert (reservation.places, reservation.assigned_count, reservation.released_at) == (5, 2, None)
    assert sorted(reservation.signups.values_list("volunteer__username", flat=True)) == [
        "ngo-member-1",
        "ngo-member-2",
    ]
    shift = Shift.objects.get(pk=reservation.shift_id)
    assert (shift.confirmed_count, shift.team_reserved_count, shift.team_unassigned_count) == (2, 5, 3)
    assert OpenCallPage.objects.live().filter(min_age__gt=0).exists()
    needs_skill = OpenCallPage.objects.live().filter(required_skills__slug="english-conversation").get()
    assert needs_skill.slug == "naqsh-e-jahan-visitor-guides"
