"""Demo history for the leaderboards and badges: verified work over the last months, credited through
rewards (which tells achievements), so that boards, levels and badges have something to show.

Needs the demo calls and people (demo.calls, demo.people) loaded first. Idempotent: each piece of
work is found by its note and is made, approved and credited once. Called from `load_demo` as
`demo.history.load()`.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from campaigns.models import OpenCallPage, Shift, SignUp, TeamReservation
from rewards.services import verification_points_credit
from verification.models import Completion, Verification
from volunteers.models import Team

from .data import demo_data
from .people import DEMO_TEAM_NAME

User = get_user_model()

_HISTORY = demo_data("history")
# Volunteers besides the demo accounts, so that boards have a crowd; they cannot log in.
# (username, first name, last name, visibility, pseudonym)
CROWD = tuple(
    (person["username"], person["first_name"], person["last_name"], person["visibility"], person["pseudonym"])
    for person in _HISTORY["crowd"]
)
# How the demo accounts appear: one under a pseudonym, one not at all.
VISIBILITY = {
    username: (shown["visibility"], shown["pseudonym"]) for username, shown in _HISTORY["visibility"].items()
}

# (username, service, hours, days ago, on the NGO team's reserved place)
WORK = tuple(
    (work["username"], work["service"], work["hours"], work["days_ago"], work["on_team_place"])
    for work in _HISTORY["work"]
)


def _people() -> dict[str, object]:
    for username, first_name, last_name, visibility, pseudonym in CROWD:
        person, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "leaderboard_visibility": visibility,
                "leaderboard_pseudonym": pseudonym,
            },
        )
        if created:
            person.set_unusable_password()
            person.save(update_fields=["password"])
    for username, (visibility, pseudonym) in VISIBILITY.items():
        User.objects.filter(username=username, leaderboard_visibility="name").update(
            leaderboard_visibility=visibility, leaderboard_pseudonym=pseudonym
        )
    usernames = {item[0] for item in WORK}
    return User.objects.in_bulk(usernames, field_name="username")


def _approver_for(call: OpenCallPage):
    group = call.service.department.approvers_group or call.service.department.staff_group
    person = group.user_set.first() if group else None
    return person or User.objects.filter(is_superuser=True).first()


def _team_reservation(shift: Shift, team: Team | None) -> TeamReservation | None:
    if team is None:
        return None
    reservation = TeamReservation.objects.filter(shift=shift, team=team).first()
    if reservation is None:
        Shift.objects.filter(pk=shift.pk).update(team_places=shift.capacity)
        reservation = TeamReservation.objects.create(shift=shift, team=team, places=0)
    return reservation


@transaction.atomic
def _work_once(*, person, service_slug: str, hours: int, days_ago: int, team: Team | None, now) -> bool:
    note = f"کار نمونهٔ جدول امتیازها: {service_slug}، {days_ago} روز پیش"
    if Completion.objects.filter(signup__volunteer=person, note=note).exists():
        return False
    call = OpenCallPage.objects.live().filter(service__slug=service_slug).order_by("pk").first()
    if call is None:
        return False
    if days_ago:
        starts_at = (now - datetime.timedelta(days=days_ago)).replace(
            hour=5, minute=0, second=0, microsecond=0
        )
    else:  # earlier today: this month's board always has someone on it
        starts_at = (now - datetime.timedelta(hours=hours + 1)).replace(second=0, microsecond=0)
    shift, _created = Shift.objects.get_or_create(
        call=call,
        starts_at=starts_at,
        defaults={"ends_at": starts_at + datetime.timedelta(hours=hours), "capacity": 10},
    )
    reservation = _team_reservation(shift, team)
    if reservation is not None:
        # Counters move with the rows they count, as campaigns' services do under the shift's lock.
        TeamReservation.objects.filter(pk=reservation.pk).update(places=reservation.places + 1)
        Shift.objects.filter(pk=shift.pk).update(team_reserved_count=shift.team_reserved_count + 1)
        reservation.refresh_from_db()
        shift.refresh_from_db()
    signup = SignUp.objects.create(
        shift=shift,
        volunteer=person,
        status=SignUp.Status.CONFIRMED,
        reservation=reservation,
        checked_in_at=shift.starts_at,
        checked_out_at=shift.ends_at,
    )
    Shift.objects.filter(pk=shift.pk).update(confirmed_count=shift.confirmed_count + 1)
    if reservation is not None:
        TeamReservation.objects.filter(pk=reservation.pk).update(
            assigned_count=reservation.assigned_count + 1
        )
    approved_and_credited(signup=signup, hours=hours, note=note, now=now)
    return True


def approved_and_credited(*, signup: SignUp, hours: int, note: str, now, before_approval=None) -> Completion:
    """The sign-up's work reported, approved six hours after the shift and credited as of then, as the
    services would have left it; `before_approval(completion)` adds what the report carried."""
    shift = signup.shift
    completion = Completion.objects.create(
        signup=signup,
        reported_by=signup.volunteer,
        hours=Decimal(hours),
        note=note,
        status=Completion.Status.APPROVED,
        approved_hours=Decimal(hours),
        created_at=shift.ends_at,
    )
    if before_approval is not None:
        before_approval(completion)
    approval = Verification.objects.create(
        completion=completion,
        decided_by=_approver_for(shift.call),
        decision=Verification.Decision.APPROVE,
        hours=Decimal(hours),
        is_final_approval=True,
        created_at=min(shift.ends_at + datetime.timedelta(hours=6), now),
    )
    # Credited as of the approval, so that the work lands in its own month on the boards.
    verification_points_credit(verification_id=approval.pk, now=approval.created_at)
    return completion


def load(*, now: datetime.datetime | None = None) -> int:
    """Makes the demo history once; returns how many pieces of work this run added."""
    now = now or timezone.now()
    people = _people()
    team = Team.objects.filter(name=DEMO_TEAM_NAME).first()
    added = 0
    for username, service_slug, hours, days_ago, on_team in WORK:
        person = people.get(username)
        if person is None:
            continue
        person_team = None
        if on_team and team and team.members.filter(pk=person.pk).exists():
            person_team = team
        added += _work_once(
            person=person,
            service_slug=service_slug,
            hours=hours,
            days_ago=days_ago,
            team=person_team,
            now=now,
        )
    return added
