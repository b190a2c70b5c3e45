import pytest
from django.test import Client
from django.utils import timezone

from achievements.services import points_recorded
from campaigns.tests.factories import PersonFactory

from .factories import credit, verified_work

pytestmark = pytest.mark.django_db


def logged_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_leaderboards_page_in_persian_digits_with_the_viewers_row_highlighted():
    sara = PersonFactory(first_name="سارا", last_name="تهرانی")
    other = PersonFactory(first_name="Hidden", leaderboard_visibility="hidden", email="hidden@example.org")
    points_recorded(user_id=sara.pk, amount=1234, occurred_at=timezone.now())
    points_recorded(user_id=other.pk, amount=9999, occurred_at=timezone.now())

    response = logged_in(sara).get("/leaderboards/?board=individuals&period=all")

    html = response.content.decode()
    assert response.status_code == 200
    assert "سارا تهرانی" in html
    assert "۱٬۲۳۴" in html
    assert "board__row--me" in html
    assert "Hidden" not in html and "9999" not in html and "۹٬۹۹۹" not in html
    assert sara.email not in html and sara.phone not in html


def test_leaderboards_page_for_anyone_each_tab_and_a_clear_message_for_a_wrong_one():
    client = Client()
    for board in ("individuals", "teams", "districts"):
        for period in ("month", "all"):
            assert client.get(f"/leaderboards/?board={board}&period={period}").status_code == 200

    wrong = client.get("/en/leaderboards/?board=cats")
    assert wrong.status_code == 404
    assert "There is no leaderboard" in wrong.content.decode()
    assert client.get("/en/leaderboards/?period=year").status_code == 422


def test_a_hidden_person_sees_their_rank_privately():
    person = PersonFactory(leaderboard_visibility="hidden")
    points_recorded(user_id=person.pk, amount=10, occurred_at=timezone.now())

    html = logged_in(person).get("/en/leaderboards/?board=individuals&period=all").content.decode()

    assert "You are number 1" in html
    assert "only you see this" in html
    assert "board__row" not in html


def test_my_badges_and_level_page():
    person = PersonFactory()
    credit(verified_work(person, hours=6))

    response = logged_in(person).get("/en/leaderboards/me/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Sprout" in html
    assert "140 more points to Sapling" in html
    assert "Fifty hours of help" in html
    assert "6 of 50" in html
    assert "<svg" in html


def test_my_badges_and_level_needs_a_login():
    response = Client().get("/leaderboards/me/")
    assert response.status_code == 302
