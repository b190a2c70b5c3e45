import pytest
from django.core.cache import cache

from achievements.selectors import leaderboard_page
from achievements.services import leaderboards_rebuild
from campaigns.services import departments_setup
from demo import open_city as demo
from demo.calls import demo_calls_load
from demo.people import demo_people_load
from opencity import selectors
from rewards.services import ledger_verify
from volunteers.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_neighbours_give_the_open_city_figures_to_show_once_and_stay_off_the_boards():
    departments_setup()
    demo_calls_load()
    demo_people_load()
    cache.clear()

    added = demo.load()
    again = demo.load()

    assert added == demo.CALLS * demo.PEOPLE_PER_CALL and again == 0
    shown = [row for row in selectors.impact_rows() if not row["suppressed"]]
    assert len({row["service"] for row in shown}) == demo.CALLS
    reached = [row for row in selectors.equity_rows() if row["kind"] == "district" and not row["suppressed"]]
    assert len(reached) == demo.CALLS
    leaderboards_rebuild()
    on_the_board = {entry.subject_id for entry in leaderboard_page(kind="individuals", period="all").entries}
    neighbours = set(User.objects.filter(username__startswith="demo-neighbour-").values_list("pk", flat=True))
    assert len(neighbours) == added and not on_the_board & neighbours
    assert ledger_verify() == []
