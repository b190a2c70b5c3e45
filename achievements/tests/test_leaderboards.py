import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone, translation

from achievements.models import LeaderboardScore
from achievements.selectors import leaderboard_page
from achievements.services import leaderboards_rebuild, points_recorded
from campaigns.models import TeamReservation
from campaigns.tests.factories import PersonFactory
from core.localization import persian_digits
from volunteers.models import Organisation, OrganisationMembership, Team
from volunteers.services import api_token_create

from .factories import credit, verified_work

pytestmark = pytest.mark.django_db
ENGLISH = {"accept-language": "en"}


def earn(person, amount, *, at=None):
    points_recorded(user_id=person.pk, amount=amount, occurred_at=at or timezone.now())


def api_client(person=None) -> Client:
    if person is None:
        return Client(headers=ENGLISH)
    _, secret = api_token_create(user=person, name="test")
    return Client(headers={"authorization": f"Bearer {secret}", **ENGLISH})


def test_individuals_best_first_with_equal_points_sharing_a_rank():
    ana, bob, cyrus, dara = PersonFactory.create_batch(4)
    earn(ana, 50)
    earn(bob, 80)
    earn(cyrus, 50)
    earn(dara, 10)

    page = leaderboard_page(kind="individuals", period="all")

    assert [(entry.rank, entry.subject_id, entry.points) for entry in page.entries] == [
        (1, bob.pk, 80),
        (2, ana.pk, 50),
        (2, cyrus.pk, 50),
        (4, dara.pk, 10),
    ]
    assert page.size == 4


def test_my_rank_counts_those_ahead_and_ties_share_it():
    ana, bob, cyrus = PersonFactory.create_batch(3)
    earn(ana, 50)
    earn(bob, 80)
    earn(cyrus, 50)

    assert leaderboard_page(kind="individuals", period="all", viewer=cyrus).me.rank == 2
    assert leaderboard_page(kind="individuals", period="all", viewer=bob).me.rank == 1
    newcomer = PersonFactory()
    assert leaderboard_page(kind="individuals", period="all", viewer=newcomer).me.rank is None


def test_pseudonyms_replace_names_and_hidden_people_do_not_appear_or_push_others_down():
    shown = PersonFactory(first_name="Sara", last_name="Tehrani")
    masked = PersonFactory(leaderboard_visibility="pseudonym", leaderboard_pseudonym="Green Hands")
    hidden = PersonFactory(first_name="Hidden", leaderboard_visibility="hidden")
    earn(hidden, 100)
    earn(masked, 60)
    earn(shown, 40)

    page = leaderboard_page(kind="individuals", period="all")

    assert [(entry.rank, entry.name) for entry in page.entries] == [(1, "Green Hands"), (2, "Sara Tehrani")]
    # A hidden person sees, privately, where they would stand.
    mine = leaderboard_page(kind="individuals", period="all", viewer=hidden).me
    assert (mine.rank, mine.points, mine.listed) == (1, 100, False)


def test_people_with_the_same_name_are_told_apart_by_their_number_and_find_their_own_row():
    first = PersonFactory(first_name="Ali", last_name="Mohammadi")
    second = PersonFactory(first_name="Ali", last_name="Mohammadi")
    other = PersonFactory(first_name="Sara", last_name="Tehrani")
    earn(first, 50)
    earn(second, 40)
    earn(other, 30)

    with translation.override("en"):
        page = leaderboard_page(kind="individuals", period="all", viewer=second)
    assert [entry.name for entry in page.entries] == [
        f"Ali Mohammadi #{first.pk}",
        f"Ali Mohammadi #{second.pk}",
        "Sara Tehrani",
    ]
    assert page.me.name == f"Ali Mohammadi #{second.pk}"
    with translation.override("fa"):
        persian = leaderboard_page(kind="individuals", period="all")
    assert persian.entries[0].name == f"Ali Mohammadi #{persian_digits(first.pk)}"


def test_this_month_and_all_time_are_separate_boards():
    old_hand, newcomer = PersonFactory.create_batch(2)
    earn(old_hand, 500, at=timezone.now() - datetime.timedelta(days=70))
    earn(old_hand, 5)
    earn(newcomer, 30)

    month = leaderboard_page(kind="individuals", period="month")
    all_time = leaderboard_page(kind="individuals", period="all")

    assert [(entry.subject_id, entry.points) for entry in month.entries] == [
        (newcomer.pk, 30),
        (old_hand.pk, 5),
    ]
    assert [(entry.subject_id, entry.points) for entry in all_time.entries] == [
        (old_hand.pk, 505),
        (newcomer.pk, 30),
    ]


def test_teams_board_ranks_ngos_by_work_on_their_teams_reserved_places_and_districts_by_the_calls():
    ngo = Organisation.objects.create(name_fa="سبزاندیشان", name_en="Green Minds", registration_number="1")
    team = Team.objects.create(organisation=ngo, name="A")
    member, loner = PersonFactory.create_batch(2)
    OrganisationMembership.objects.create(organisation=ngo, user=member)
    OrganisationMembership.objects.create(organisation=ngo, user=loner)
    team.members.add(member)
    approval = verified_work(member, district_number=5, hours=2)
    shift = approval.completion.signup.shift
    reservation = TeamReservation.objects.create(shift=shift, team=team, places=1)
    approval.completion.signup.reservation = reservation
    approval.completion.signup.save(update_fields=["reservation"])
    ledger = [credit(approval), credit(verified_work(loner, district_number=6, hours=1))]

    teams = leaderboard_page(kind="teams", period="all", viewer=loner)
    districts = leaderboard_page(kind="districts", period="month")

    # The loner's own work was not on a team place: it counts for them and district 6 only.
    assert [(entry.name, entry.points, entry.is_me) for entry in teams.entries] == [("سبزاندیشان", 20, True)]
    assert (teams.me.name, teams.me.rank) == ("سبزاندیشان", 1)
    assert [entry.points for entry in districts.entries] == [20, 10]
    assert LeaderboardScore.objects.get(board="team", subject_id=team.pk, period="all").points == 20
    # And a rebuild from the same ledger agrees.
    before = set(LeaderboardScore.objects.values_list("board", "subject_id", "period", "points"))
    leaderboards_rebuild(entries=ledger)
    assert set(LeaderboardScore.objects.values_list("board", "subject_id", "period", "points")) == before


# --- API -------------------------------------------------------------------------------------------------


def test_api_leaderboard_for_anyone_with_me_when_authenticated_and_never_contact_data():
    sara = PersonFactory(first_name="Sara", last_name="", email="sara@example.org", phone="09121234567")
    nameless = PersonFactory(
        first_name="", last_name="", username="09127654321", email="", phone="09127654321"
    )
    earn(sara, 40)
    earn(nameless, 30)

    public = api_client().get("/api/v1/leaderboards/individuals?period=all")
    mine = api_client(sara).get("/api/v1/leaderboards/individuals?period=all&limit=1")

    assert public.status_code == 200
    body = public.json()
    assert body["me"] is None
    assert [(entry["rank"], entry["name"], entry["points"]) for entry in body["entries"]] == [
        (1, "Sara", 40),
        (2, f"Volunteer #{nameless.pk}", 30),
    ]
    text = json.dumps(body) + mine.content.decode()
    for secret in ("sara@example.org", "09121234567", "09127654321", "@"):
        assert secret not in text
    assert mine.json()["me"] == {"name": "Sara", "rank": 1, "points": 40, "listed": True}
    assert len(mine.json()["entries"]) == 1
    assert mine.json()["entries"][0]["is_me"] is True


@pytest.mark.parametrize(
    "url, status, code",
    [
        ("/api/v1/leaderboards/cats?period=all", 404, "leaderboard_not_found"),
        ("/api/v1/leaderboards/individuals?period=year", 422, "period_not_valid"),
        ("/api/v1/leaderboards/individuals?limit=101", 422, "invalid_input"),
        ("/api/v1/leaderboards/individuals?limit=0", 422, "invalid_input"),
    ],
)
def test_api_leaderboard_errors(url, status, code):
    response = api_client().get(url)

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]


def test_api_leaderboard_month_is_the_default_period_and_a_wrong_token_is_refused():
    response = api_client().get("/api/v1/leaderboards/districts")
    assert response.status_code == 200
    assert response.json()["period"] == "month"
    assert (
        response.json()["period_key"]
        == response.json()["period_key"][:4] + "-" + response.json()["period_key"][5:]
    )

    refused = Client(headers={"authorization": "Bearer nonsense"}).get("/api/v1/leaderboards/districts")
    assert refused.status_code == 401


def test_api_my_level_and_badges():
    person = PersonFactory()
    credit(verified_work(person, hours=6))
    client = api_client(person)

    level = client.get("/api/v1/me/level").json()
    badges = client.get("/api/v1/me/badges").json()

    assert level["lifetime_points"] == 60
    assert level["level"]["name"] == "Sprout"
    assert level["next_level"]["name"] == "Sapling"
    assert level["points_to_next_level"] == 140
    assert {badge["slug"] for badge in badges} >= {"hours-50", "every-department"}
    hours = next(badge for badge in badges if badge["slug"] == "hours-50")
    assert (hours["earned"], hours["done"], hours["needed"]) == (False, 6, 50)


def test_api_me_endpoints_need_authentication():
    assert api_client().get("/api/v1/me/badges").status_code == 401
    assert api_client().get("/api/v1/me/level").status_code == 401


def test_top_fifty_and_my_rank_take_a_fixed_number_of_queries(django_assert_max_num_queries):
    people = PersonFactory.create_batch(60)
    for index, person in enumerate(people):
        earn(person, 10 + index)

    with django_assert_max_num_queries(6):
        page = leaderboard_page(kind="individuals", period="all", viewer=people[0])

    assert len(page.entries) == 50
    assert page.me.rank == 60


def test_changing_visibility_moves_the_person_in_and_out_of_everyone_elses_ranks():
    shy, other = PersonFactory.create_batch(2)
    earn(shy, 100)
    earn(other, 50)
    assert leaderboard_page(kind="individuals", period="all", viewer=other).me.rank == 2

    shy.leaderboard_visibility = "hidden"
    shy.save()
    assert leaderboard_page(kind="individuals", period="all", viewer=other).me.rank == 1
    assert leaderboard_page(kind="individuals", period="all").size == 1

    shy.leaderboard_visibility = "pseudonym"
    shy.leaderboard_pseudonym = "Night Gardener"
    shy.save()
    page = leaderboard_page(kind="individuals", period="all", viewer=other)
    assert (page.me.rank, page.entries[0].name, page.size) == (2, "Night Gardener", 2)
