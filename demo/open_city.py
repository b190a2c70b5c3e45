"""Demo neighbours for the open city: people who worked on six calls in different districts over the last
ten weeks, with what their work achieved (the service's measures), approved and credited, so that the open
city has groups above its five-person threshold to show. They cannot log in and are not on the boards.

Needs the demo calls and people loaded first. Idempotent: each piece of work is found by its note."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from campaigns.models import OpenCallPage, Shift, SignUp
from verification.models import Completion, ImpactFigure, ImpactMeasure

from .history import approved_and_credited

User = get_user_model()

FIRST_NAMES = ("مریم", "علی", "زهرا", "حسین", "فاطمه", "رضا", "سارا", "مهدی", "نرگس", "امیر", "لیلا", "حمید")
LAST_NAMES = ("احمدی", "رضایی", "کریمی", "موسوی", "حسینی", "جعفری")
CALLS = 6  # calls, each in its own district
PEOPLE_PER_CALL = 6  # above the open city's five-person threshold


def _neighbours(count: int) -> list:
    people = []
    for number in range(1, count + 1):
        person, created = User.objects.get_or_create(
            username=f"demo-neighbour-{number}",
            defaults={
                "first_name": FIRST_NAMES[number % len(FIRST_NAMES)],
                "last_name": LAST_NAMES[number % len(LAST_NAMES)],
                "leaderboard_visibility": User.LeaderboardVisibility.HIDDEN,
            },
        )
        if created:
            person.set_unusable_password()
            person.save(update_fields=["password"])
        people.append(person)
    return people


def _calls() -> list[OpenCallPage]:
    """The first live demo calls of different districts whose services measure something."""
    measured = set(ImpactMeasure.objects.filter(is_active=True).values_list("service_id", flat=True))
    chosen, districts = [], set()
    for call in OpenCallPage.objects.live().select_related("service").order_by("pk"):
        if call.district_id not in districts and call.service_id in measured:
            chosen.append(call)
            districts.add(call.district_id)
        if len(chosen) == CALLS:
            break
    return chosen


@transaction.atomic
def _work_once(*, person, call: OpenCallPage, days_ago: int, hours: int, rank: int, now) -> bool:
    note = f"کار نمونهٔ شهر باز: {call.slug}"
    if Completion.objects.filter(signup__volunteer=person, note=note).exists():
        return False
    starts_at = (now - datetime.timedelta(days=days_ago)).replace(hour=5, minute=0, second=0, microsecond=0)
    shift, _created = Shift.objects.get_or_create(
        call=call,
        starts_at=starts_at,
        defaults={"ends_at": starts_at + datetime.timedelta(hours=hours), "capacity": PEOPLE_PER_CALL + 2},
    )
    signup = SignUp.objects.create(
        shift=shift,
        volunteer=person,
        status=SignUp.Status.CONFIRMED,
        checked_in_at=shift.starts_at,
        checked_out_at=shift.ends_at,
    )
    Shift.objects.filter(pk=shift.pk).update(confirmed_count=shift.confirmed_count + 1)
    approved_and_credited(
        signup=signup,
        hours=hours,
        note=note,
        now=now,
        before_approval=lambda completion: _figures(completion, service_id=call.service_id, rank=rank),
    )
    return True


def _figures(completion: Completion, *, service_id: int, rank: int) -> None:
    """What the work achieved by each of the service's measures, approved as reported."""
    for measure in ImpactMeasure.objects.filter(service_id=service_id, is_active=True):
        if measure.kind == ImpactMeasure.Kind.CHECK:
            value = Decimal(rank % 2)
        else:
            # a figure of the measure's size: a few bags, tens of kilograms
            scale = max(1, int(measure.max_per_report) // 100)
            value = min(measure.max_per_report, Decimal((rank + 3) * scale))
        ImpactFigure.objects.create(completion=completion, measure=measure, value=value, approved_value=value)


def load(*, now: datetime.datetime | None = None) -> int:
    """Makes the neighbours' work once; returns how many pieces of work this run added."""
    now = now or timezone.now()
    people = _neighbours(CALLS * PEOPLE_PER_CALL)
    added = 0
    for index, call in enumerate(_calls()):
        for rank in range(PEOPLE_PER_CALL):
            added += _work_once(
                person=people[index * PEOPLE_PER_CALL + rank],
                call=call,
                days_ago=5 + 11 * index,
                hours=2 + rank % 2,
                rank=rank,
                now=now,
            )
    return added
