"""Citizen voice for the demo: a few dozen items across kinds, departments, districts and states (open,
overdue and escalated, transferred, answered, rated, reopened, published), made through the services and
then dated back over the last months, so the public list, the map and monitoring show something true.
Idempotent: a second run adds nothing. Called from `load_demo` as `demo_voice_load()`."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from city.models import Department, District
from city.working_time import working_deadline
from voice import services
from voice.models import Category, Item, Step

from .data import demo_data

DATA = demo_data("voice")
STAFF = {"urban_services": "staff-urban", "traffic": "staff-traffic", "cultural": "staff-cultural"}


def _staff(slug: str):
    return get_user_model().objects.get(username=STAFF[slug])


def _dated(item: Item, action: str, at: datetime.datetime) -> None:
    step = item.steps.filter(action=action).order_by("-pk").first()
    Step.objects.filter(pk=step.pk).update(at=at)


def _one(plan: dict, now: datetime.datetime) -> Item:
    users = get_user_model().objects
    author = users.filter(username=plan["author"]).first() if plan["author"] else None
    staff = _staff(plan["department"])
    item = services.item_submit(
        kind=plan["kind"],
        category=Category.objects.get(department__slug=plan["department"], name_fa=plan["subject"]),
        title=plan["title"],
        body=plan["body"],
        language="fa",
        channel=plan["channel"],
        author=author,
        mobile="" if author else plan["mobile"],
        entered_by=staff if plan["channel"] in ("phone", "desk") else None,
        latitude=plan["latitude"],
        longitude=plan["longitude"],
        address=plan["address"],
        district=District.objects.filter(number=plan["district"]).first(),
        public_allowed=plan["published"],
        limited=False,
    )
    received = (now - datetime.timedelta(days=plan["days_ago"])).replace(hour=9, minute=30)
    _dated(item, Step.Action.RECEIVED, received)
    arrived = received
    if plan["transfer_to"]:
        services.item_transfer(
            item_id=item.pk,
            by=staff,
            to_department=Department.objects.get(slug=plan["transfer_to"]),
            reason="مربوط به ترافیک است",
        )
        arrived = received + datetime.timedelta(hours=2)
        _dated(item, Step.Action.TRANSFERRED, arrived)
        staff = _staff(plan["transfer_to"])
    item.refresh_from_db()
    due = working_deadline(arrived, services.target_hours(kind=item.kind, department=item.department))
    Item.objects.filter(pk=item.pk).update(received_at=received, due_at=due)
    if plan["published"]:
        services.item_publish(item_id=item.pk, by=staff, public_title="", public_body="")
        _dated(item, Step.Action.PUBLISHED, received + datetime.timedelta(hours=3))
    hours = plan["answer_after_hours"]
    answered = working_deadline(arrived, hours) if hours else None
    if answered is None or answered > now:
        return item
    services.item_answer(item_id=item.pk, by=staff, text=plan["answer"])
    if plan["reopened"]:
        # Reopened the day after the answer and answered again a working day later.
        services.item_reopen(item=Item.objects.get(pk=item.pk), reason="مشکل هنوز کامل برطرف نشده است.")
        services.item_answer(item_id=item.pk, by=staff, text="دوباره بررسی شد و کار تکمیل شد.")
        first, second = item.steps.filter(action=Step.Action.ANSWERED).order_by("pk")
        Step.objects.filter(pk=first.pk).update(at=answered)
        reopened = answered + datetime.timedelta(days=1)
        _dated(item, Step.Action.REOPENED, reopened)
        answered = working_deadline(reopened, 7)
        Step.objects.filter(pk=second.pk).update(at=answered)
    else:
        _dated(item, Step.Action.ANSWERED, answered)
    Item.objects.filter(pk=item.pk).update(answered_at=answered)
    item.refresh_from_db()
    if plan["rating"]:
        services.item_rate(item=item, rating=plan["rating"])
        rated = answered + datetime.timedelta(days=1)
        _dated(item, Step.Action.RATED, rated)
        Item.objects.filter(pk=item.pk).update(rated_at=rated, closed_at=rated)
    elif answered + services.reopen_window() < now:
        Item.objects.filter(pk=item.pk).update(
            status=Item.Status.CLOSED, closed_at=answered + services.reopen_window()
        )
        Step.objects.create(
            item=item,
            action=Step.Action.CLOSED,
            at=answered + services.reopen_window(),
            department=item.department,
        )
    return item


@transaction.atomic
def demo_voice_load(*, now=None) -> int:
    """Creates the demo items once; returns how many were created (0 when they are there already)."""
    now = now or timezone.now()
    plans = DATA["items"]
    if Item.objects.filter(title=plans[0]["title"]).exists():
        return 0
    for plan in plans:
        _one(plan, now)
    # Overdue ones escalate, dated when they fell due.
    services.items_escalate_overdue(now=now)
    for step in Step.objects.filter(action=Step.Action.ESCALATED).select_related("item"):
        Step.objects.filter(pk=step.pk).update(at=step.item.due_at)
        Item.objects.filter(pk=step.item_id).update(escalated_at=step.item.due_at)
    return len(plans)
