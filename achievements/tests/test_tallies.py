import datetime

import pytest
from django.utils import timezone

from achievements.models import LeaderboardBucket, LeaderboardScore
from achievements.periods import month_key
from achievements.selectors import lifetime_points
from achievements.services import leaderboards_rebuild, points_recorded
from campaigns.tests.factories import PersonFactory
from city.models import District

from .factories import credit, revoke, verified_work

pytestmark = pytest.mark.django_db
Board = LeaderboardScore.Board


def snapshot() -> tuple[set, set]:
    """The tallies and the (non-empty) buckets, to compare the incremental ones with a rebuild."""
    return (
        set(LeaderboardScore.objects.values_list("board", "subject_id", "period", "points", "listed")),
        set(
            LeaderboardBucket.objects.filter(subjects__gt=0).values_list(
                "board", "period", "points", "subjects"
            )
        ),
    )


def score(board, subject_id, period="all"):
    row = LeaderboardScore.objects.filter(board=board, subject_id=subject_id, period=period).first()
    return row.points if row else None


def test_a_credit_counts_for_the_person_all_time_and_this_month_and_the_calls_district():
    person = PersonFactory()
    approval = verified_work(person, district_number=3, hours=2)

    amount = credit(approval).amount

    district = District.objects.get(number=3)
    assert amount == 20
    assert score(Board.INDIVIDUAL, person.pk) == 20
    assert score(Board.INDIVIDUAL, person.pk, month_key()) == 20
    assert score(Board.DISTRICT, district.pk) == 20
    assert score(Board.DISTRICT, district.pk, month_key()) == 20
    assert lifetime_points(person.pk) == 20


def test_months_are_jalali_months_in_tehran_time():
    # 20 March 2025 21:00 UTC is already 00:30 on 1 Farvardin 1404 in Tehran (UTC+3:30).
    moment = datetime.datetime(2025, 3, 20, 21, 0, tzinfo=datetime.UTC)
    assert month_key(moment) == "1404-01"
    assert month_key(moment - datetime.timedelta(hours=1)) == "1403-12"


def test_credits_add_up_and_a_reversal_takes_its_points_off_in_its_own_month():
    person = PersonFactory()
    last_month = timezone.now() - datetime.timedelta(days=40)
    first = verified_work(person)
    second = verified_work(person)

    credit(first, at=last_month)
    credit(second)
    revoke(first)

    assert score(Board.INDIVIDUAL, person.pk) == 30
    assert score(Board.INDIVIDUAL, person.pk, month_key(last_month)) == 30
    assert score(Board.INDIVIDUAL, person.pk, month_key()) == 0  # +30 earned, −30 revoked this month


def test_entries_without_work_count_for_the_person_only_and_zero_is_ignored():
    person = PersonFactory()

    points_recorded(user_id=person.pk, amount=15, occurred_at=timezone.now())
    points_recorded(user_id=person.pk, amount=0, occurred_at=timezone.now())

    assert LeaderboardScore.objects.filter(board=Board.INDIVIDUAL).count() == 2
    assert LeaderboardScore.objects.exclude(board=Board.INDIVIDUAL).count() == 0
    assert lifetime_points(person.pk) == 15


def test_a_hidden_persons_rows_are_unlisted_and_follow_their_choice():
    person = PersonFactory(leaderboard_visibility="hidden")
    credit(verified_work(person))
    assert not LeaderboardScore.objects.filter(
        board=Board.INDIVIDUAL, subject_id=person.pk, listed=True
    ).exists()
    # Still counted for the district.
    assert LeaderboardScore.objects.get(board=Board.DISTRICT, period="all").points == 30

    person.leaderboard_visibility = "pseudonym"
    person.save()

    assert not LeaderboardScore.objects.filter(
        board=Board.INDIVIDUAL, subject_id=person.pk, listed=False
    ).exists()


def test_rebuilding_from_the_ledger_gives_the_incremental_tallies():
    people = PersonFactory.create_batch(3)
    last_month = timezone.now() - datetime.timedelta(days=35)
    approvals = [
        verified_work(people[0], district_number=1),
        verified_work(people[0], district_number=2, hours=5),
        verified_work(people[1], district_number=2),
        verified_work(people[2], district_number=3, hours=1),
    ]
    ledger = [credit(approvals[0], at=last_month)]
    ledger += [credit(approval) for approval in approvals[1:]]
    ledger.append(revoke(approvals[2]))
    incremental = snapshot()

    LeaderboardScore.objects.update(points=999)  # tallies gone wrong
    LeaderboardBucket.objects.update(subjects=7)
    LeaderboardScore.objects.create(
        board=Board.INDIVIDUAL, subject_id=people[2].pk, period="1300-01", points=5
    )
    changes = leaderboards_rebuild(entries=ledger)

    assert snapshot() == incremental
    assert changes["deleted"] == 1


def test_rewards_credits_feed_the_tallies_and_a_rebuild_from_its_ledger_agrees():
    from rewards.models import PointsAccount
    from rewards.services import verification_points_credit, verification_points_reverse
    from verification.models import Verification

    people = PersonFactory.create_batch(2)
    approvals = [
        verified_work(people[0], district_number=1, hours=2),
        verified_work(people[0], district_number=2, hours=4),
        verified_work(people[1], district_number=2, hours=3),
    ]
    for approval in approvals:
        verification_points_credit(verification_id=approval.pk)
    revoked = approvals[1]
    revoked.completion.status = "revoked"
    revoked.completion.save(update_fields=["status"])
    revocation = Verification.objects.create(
        completion=revoked.completion,
        decided_by=revoked.decided_by,
        decision="revoke",
        reason="x",
        revokes=revoked,
    )
    verification_points_reverse(revocation_id=revocation.pk)
    incremental = snapshot()

    LeaderboardScore.objects.all().delete()
    leaderboards_rebuild()

    assert snapshot() == incremental
    for person in people:
        assert lifetime_points(person.pk) == PointsAccount.objects.get(user=person).lifetime
    assert lifetime_points(people[0].pk) == 20
