"""The web pages: catalogue, redeem with a confirmation step, my points, the voucher, the counter."""

import pytest
from django.urls import reverse
from django.utils import translation

from campaigns.tests.factories import PersonFactory
from rewards import services
from rewards.models import Voucher
from rewards.tests.factories import approval_create, counter_staff, reward_create

pytestmark = pytest.mark.django_db


def with_points(points: int):
    person = PersonFactory()
    services.verification_points_credit(
        verification_id=approval_create(volunteer=person, hours=points / 10).pk
    )
    return person


def test_catalogue_is_public_and_lists_rewards(client):
    reward = reward_create(points_price=100)
    response = client.get(reverse("rewards:catalogue"))
    assert response.status_code == 200
    assert reward.name_fa in response.content.decode()


def test_redeeming_asks_first_then_issues_the_voucher_and_shows_it(client):
    person = with_points(300)
    reward = reward_create(points_price=100)
    client.force_login(person)

    confirm = client.get(reverse("rewards:redeem", args=[reward.pk]))
    assert confirm.status_code == 200 and not Voucher.objects.exists()

    response = client.post(reverse("rewards:redeem", args=[reward.pk]), follow=True)
    voucher = Voucher.objects.get()
    assert response.redirect_chain[-1][0] == voucher.get_absolute_url()
    page = response.content.decode()
    assert voucher.code in page and "<svg" in page


def test_a_refused_redemption_is_a_message_not_an_error_page(client):
    person = with_points(50)
    reward = reward_create(points_price=100)
    client.force_login(person)

    response = client.post(reverse("rewards:redeem", args=[reward.pk]))

    assert response.status_code == 200
    assert not Voucher.objects.exists()
    assert list(response.context["messages"])


def test_my_points_page_shows_balance_expiry_ledger_and_vouchers(client):
    person = with_points(300)
    services.reward_redeem(reward_id=reward_create(points_price=100).pk, user=person)
    client.force_login(person)

    response = client.get(reverse("rewards:my_points"))

    assert response.status_code == 200
    assert response.context["summary"].balance == 200
    assert len(response.context["entries"]) == 2
    assert len(response.context["vouchers"]) == 1
    client.get("/en/rewards/my/").content.decode().index("200 points expire on")


def test_someone_elses_voucher_page_is_404(client):
    person = with_points(100)
    voucher = services.reward_redeem(reward_id=reward_create(points_price=100).pk, user=person)
    client.force_login(PersonFactory())
    assert client.get(voucher.get_absolute_url()).status_code == 404


def test_counter_accepts_once_with_a_big_clear_answer(client):
    person = with_points(100)
    voucher = services.reward_redeem(reward_id=reward_create(points_price=100).pk, user=person)
    client.force_login(counter_staff(department_slug="cultural"))

    first = client.post(reverse("rewards:counter"), {"code": voucher.code})
    second = client.post(reverse("rewards:counter"), {"code": voucher.code})

    assert first.status_code == 200 and first.context["result"]["ok"]
    assert second.status_code == 409 and second.context["result"]["code"] == "voucher_already_redeemed"
    # the code typed stays in the field after a refusal
    assert voucher.code in second.content.decode()


def test_a_volunteer_cannot_open_the_counter(client):
    client.force_login(with_points(10))
    assert client.get(reverse("rewards:counter")).status_code == 403
    assert client.post(reverse("rewards:counter"), {"code": "X"}).status_code == 403


def test_staff_cancel_a_voucher_from_its_page_and_the_points_come_back(client):
    person = with_points(100)
    voucher = services.reward_redeem(reward_id=reward_create(points_price=100).pk, user=person)
    client.force_login(counter_staff(department_slug="cultural"))

    page = client.get(voucher.get_absolute_url())
    assert page.context["may_cancel"]
    client.post(reverse("rewards:voucher_cancel", args=[voucher.code]))

    voucher.refresh_from_db()
    assert voucher.status == "cancelled"
    assert person.points_account.__class__.objects.get(user=person).balance == 100


def test_a_voucher_shows_its_terms_in_the_readers_language_whichever_language_it_was_redeemed_in(client):
    person = with_points(300)
    reward = reward_create(points_price=100)
    with translation.override("en"):
        voucher = services.reward_redeem(reward_id=reward.pk, user=person)
    client.force_login(person)

    persian = client.get(voucher.get_absolute_url()).content.decode()
    with translation.override("en"):
        english = client.get(voucher.get_absolute_url()).content.decode()

    assert reward.terms_fa in persian and reward.terms_en not in persian
    assert reward.terms_en in english


def test_a_bonus_on_the_ledger_is_named_in_the_readers_language(client):
    from campaigns.tests.factories import publish_call
    from rewards.models import EarningRule

    EarningRule.objects.create(
        name="پاداش خوش‌آمد", name_en="Welcome bonus", kind=EarningRule.Kind.FIRST_SHIFT, points=50
    )
    person = PersonFactory()
    services.verification_points_credit(
        verification_id=approval_create(volunteer=person, call=publish_call(points_per_hour=10)).pk
    )
    client.force_login(person)

    persian = client.get("/rewards/my/").content.decode()
    english = client.get("/en/rewards/my/").content.decode()

    assert "پاداش خوش‌آمد" in persian and "Welcome bonus" not in persian
    assert "Welcome bonus" in english and "پاداش خوش‌آمد" not in english
