"""The points and rewards API: my points and ledger, the catalogue, redeeming, the counter."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from campaigns.tests.factories import PersonFactory
from rewards import services
from rewards.models import Voucher
from rewards.tests.factories import approval_create, counter_staff, revocation_create, reward_create
from volunteers.services import api_token_create

pytestmark = pytest.mark.django_db


def client_for(person) -> Client:
    return Client(headers={"authorization": f"Bearer {api_token_create(user=person)[1]}"})


def with_points(points: int = 300):
    person = PersonFactory()
    approval = approval_create(volunteer=person, hours=points / 10)
    services.verification_points_credit(verification_id=approval.pk)
    return person, approval


def test_my_points_shows_balance_lifetime_and_what_expires_when():
    person, _ = with_points(300)
    services.reward_redeem(reward_id=reward_create(points_price=100).pk, user=person)

    body = client_for(person).get("/api/v1/me/points").json()

    assert body["balance"] == 200 and body["lifetime"] == 300
    assert [item["points"] for item in body["expiring"]] == [200]
    expires = datetime.datetime.fromisoformat(body["expiring"][0]["expires_at"])
    assert expires - timezone.now() > datetime.timedelta(days=364)


def test_my_points_of_someone_without_any_is_zero_and_anonymous_gets_401():
    assert client_for(PersonFactory()).get("/api/v1/me/points").json() == {
        "balance": 0,
        "lifetime": 0,
        "expiring": [],
    }
    response = Client().get("/api/v1/me/points")
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"


def test_my_ledger_lists_my_entries_newest_first_and_nobody_elses():
    person, approval = with_points(300)
    with_points(50)  # someone else's
    services.reward_redeem(reward_id=reward_create(points_price=100).pk, user=person)
    services.verification_points_reverse(revocation_id=revocation_create(approval=approval).pk)

    body = client_for(person).get("/api/v1/me/ledger").json()

    assert body["count"] == 3
    assert [(item["kind"], item["amount"]) for item in body["items"]] == [
        ("reversal", -200),
        ("redeem", -100),
        ("earn", 300),
    ]
    assert body["items"][1]["voucher_code"] == Voucher.objects.get().code


def test_the_catalogue_lists_available_rewards_only():
    reward = reward_create(points_price=100)
    reward_create(is_active=False)
    reward_create(
        available_until=timezone.now() - datetime.timedelta(days=1),
        available_from=timezone.now() - datetime.timedelta(days=9),
    )

    body = Client().get("/api/v1/rewards").json()

    assert [item["id"] for item in body] == [reward.pk]
    assert body[0]["points_price"] == 100 and body[0]["department"]
    assert Client().get(f"/api/v1/rewards/{reward.pk}").json()["id"] == reward.pk
    assert Client().get("/api/v1/rewards/99999").json()["error"]["code"] == "reward_not_found"


def test_redeeming_returns_a_voucher_with_code_expiry_and_qr():
    person, _ = with_points(300)
    reward = reward_create(points_price=100, voucher_valid_days=14)

    response = client_for(person).post(f"/api/v1/rewards/{reward.pk}/redeem")

    assert response.status_code == 201
    body = response.json()
    assert body["qr"].startswith("data:image/svg+xml")
    assert len(body["code"].replace("-", "")) == 16
    voucher = Voucher.objects.get(code=body["code"])
    assert abs(datetime.datetime.fromisoformat(body["expires_at"]) - voucher.expires_at) < datetime.timedelta(
        seconds=1
    )
    assert voucher.expires_at - voucher.issued_at == datetime.timedelta(days=14)
    assert client_for(person).get("/api/v1/me/points").json()["balance"] == 200


@pytest.mark.parametrize(
    ("reward_fields", "points", "code"),
    [
        ({"points_price": 500}, 300, "not_enough_points"),
        ({"monthly_budget": 0}, 300, "budget_exhausted"),
        ({"is_active": False}, 300, "reward_unavailable"),
    ],
)
def test_redeeming_refusals_are_clear_4xx(reward_fields, points, code):
    person, _ = with_points(points)
    reward = reward_create(**reward_fields)

    response = client_for(person).post(f"/api/v1/rewards/{reward.pk}/redeem")

    assert response.status_code in (404, 409)
    assert response.json()["error"]["code"] == code
    assert not Voucher.objects.exists()


def test_the_per_person_limit_and_a_budget_in_money():
    person, _ = with_points(1000)
    limited = reward_create(points_price=10, per_person_limit=2)
    client = client_for(person)
    assert [client.post(f"/api/v1/rewards/{limited.pk}/redeem").status_code for _ in range(3)] == [
        201,
        201,
        409,
    ]

    money = reward_create(points_price=10, budget_kind="value", value_rials=400_000, monthly_budget=1_000_000)
    responses = [client.post(f"/api/v1/rewards/{money.pk}/redeem") for _ in range(3)]
    assert [r.status_code for r in responses] == [201, 201, 409]
    assert responses[2].json()["error"]["code"] == "budget_exhausted"


def test_a_cancelled_voucher_gives_its_points_and_its_budget_place_back():
    person, _ = with_points(100)
    reward = reward_create(points_price=100, monthly_budget=1)
    voucher = services.reward_redeem(reward_id=reward.pk, user=person)

    services.voucher_cancel(voucher=voucher, actor=counter_staff(department_slug="cultural"))

    assert client_for(person).get("/api/v1/me/points").json()["balance"] == 100
    assert client_for(person).post(f"/api/v1/rewards/{reward.pk}/redeem").status_code == 201


def test_counter_redeems_once_then_409_with_when():
    person, _ = with_points(100)
    voucher = services.reward_redeem(reward_id=reward_create(points_price=100).pk, user=person)
    staff = client_for(counter_staff(department_slug="cultural"))

    # typed with Persian digits, lower case and no dashes: still found
    typed = voucher.code.replace("-", "").lower().translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    first = staff.post("/api/v1/vouchers/redeem", {"code": typed}, content_type="application/json")
    second = staff.post("/api/v1/vouchers/redeem", {"code": voucher.code}, content_type="application/json")

    assert first.status_code == 200 and first.json()["status"] == "redeemed"
    assert second.status_code == 409
    error = second.json()["error"]
    assert error["code"] == "voucher_already_redeemed" and "redeemed_at" in error["details"]


def test_a_volunteer_cannot_redeem_vouchers_at_the_counter():
    person, _ = with_points(100)
    voucher = services.reward_redeem(reward_id=reward_create(points_price=100).pk, user=person)

    for someone in (person, PersonFactory()):
        response = client_for(someone).post(
            "/api/v1/vouchers/redeem", {"code": voucher.code}, content_type="application/json"
        )
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "not_counter_staff"
    voucher.refresh_from_db()
    assert voucher.status == "issued"


def test_staff_of_another_department_cannot_redeem_it_either():
    person, _ = with_points(100)
    voucher = services.reward_redeem(reward_id=reward_create(points_price=100).pk, user=person)

    response = client_for(counter_staff(department_slug="traffic")).post(
        "/api/v1/vouchers/redeem", {"code": voucher.code}, content_type="application/json"
    )
    assert response.status_code == 403


def test_an_expired_voucher_is_refused_with_410_and_refunded_once_by_the_task():
    from rewards.tasks import expire_vouchers_task

    person, _ = with_points(100)
    voucher = services.reward_redeem(
        reward_id=reward_create(points_price=100, voucher_valid_days=1).pk, user=person
    )
    Voucher.objects.filter(pk=voucher.pk).update(
        issued_at=timezone.now() - datetime.timedelta(days=3),
        expires_at=timezone.now() - datetime.timedelta(days=2),
    )
    staff = client_for(counter_staff(department_slug="cultural"))

    response = staff.post("/api/v1/vouchers/redeem", {"code": voucher.code}, content_type="application/json")
    assert response.status_code == 410 and response.json()["error"]["code"] == "voucher_expired"

    assert expire_vouchers_task.delay().get() == 1
    assert expire_vouchers_task.delay().get() == 0
    assert client_for(person).get("/api/v1/me/points").json()["balance"] == 100
    assert services.ledger_verify() == []


def test_unknown_codes_are_404_and_empty_ones_422():
    staff = client_for(counter_staff(department_slug="cultural"))
    assert (
        staff.post("/api/v1/vouchers/redeem", {"code": "NOPE"}, content_type="application/json").status_code
        == 404
    )
    assert (
        staff.post("/api/v1/vouchers/redeem", {"code": ""}, content_type="application/json").status_code
        == 422
    )


def test_minimum_level_is_checked_with_achievements_levels():
    from achievements.models import Level

    Level.objects.all().delete()
    Level.objects.create(name_fa="نهال", min_points=0)
    Level.objects.create(name_fa="درخت", min_points=500)
    person, _ = with_points(300)
    reward = reward_create(points_price=10, min_level_points=500)

    response = client_for(person).post(f"/api/v1/rewards/{reward.pk}/redeem")
    assert response.json()["error"]["code"] == "level_too_low"

    services.verification_points_credit(verification_id=approval_create(volunteer=person, hours=20).pk)
    assert client_for(person).post(f"/api/v1/rewards/{reward.pk}/redeem").status_code == 201


def test_my_vouchers():
    person, _ = with_points(300)
    voucher = services.reward_redeem(reward_id=reward_create(points_price=100).pk, user=person)
    body = client_for(person).get("/api/v1/me/vouchers").json()
    assert [item["code"] for item in body] == [voucher.code]
