"""The dashboards of a volunteer and of an NGO's managers: figures read from the apps that own them
(verification for hours, rewards for points, campaigns for team places), gathered for one page.

Each dashboard is a fixed number of queries, however much work the person or the NGO has done.
"""

import dataclasses
from decimal import Decimal

from campaigns.dashboard_selectors import team_places
from core.charts import Datum, month_keys, month_start
from rewards.dashboard_selectors import points_by_service, points_totals
from verification import dashboard_selectors as work

MONTHS = work.MONTHS


@dataclasses.dataclass(frozen=True)
class VolunteerDashboard:
    hours_by_month: list[Datum]
    points_by_service: list[Datum]
    verified_hours: Decimal
    verified_shifts: int
    points_balance: int
    points_lifetime: int


def volunteer_dashboard(*, user) -> VolunteerDashboard:
    """The person's verified hours per month over the last year, points per service, and totals (four
    queries)."""
    completions = work.volunteer_completions(user=user)
    hours = work.hours_totals(completions)
    points = points_totals(user=user)
    return VolunteerDashboard(
        hours_by_month=work.hours_by_month(completions, months=MONTHS),
        points_by_service=points_by_service(user=user),
        verified_hours=hours.hours,
        verified_shifts=hours.shifts,
        points_balance=points.balance,
        points_lifetime=points.lifetime,
    )


@dataclasses.dataclass(frozen=True)
class NgoFigures:
    hours_by_month: list[Datum]
    member_hours: list[Datum]
    team_places: list[Datum]
    verified_hours: Decimal
    verified_shifts: int

    @property
    def places_reserved(self) -> int:
        return sum(datum.total or 0 for datum in self.team_places)

    @property
    def places_assigned(self) -> int:
        return sum(datum.value for datum in self.team_places)


def ngo_figures(*, organisation) -> NgoFigures:
    """The NGO's team work: verified hours per month over the last year and per member, and per team the
    places reserved and assigned on shifts of that year and upcoming ones (four queries)."""
    completions = work.organisation_completions(organisation=organisation)
    hours = work.hours_totals(completions)
    return NgoFigures(
        hours_by_month=work.hours_by_month(completions, months=MONTHS),
        member_hours=work.member_hours(organisation=organisation),
        team_places=team_places(organisation=organisation, since=month_start(month_keys(MONTHS)[0])),
        verified_hours=hours.hours,
        verified_shifts=hours.shifts,
    )
