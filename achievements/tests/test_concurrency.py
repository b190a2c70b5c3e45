"""Credits for the same person (and the same district) recorded at the same moment on PostgreSQL: tallies
add up exactly, and a badge and a level are awarded and announced exactly once.

Each thread has its own database connection and transaction, as rewards' credit tasks would.
"""

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from achievements.models import Badge, BadgeAward, LeaderboardScore, LevelAttainment
from achievements.periods import month_key
from achievements.services import points_recorded
from campaigns.tests.factories import PersonFactory
from campaigns.tests.test_signup_concurrency import run_together
from city.models import District
from tests.pytest_servers import postgres_missing_reason_key
from tests.servers import skip_or_fail

from .factories import verified_work

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

THREADS = 12
Board = LeaderboardScore.Board


@pytest.fixture(autouse=True)
def on_postgresql(request):
    if connection.vendor != "postgresql":
        reason = (
            request.config.stash.get(postgres_missing_reason_key, None) or "DATABASE_URL is not PostgreSQL"
        )
        skip_or_fail(f"Parallel credits need PostgreSQL's row locks. {reason}")


def test_parallel_credits_for_one_person_add_up_and_award_the_badge_and_level_once():
    # given one person with twelve approved pieces of work, and a badge for 50 points
    person = PersonFactory(email="sara@example.org", preferred_language="en")
    Badge.objects.update(is_active=False)
    Badge.objects.create(slug="fifty", name_fa="پنجاه", name_en="Fifty", rule="lifetime_points", threshold=50)
    approvals = [verified_work(person, district_number=2, hours=1) for _ in range(THREADS)]
    mail.outbox = []

    # when rewards credits all twelve at once (10 points each)
    run_together(
        lambda approval: points_recorded(
            user_id=person.pk, amount=10, occurred_at=timezone.now(), verification_id=approval.pk
        ),
        approvals,
    )

    # then
    district = District.objects.get(number=2)
    for board, subject_id in ((Board.INDIVIDUAL, person.pk), (Board.DISTRICT, district.pk)):
        for period in ("all", month_key()):
            assert (
                LeaderboardScore.objects.get(board=board, subject_id=subject_id, period=period).points == 120
            )
    assert BadgeAward.objects.filter(user=person).count() == 1
    assert LevelAttainment.objects.filter(user=person).count() == 1  # Sprout, at 50
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == ["You earned a badge on Hamyar", "You reached a new level on Hamyar"]


def test_parallel_first_credits_in_one_district_create_its_tally_once():
    people = PersonFactory.create_batch(THREADS)
    approvals = [verified_work(person, district_number=4, hours=2) for person in people]

    run_together(
        lambda approval: points_recorded(
            user_id=approval.completion.signup.volunteer_id,
            amount=20,
            occurred_at=timezone.now(),
            verification_id=approval.pk,
        ),
        approvals,
    )

    district = District.objects.get(number=4)
    rows = LeaderboardScore.objects.filter(board=Board.DISTRICT, subject_id=district.pk)
    assert sorted(rows.values_list("period", "points")) == sorted([("all", 240), (month_key(), 240)])
    assert LeaderboardScore.objects.filter(board=Board.INDIVIDUAL, period="all", points=20).count() == THREADS
