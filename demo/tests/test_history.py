import pytest

from achievements.models import BadgeAward, LeaderboardScore
from achievements.selectors import leaderboard_page
from achievements.services import leaderboards_rebuild
from campaigns.services import departments_setup
from demo import history as demo
from demo.calls import demo_calls_load
from demo.people import demo_people_load

pytestmark = pytest.mark.django_db


def test_demo_history_fills_the_boards_once_and_agrees_with_the_ledger():
    departments_setup()
    demo_calls_load()
    demo_people_load()

    added = demo.load()
    again = demo.load()

    assert added == len(demo.WORK)
    assert again == 0
    individuals = leaderboard_page(kind="individuals", period="all")
    names = [entry.name for entry in individuals.entries]
    assert "باغبان شب" in names and "همیار سبز" in names
    assert not any("بهرام" in name or "زهرا" in name for name in names)  # they chose not to appear
    assert leaderboard_page(kind="teams", period="all").entries
    assert len(leaderboard_page(kind="districts", period="all").entries) >= 3
    assert leaderboard_page(kind="individuals", period="month").entries
    assert BadgeAward.objects.exists()
    before = set(LeaderboardScore.objects.values_list("board", "subject_id", "period", "points", "listed"))
    leaderboards_rebuild()
    assert (
        set(LeaderboardScore.objects.values_list("board", "subject_id", "period", "points", "listed"))
        == before
    )
