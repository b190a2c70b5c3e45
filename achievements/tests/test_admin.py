import pytest
from django.test import Client

from achievements.models import Badge
from campaigns.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(PersonFactory(is_staff=True, is_superuser=True))
    return client


def test_staff_list_badges_and_levels_in_the_wagtail_admin(admin_client):
    assert admin_client.get("/admin/snippets/achievements/badge/").status_code == 200
    assert admin_client.get("/admin/snippets/achievements/level/").status_code == 200


def test_a_badge_rule_needing_a_service_is_refused_without_one(admin_client):
    response = admin_client.post(
        "/admin/snippets/achievements/badge/add/",
        {
            "slug": "no-service",
            "name_fa": "بی‌خدمت",
            "name_en": "",
            "description_fa": "",
            "description_en": "",
            "icon": "star",
            "rule": "service_shifts",
            "threshold": "5",
            "is_active": "on",
            "sort_order": "0",
        },
    )

    assert response.status_code == 200  # the form again, with the error
    assert not Badge.objects.filter(slug="no-service").exists()
    assert "service" in response.context["form"].errors
