import pytest

from achievements.models import Badge, BadgeAward, LevelAttainment
from achievements.selectors import badge_statuses, level_for, level_progress
from achievements.services import points_recorded
from campaigns.tests.factories import PersonFactory
from city.models import Department, Service

from .factories import credit, revoke, verified_work

pytestmark = pytest.mark.django_db


def earned(person) -> set[str]:
    return set(BadgeAward.objects.filter(user=person).values_list("badge__slug", flat=True))


def only_badge(**fields) -> Badge:
    """Leaves one active badge, so that a test sees only its own rule at work."""
    Badge.objects.update(is_active=False)
    return Badge.objects.create(slug="under-test", name_fa="آزمون", **fields)


def test_the_default_levels_and_badges_are_there():
    assert level_for(PersonFactory()).name_en == "Seed"
    assert {"green-space-10", "hours-50", "first-cultural", "every-department"} <= set(
        Badge.objects.values_list("slug", flat=True)
    )


def test_shifts_in_a_service_badge_comes_at_the_threshold_and_only_for_that_service():
    person = PersonFactory()
    only_badge(
        rule="service_shifts", service=Service.objects.get(slug="green-space-maintenance"), threshold=3
    )
    credit(verified_work(person, service_slug="street-sweeping-and-cleaning"))
    for _ in range(2):
        credit(verified_work(person, service_slug="green-space-maintenance"))
    assert earned(person) == set()

    credit(verified_work(person, service_slug="green-space-maintenance"))

    assert earned(person) == {"under-test"}


def test_shifts_in_a_department_badge():
    person = PersonFactory()
    only_badge(
        rule="department_shifts", department=Department.objects.get(slug="urban_services"), threshold=2
    )
    credit(verified_work(person, service_slug="classes-and-workshops"))  # a cultural service
    credit(verified_work(person, service_slug="street-sweeping-and-cleaning"))
    assert earned(person) == set()

    credit(verified_work(person, service_slug="green-space-maintenance"))

    assert earned(person) == {"under-test"}


def test_first_shift_in_a_department_badge():
    person = PersonFactory()
    only_badge(rule="first_in_department", department=Department.objects.get(slug="cultural"))
    credit(verified_work(person, service_slug="street-sweeping-and-cleaning"))
    assert earned(person) == set()

    credit(verified_work(person, service_slug="events-and-festivals"))

    assert earned(person) == {"under-test"}


def test_verified_hours_badge_counts_approved_hours_not_revoked_ones():
    person = PersonFactory()
    only_badge(rule="verified_hours", threshold=10)
    revoke(verified_work(person, hours=8))
    credit(verified_work(person, hours=4))
    assert earned(person) == set()  # 8 hours were revoked: 4 count

    credit(verified_work(person, hours=6))

    assert earned(person) == {"under-test"}


def test_every_department_badge():
    person = PersonFactory()
    only_badge(rule="every_department")
    departments = list(Department.objects.all())
    services = [Service.objects.filter(department=department).first() for department in departments]
    for service in services[:-1]:
        credit(verified_work(person, service_slug=service.slug))
    assert earned(person) == set()

    credit(verified_work(person, service_slug=services[-1].slug))

    assert earned(person) == {"under-test"}


def test_lifetime_points_badge():
    person = PersonFactory()
    only_badge(rule="lifetime_points", threshold=100)
    points_recorded(user_id=person.pk, amount=99, occurred_at=_now())
    assert earned(person) == set()

    points_recorded(user_id=person.pk, amount=1, occurred_at=_now())

    assert earned(person) == {"under-test"}


def test_a_badge_is_awarded_once_notified_once_and_never_taken_back(
    mailoutbox, django_capture_on_commit_callbacks
):
    person = PersonFactory(email="sara@example.org", preferred_language="en")
    only_badge(rule="lifetime_points", threshold=30, name_en="Thirty")
    approval = verified_work(person)
    with django_capture_on_commit_callbacks(execute=True):
        credit(approval)
        credit(verified_work(person))
    assert BadgeAward.objects.filter(user=person).count() == 1
    badge_mails = [message for message in mailoutbox if message.subject == "You earned a badge on Hamyar"]
    assert [message.to for message in badge_mails] == [["sara@example.org"]]
    assert BadgeAward.objects.get(user=person).notified_at is not None

    revoke(approval)

    assert BadgeAward.objects.filter(user=person).count() == 1


def test_levels_follow_lifetime_points_both_ways_and_are_congratulated_once(
    mailoutbox, django_capture_on_commit_callbacks
):
    person = PersonFactory()
    Badge.objects.update(is_active=False)
    approval = verified_work(person, hours=6)  # 60 points: Sprout
    with django_capture_on_commit_callbacks(execute=True):
        credit(approval)
    assert level_for(person).name_en == "Sprout"
    assert LevelAttainment.objects.filter(user=person).count() == 1

    revoke(approval)
    assert level_for(person).name_en == "Seed"

    with django_capture_on_commit_callbacks(execute=True):
        credit(verified_work(person, hours=6))
    assert level_for(person).name_en == "Sprout"
    assert LevelAttainment.objects.filter(user=person).count() == 1
    assert len(mailoutbox) == 1


def test_level_progress_and_badge_statuses_for_the_me_page():
    person = PersonFactory()
    only_badge(rule="verified_hours", threshold=10)
    credit(verified_work(person, hours=3))

    progress = level_progress(user=person)
    statuses = badge_statuses(user=person)

    assert (progress.points, progress.level.name_en, progress.next_level.name_en) == (30, "Seed", "Sprout")
    assert progress.points_to_next == 20
    assert progress.percent == 60
    assert [(status.done, status.needed, status.earned) for status in statuses] == [(3, 10, False)]


def test_level_for_a_person_without_points_and_without_levels():
    from achievements.models import Level

    person = PersonFactory()
    Level.objects.all().delete()
    assert level_for(person) is None
    assert level_for(person.pk) is None


def _now():
    from django.utils import timezone

    return timezone.now()
