"""What the citizen is told at each step (receipt with the tracking code, transfer, answer, merge), and
what a department's approvers are told of an overdue item; each step's notice is claimed once."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.localization import format_date
from volunteers.notifications import person_language, person_notify
from volunteers.sms import send_sms

from .models import Item, Step


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def author_link(item: Item, language: str) -> str:
    """The author's private page of the item: its key in the address makes whoever holds it the author."""
    with translation.override(language):
        return _absolute(reverse("voice:mine", args=[item.tracking_code, item.author_key]))


def _claimed(step_id: int) -> Step | None:
    if not Step.objects.filter(pk=step_id, notified_at__isnull=True).update(notified_at=timezone.now()):
        return None
    return Step.objects.select_related("item__author", "item__department", "to_department").get(pk=step_id)


def _citizen_text(step: Step, language: str) -> tuple[str, str] | None:
    item = step.item
    values = {
        "code": item.tracking_code,
        "title": item.title[:60],
        "link": author_link(item, language),
        "department": step.to_department.name if step.to_department_id else item.department.name,
    }
    if step.action == Step.Action.RECEIVED:
        return str(_("Your message to the city was received")), str(
            _("Hamyar: we received “%(title)s”, sent to %(department)s. Tracking code: %(code)s. %(link)s")
            % values
        )
    if step.action == Step.Action.TRANSFERRED:
        return str(_("Your message went to another department")), str(
            _("Hamyar: your item %(code)s was sent on to %(department)s, which answers it. %(link)s") % values
        )
    if step.action == Step.Action.ANSWERED:
        return str(_("Your message was answered")), str(
            _("Hamyar: your item %(code)s was answered. Read the answer and rate it: %(link)s") % values
        )
    if step.action == Step.Action.BECAME_WORK:
        return str(_("Your idea is becoming work")), str(
            _(
                "Hamyar: thank you! Your idea %(code)s became “%(work)s”, which the city is now preparing. "
                "%(link)s"
            )
            % {**values, "work": step.text[:80]}
        )
    if step.action == Step.Action.MERGED:
        values["other"] = step.text
        return str(_("Your message is followed with another")), str(
            _("Hamyar: your item %(code)s is the same as item %(other)s and is followed with it. %(link)s")
            % values
        )
    return None


def citizen_notify(*, step_id: int) -> bool:
    """Tells the item's author of the step, in their language, exactly once (claimed in the transaction
    that sends it: a failed send is claimed by nobody, a repeated task sends nothing)."""
    with transaction.atomic():
        step = _claimed(step_id)
        if step is None:
            return False
        item = step.item
        language = person_language(item.author) if item.author_id else item.language
        with translation.override(language):
            message = _citizen_text(step, language)
        if message is None:
            return False
        subject, text = message
        if item.author_id:
            person_notify(user=item.author, subject=subject, text=text, language=language)
        elif item.mobile:
            send_sms(phone=item.mobile, text=text)
    return True


def approvers_notify(*, step_id: int) -> int:
    """Tells the department's approvers (never the one a complaint is about) that an item is overdue."""
    with transaction.atomic():
        step = _claimed(step_id)
        if step is None:
            return 0
        item = step.item
        group = item.department.approvers_group
        if group is None:
            return 0
        approvers = group.user_set.filter(is_active=True).exclude(pk=item.not_for_id or 0)
        told = 0
        for approver in approvers:
            language = person_language(approver)
            with translation.override(language):
                link = _absolute(reverse("voice_admin:item", args=[item.pk]))
                text = _(
                    "Overdue in %(department)s: item %(code)s “%(title)s” was due on %(date)s and has no "
                    "answer yet. %(link)s"
                ) % {
                    "department": item.department.name,
                    "code": item.tracking_code,
                    "title": item.title[:60],
                    "date": format_date(item.due_at, language=language),
                    "link": link,
                }
                person_notify(
                    user=approver, subject=str(_("An item is overdue")), text=str(text), language=language
                )
            told += 1
    return told
