"""core.access: whether someone may open the staff area is asked on every signed-in page, and kept."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.access import may_use_staff_area

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_member_of_a_group_with_the_staff_area_may_use_it_and_the_answer_is_kept():
    group = Group.objects.create(name="staff")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    member = User.objects.create_user(username="member", password="x")
    member.groups.add(group)
    citizen = User.objects.create_user(username="citizen", password="x")

    assert may_use_staff_area(User.objects.get(pk=member.pk))
    assert not may_use_staff_area(User.objects.get(pk=citizen.pk))
    fresh_member, fresh_citizen = User.objects.get(pk=member.pk), User.objects.get(pk=citizen.pk)
    with CaptureQueriesContext(connection) as queries:
        assert may_use_staff_area(fresh_member)
        assert not may_use_staff_area(fresh_citizen)
    assert len(queries) == 0


def test_nobody_signed_out_or_deactivated_may_use_it():
    from django.contrib.auth.models import AnonymousUser

    admin = User.objects.create_user(username="off", password="x", is_superuser=True, is_active=False)

    assert not may_use_staff_area(AnonymousUser())
    assert not may_use_staff_area(admin)
    assert not may_use_staff_area(None)
