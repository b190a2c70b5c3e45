"""The study's published figures cannot be changed in the staff area: a department's panel size and W, and
the deputy a study service belongs to, are shown but not edited."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from city.models import Department, Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "a-long-secret-9")
    client.force_login(admin)
    return client


def test_a_departments_published_w_and_panel_size_cannot_be_edited(admin_client):
    department = Department.objects.get(slug="urban_services")

    response = admin_client.post(
        f"/admin/snippets/city/department/edit/{department.pk}/",
        {
            "slug": department.slug,
            "name_fa": department.name_fa,
            "name_en": "Urban Services",
            "sort_order": department.sort_order,
            "panel_size": "99",
            "kendall_w_round_2": "0.111",
            "kendall_w_round_3": "0.222",
        },
    )

    assert response.status_code == 302
    department.refresh_from_db()
    assert department.name_en == "Urban Services"
    assert (department.panel_size, department.kendall_w_round_3) == (12, Decimal("0.898"))


def test_a_study_service_stays_in_its_deputy(admin_client):
    service = Service.objects.get(slug="cultural-murals")
    cultural = Department.objects.get(slug="cultural")

    response = admin_client.post(
        f"/admin/snippets/city/service/edit/{service.pk}/",
        {
            "department": cultural.pk,
            "slug": service.slug,
            "short_name_fa": service.short_name_fa,
            "short_name_en": "Murals",
            "name_fa": service.name_fa,
            "name_en": service.name_en,
            "description_fa": "",
            "description_en": "",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.short_name_en, service.department.slug) == ("Murals", "urban_services")


def test_service_names_are_the_studys_own(admin_client):
    assert Service.objects.get(slug="festive-decoration").name_fa.startswith(
        "آذین‌بندی فضای شهری آذین‌بندی‌شده"
    )
    poster = Service.objects.get(slug="illegal-poster-removal")
    assert "غیرمجاز" not in poster.short_name_fa and "illegal" not in poster.name_en.lower()
    assert Service.objects.get(slug="street-traffic-information").name_en == "Traffic information on streets"
