"""The life of a citizen's item: received and routed with its due time in working time, transferred with a
reason, answered once, rated, reopened once; overdue items escalate once; every step in the timeline."""

import datetime

import pytest
from django.utils import timezone

from city.working_time import working_deadline
from core.models import OutboxMessage
from verification.services import completion_reject
from verification.tests.factories import ended_signup, reported, staff_of
from voice import services
from voice.errors import ItemConflict, ItemRefused, NotYourDepartment
from voice.models import AnswerTarget, Item, Kind, Step
from voice.notices import citizen_notify
from volunteers.sms import OutboxSmsBackend

from .factories import department, limits_cleared, received, subject

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    limits_cleared()
    OutboxSmsBackend.outbox.clear()


def actions(item):
    return list(item.steps.values_list("action", flat=True))


def test_an_item_goes_to_its_subjects_department_due_in_working_time_and_the_citizen_gets_the_code(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        item = received(kind=Kind.COMPLAINT)

    assert item.department.slug == "urban_services"
    assert item.status == Item.Status.OPEN
    assert item.due_at == working_deadline(item.received_at, 21)
    assert actions(item) == ["received"]
    sms = OutboxSmsBackend.outbox[-1]
    assert sms["phone"] == "09351112233"
    assert item.tracking_code in sms["text"]
    assert f"/{item.author_key}/" in sms["text"]


def test_a_departments_own_target_wins_over_the_citys():
    AnswerTarget.objects.create(kind=Kind.PROBLEM, department=department("urban_services"), working_hours=3)
    item = received()
    assert item.due_at == working_deadline(item.received_at, 3)


def test_refusals_say_what_to_change():
    with pytest.raises(ItemRefused) as no_contact:
        received(mobile="")
    assert no_contact.value.code == "no_contact"
    with pytest.raises(ItemRefused) as no_place:
        received(latitude=None, longitude=None)
    assert no_place.value.code == "place_needed"
    with pytest.raises(ItemRefused) as bad_place:
        received(latitude="91", longitude="59")
    assert bad_place.value.code == "place_invalid"
    assert not Item.objects.exists()


def test_a_problem_by_phone_may_give_an_address_instead_of_a_pin():
    operator = staff_of("urban_services")
    item = received(latitude=None, longitude=None, address="میدان شهدا", channel="phone", entered_by=operator)
    assert item.channel == "phone" and item.entered_by == operator
    assert item.steps.get().actor == operator


def test_a_mobile_number_sends_at_most_ten_a_day_but_staff_enter_any_number_of_calls():
    for _ in range(10):
        received()
    with pytest.raises(ItemRefused) as refused:
        received()
    assert refused.value.status_code == 429
    operator = staff_of("urban_services")
    for _ in range(12):
        received(channel="phone", entered_by=operator)


def test_transfer_moves_the_item_to_one_other_inbox_with_a_reason_and_a_new_clock():
    item = received()
    staff = staff_of("urban_services")

    services.item_transfer(
        item_id=item.pk, by=staff, to_department=department("traffic"), reason="چراغ راهنمایی است"
    )

    item.refresh_from_db()
    assert item.department.slug == "traffic"
    step = item.steps.get(action="transferred")
    assert (step.department.slug, step.to_department.slug, step.actor) == ("urban_services", "traffic", staff)
    # The urban staff no longer act on it.
    with pytest.raises(NotYourDepartment):
        services.item_answer(item_id=item.pk, by=staff, text="...")
    with pytest.raises(ItemRefused):
        services.item_transfer(
            item_id=item.pk, by=staff_of("traffic"), to_department=department("cultural"), reason=" "
        )


def test_an_answer_is_sent_once_and_a_second_answer_is_refused(django_capture_on_commit_callbacks):
    item = received()
    staff = staff_of("urban_services")
    with django_capture_on_commit_callbacks(execute=True):
        services.item_answer(item_id=item.pk, by=staff, text="اکیپ فردا اعزام می‌شود.")
    with pytest.raises(ItemConflict):
        services.item_answer(item_id=item.pk, by=staff_of("urban_services"), text="دوباره")

    item.refresh_from_db()
    assert item.status == Item.Status.ANSWERED
    assert item.steps.filter(action="answered").count() == 1
    assert "answered" in OutboxSmsBackend.outbox[-1]["text"] or "پاسخ" in OutboxSmsBackend.outbox[-1]["text"]


def test_rating_closes_and_reopening_happens_once_within_the_window():
    item = received()
    services.item_answer(item_id=item.pk, by=staff_of("urban_services"), text="انجام شد")

    services.item_rate(item=item, rating=2)
    item.refresh_from_db()
    assert (item.status, item.rating) == (Item.Status.CLOSED, 2)
    with pytest.raises(ItemConflict):
        services.item_rate(item=item, rating=5)

    services.item_reopen(item=item, reason="هنوز چاله هست")
    item.refresh_from_db()
    assert item.status == Item.Status.REOPENED and item.reopen_count == 1 and item.closed_at is None

    services.item_answer(item_id=item.pk, by=staff_of("urban_services"), text="این بار پر شد")
    services.item_rate(item=item, rating=5)
    with pytest.raises(ItemConflict) as again:
        services.item_reopen(item=item, reason="باز هم")
    assert again.value.code == "reopen_used"
    assert actions(item) == ["received", "answered", "rated", "reopened", "answered", "rated"]


def test_reopening_after_the_window_is_refused():
    item = received()
    services.item_answer(item_id=item.pk, by=staff_of("urban_services"), text="انجام شد")
    Item.objects.filter(pk=item.pk).update(answered_at=timezone.now() - datetime.timedelta(days=8))
    with pytest.raises(ItemConflict) as late:
        services.item_reopen(item=item, reason="هنوز")
    assert late.value.code == "reopen_too_late"


def test_ratings_stay_on_the_scale():
    item = received()
    services.item_answer(item_id=item.pk, by=staff_of("urban_services"), text="انجام شد")
    for wrong in (0, 6, "5"):
        with pytest.raises(ItemRefused):
            services.item_rate(item=item, rating=wrong)


def test_an_overdue_item_escalates_once_to_the_approvers(django_capture_on_commit_callbacks):
    approver = staff_of("urban_services", approver=True)
    item = received()
    later = item.due_at + datetime.timedelta(minutes=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.items_escalate_overdue(now=later) == 1
    assert services.items_escalate_overdue(now=later) == 0

    assert item.steps.filter(action="escalated").count() == 1
    told = [sms for sms in OutboxSmsBackend.outbox if sms["phone"] == approver.phone]
    assert len(told) == 1 and item.tracking_code in told[0]["text"]


def test_an_item_answered_in_time_does_not_escalate():
    item = received()
    services.item_answer(item_id=item.pk, by=staff_of("urban_services"), text="انجام شد")
    assert services.items_escalate_overdue(now=item.due_at + datetime.timedelta(hours=1)) == 0


def test_a_complaint_about_a_decision_is_not_answered_by_who_decided_it():
    signup = ended_signup()
    decider = staff_of("urban_services")
    verification = completion_reject(completion=reported(signup), actor=decider, reason="عکس ندارد")
    approver = staff_of("urban_services", approver=True)

    item = received(
        kind=Kind.COMPLAINT, author=signup.volunteer, verification=verification, department_slug="cultural"
    )

    assert item.department.slug == "urban_services" and item.not_for == decider
    assert item.public_allowed is False
    with pytest.raises(NotYourDepartment) as refused:
        services.item_answer(item_id=item.pk, by=decider, text="...")
    assert refused.value.code == "decider_cannot_answer"
    services.item_answer(item_id=item.pk, by=approver, text="دوباره بررسی شد")
    assert Item.objects.get(pk=item.pk).status == Item.Status.ANSWERED


def test_publishing_needs_the_authors_leave_and_support_counts_once():
    staff = staff_of("urban_services")
    private = received()
    with pytest.raises(ItemRefused):
        services.item_publish(item_id=private.pk, by=staff, public_title="", public_body="")

    item = received(public_allowed=True)
    services.item_publish(item_id=item.pk, by=staff, public_title="چاله", public_body="چاله‌ای جلوی ایستگاه")
    supporter = staff_of("cultural")
    assert services.item_support(item=item, user=supporter) is True
    assert services.item_support(item=item, user=supporter) is False
    item.refresh_from_db()
    assert item.supporters == 1 and item.is_public


def test_a_duplicate_merges_with_its_supporters_and_leaves_the_inbox(django_capture_on_commit_callbacks):
    staff = staff_of("urban_services")
    kept, duplicate = received(public_allowed=True), received(public_allowed=True)
    for found in (kept, duplicate):
        services.item_publish(item_id=found.pk, by=staff, public_title="", public_body="")
    one, both = staff_of("cultural"), staff_of("traffic")
    services.item_support(item=duplicate, user=one)
    services.item_support(item=duplicate, user=both)
    services.item_support(item=kept, user=both)

    with django_capture_on_commit_callbacks(execute=True):
        services.item_merge(item_id=duplicate.pk, into=kept, by=staff)

    kept.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.status == Item.Status.MERGED and duplicate.merged_into == kept
    assert kept.supporters == 2
    assert kept.tracking_code in OutboxSmsBackend.outbox[-1]["text"]


def test_notices_go_through_the_outbox_and_are_sent_once():
    item = received()
    step = item.steps.get()
    assert OutboxMessage.objects.filter(task_name="voice.tasks.notify_citizen_task", args=[step.pk]).exists()

    assert citizen_notify(step_id=step.pk) is True
    assert citizen_notify(step_id=step.pk) is False  # claimed: a repeated task sends nothing
    assert len(OutboxSmsBackend.outbox) == 1
    assert Step.objects.get(pk=step.pk).notified_at is not None


def test_subjects_cover_every_service_and_each_deputy():
    from city.models import Service

    assert subject("traffic") is not None
    for service in Service.objects.all():
        assert service.voice_categories.filter(department=service.department).exists()
