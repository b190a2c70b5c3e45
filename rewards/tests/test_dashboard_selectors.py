"""A person's points by service, for their dashboard."""

import pytest

from campaigns.tests.factories import PersonFactory, publish_call
from rewards import services
from rewards.dashboard_selectors import points_by_service, points_totals
from rewards.tests.factories import approval_create, revocation_create

pytestmark = pytest.mark.django_db


def credited(person, *, hours, call=None):
    approval = approval_create(volunteer=person, hours=hours, call=call)
    services.verification_points_credit(verification_id=approval.pk)
    return approval


def test_points_by_service_add_up_per_service_most_first_without_revoked_work(django_assert_num_queries):
    person = PersonFactory()
    guiding = publish_call(service_slug="street-traffic-information", points_per_hour=10)
    credited(person, hours=2)  # 20 points for street sweeping (the default service)
    credited(person, hours=5, call=guiding)
    credited(person, hours=1, call=guiding)
    revoked = credited(person, hours=8)
    services.verification_points_reverse(revocation_id=revocation_create(approval=revoked).pk)
    credited(PersonFactory(), hours=9)  # someone else's

    with django_assert_num_queries(1):
        data = points_by_service(user=person)

    assert [datum.value for datum in data] == [60, 20]
    assert data[0].key == str(guiding.service_id)
    assert points_totals(user=person).lifetime == 80


def test_someone_without_points_has_none_by_service():
    person = PersonFactory()

    assert points_by_service(user=person) == []
    assert points_totals(user=person) == points_totals(user=PersonFactory())
    assert points_totals(user=person).balance == 0
