"""The staff side in Wagtail (department-scoped rewards and rules, the budget report) and the demo."""

import pytest
from django.urls import reverse

from campaigns.tests.factories import PersonFactory
from city.models import Department
from rewards import services
from rewards.tests.factories import approval_create, counter_staff, reward_create

pytestmark = pytest.mark.django_db


def test_staff_see_and_edit_only_their_departments_rewards(client):
    own = reward_create(department_slug="cultural", name_fa="پاداش فرهنگی")
    other = reward_create(department_slug="traffic", name_fa="پاداش ترافیکی")
    staff = counter_staff(department_slug="cultural")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)

    listing = client.get(reverse("rewards_reward:index"))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert own.name_fa in page and other.name_fa not in page
    assert client.get(reverse("rewards_reward:edit", args=[own.pk])).status_code == 200
    assert client.get(reverse("rewards_reward:edit", args=[other.pk])).status_code == 404
    form = client.get(reverse("rewards_reward:add")).context["form"]
    assert list(form.fields["department"].queryset) == [Department.objects.get(slug="cultural")]


def test_earning_rules_are_managed_by_department_staff_too(client):
    staff = counter_staff(department_slug="urban_services")
    client.force_login(staff)
    assert client.get(reverse("rewards_earning_rule:index")).status_code == 200
    assert client.get(reverse("rewards_earning_rule:add")).status_code == 200


def test_a_volunteer_has_no_reward_admin(client):
    client.force_login(PersonFactory())
    assert client.get(reverse("rewards_reward:index")).status_code in (302, 403)
    assert client.get(reverse("rewards_budget_report")).status_code in (302, 403)


def test_budget_report_per_department_and_month(client):
    person = PersonFactory()
    services.verification_points_credit(verification_id=approval_create(volunteer=person, hours=30).pk)
    reward = reward_create(department_slug="cultural", points_price=100, value_rials=500_000)
    vouchers = [services.reward_redeem(reward_id=reward.pk, user=person) for _ in range(3)]
    staff = counter_staff(department_slug="cultural")
    services.voucher_redeem_at_counter(code=vouchers[0].code, actor=staff)
    services.voucher_cancel(voucher=vouchers[1], actor=staff)
    admin = PersonFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)

    response = client.get(reverse("rewards_budget_report"))

    assert response.status_code == 200
    rows = {row.department.slug: row for row in response.context["rows"]}
    cultural, urban = rows["cultural"], rows["urban_services"]
    assert (cultural.vouchers_issued, cultural.vouchers_redeemed) == (2, 1)
    assert (cultural.value_issued, cultural.value_redeemed) == (1_000_000, 500_000)
    assert urban.points_issued == 300
