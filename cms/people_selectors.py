"""Reads for staff looking a person up: who they may find, and one person's record across the apps
(sign-ups and check-ins, reports and decisions, hours, points, level and badges).

Staff find only the people whose personal data they may see (volunteers.selectors: those who signed up
for a shift of their department; everyone for superusers), and opening a record is logged with a reason
(cms.people_services).
"""

import dataclasses
from decimal import Decimal

from django.db.models import Q

from achievements.models import BadgeAward
from achievements.selectors import badges_earned, level_for
from campaigns.models import SignUp
from city.permissions import departments_for_staff
from volunteers.models import User
from volunteers.phone import normalize_mobile
from volunteers.selectors import personal_data_visible_ids

from .dashboard_selectors import VolunteerDashboard, volunteer_dashboard

SEARCH_CANDIDATES = 200
SEARCH_RESULTS = 50


def can_look_up_people(user) -> bool:
    """Municipal staff of a department (or its approvers) and superusers."""
    return bool(user.is_authenticated and user.is_active) and (
        user.is_superuser or departments_for_staff(user=user).exists()
    )


def people_search(*, viewer, query: str) -> list[User]:
    """People the viewer may see whose name has every word of `query`, or whose mobile number, e-mail or
    username is `query`; at most SEARCH_RESULTS, by name."""
    query = " ".join(query.split())[:100]
    if len(query) < 2:
        return []
    exact = Q(username__iexact=query) | Q(email__iexact=query)
    if phone := normalize_mobile(query):
        exact |= Q(phone=phone)
    by_name = Q()
    for word in query.split():
        by_name &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    candidates = list(
        User.objects.filter(exact | by_name, is_active=True).order_by("first_name", "last_name", "pk")[
            :SEARCH_CANDIDATES
        ]
    )
    visible = personal_data_visible_ids(viewer=viewer, person_ids=[person.pk for person in candidates])
    return [person for person in candidates if person.pk in visible][:SEARCH_RESULTS]


def person_for_staff(*, viewer, person_id: int) -> User | None:
    """The person, if the viewer may see their record; None otherwise (the view answers 404)."""
    if person_id not in personal_data_visible_ids(viewer=viewer, person_ids=[person_id]):
        return None
    return User.objects.select_related("district").filter(pk=person_id).first()


@dataclasses.dataclass(frozen=True)
class PersonRecord:
    person: User
    figures: VolunteerDashboard
    level_name: str
    badges: list[BadgeAward]
    signups: list[SignUp]

    @property
    def verified_hours(self) -> Decimal:
        return self.figures.verified_hours


def person_record(*, person: User) -> PersonRecord:
    """Everything staff need to help the person: their figures, badges and every sign-up with its
    check-in, report and decision, most recent shift first."""
    level = level_for(person)
    signups = list(
        SignUp.objects.filter(volunteer=person)
        .select_related("shift__call__service", "completion", "reservation__team")
        .order_by("-shift__starts_at", "-pk")
    )
    return PersonRecord(
        person=person,
        figures=volunteer_dashboard(user=person),
        level_name=str(level.name) if level else "",
        badges=badges_earned(user=person),
        signups=signups,
    )
