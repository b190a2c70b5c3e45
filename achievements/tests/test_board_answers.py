"""A board read anonymously is kept in the cache and served without a query, but never past a change of what
it shows: points, a person hiding or taking a pseudonym, a name, an account deleted."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from achievements.services import points_recorded
from campaigns.tests.factories import PersonFactory
from volunteers.services import api_token_create

# Answers are kept only outside transactions: these tests commit, like requests do.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BOARD = "/api/v1/leaderboards/individuals?period=all"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def earn(person, amount):
    points_recorded(user_id=person.pk, amount=amount, occurred_at=timezone.now())


def board(client=None) -> tuple[list[tuple[str, int]], int, dict]:
    """The board's (name, points) entries, the queries answering it took, and the whole body."""
    with CaptureQueriesContext(connection) as queries:
        response = (client or Client()).get(BOARD)
    assert response.status_code == 200
    body = response.json()
    return [(entry["name"], entry["points"]) for entry in body["entries"]], len(queries), body


def test_an_anonymous_board_is_answered_from_the_cache_until_points_change():
    sara = PersonFactory(first_name="Sara", last_name="")
    earn(sara, 40)

    first, first_queries, _ = board()
    again, again_queries, _ = board()

    assert first == again == [("Sara", 40)]
    assert first_queries > 0 and again_queries == 0

    earn(sara, 5)
    after, after_queries, _ = board()

    assert after == [("Sara", 45)]
    assert after_queries > 0


def test_a_reader_with_a_token_always_gets_their_own_answer():
    sara, ali = PersonFactory(first_name="Sara", last_name=""), PersonFactory(first_name="Ali", last_name="")
    earn(sara, 40)
    earn(ali, 10)
    board()  # kept for anonymous readers
    _, secret = api_token_create(user=ali, name="test")
    with_token = Client(headers={"authorization": f"Bearer {secret}"})

    _, queries, body = board(with_token)

    assert queries > 0
    assert body["me"]["rank"] == 2


def test_hiding_taking_a_pseudonym_or_a_new_name_leaves_the_kept_board_at_once():
    sara = PersonFactory(first_name="Sara", last_name="Tehrani")
    ali = PersonFactory(first_name="Ali", last_name="Rezaei")
    earn(sara, 40)
    earn(ali, 30)
    assert board()[0] == [("Sara Tehrani", 40), ("Ali Rezaei", 30)]

    sara.leaderboard_visibility, sara.leaderboard_pseudonym = "pseudonym", "Green Hands"
    sara.save(update_fields=["leaderboard_visibility", "leaderboard_pseudonym"])
    assert board()[0] == [("Green Hands", 40), ("Ali Rezaei", 30)]

    ali.first_name = "Alireza"
    ali.save()
    assert board()[0] == [("Green Hands", 40), ("Alireza Rezaei", 30)]

    ali.leaderboard_visibility = "hidden"
    ali.save(update_fields=["leaderboard_visibility"])
    assert board()[0] == [("Green Hands", 40)]

    sara.delete()
    assert "Green Hands" not in [name for name, _points in board()[0]]


def test_a_login_does_not_forget_the_kept_board():
    sara = PersonFactory(first_name="Sara", last_name="")
    earn(sara, 40)
    board()

    sara.last_login = timezone.now()
    sara.save(update_fields=["last_login"])

    assert board()[1] == 0
