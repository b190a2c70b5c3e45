"""Saved searches: a citizen asks to hear of new calls of a department, service or district, and is told
once per call when one is published, within a daily cap; claimed in the publishing transaction, sent from
there through the outbox, in the person's language."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core import outbox
from core.errors import DomainError, NotFoundError
from volunteers.notifications import person_language, person_notify

from .models import OpenCallPage, SavedSearch, SavedSearchNotice

MAX_SEARCHES_PER_PERSON = 10
# However many calls open in a day, a person hears of at most this many.
NOTICES_PER_DAY = 3


class SavedSearchRefused(DomainError):
    pass


def saved_search_create(*, person, department=None, service=None, district=None) -> SavedSearch:
    if department is None and service is None and district is None:
        raise SavedSearchRefused(
            "saved_search_empty", _("Choose a department, a service or a district to hear about.")
        )
    if person.saved_searches.count() >= MAX_SEARCHES_PER_PERSON:
        raise SavedSearchRefused(
            "saved_search_limit", _("You have ten saved searches already; delete one first."), status_code=409
        )
    if service is not None and department is not None and service.department_id != department.pk:
        department = None  # the service says which department
    found, _created = SavedSearch.objects.get_or_create(
        person=person, department=department, service=service, district=district, defaults={"is_active": True}
    )
    if not found.is_active:
        found.is_active = True
        found.save(update_fields=["is_active"])
    return found


def saved_search_get(*, person, search_id: int) -> SavedSearch:
    found = SavedSearch.objects.filter(person=person, pk=search_id).first()
    if found is None:
        raise NotFoundError("saved_search_not_found", _("You have no saved search with this number."))
    return found


def _matching_people(call: OpenCallPage):
    searches = SavedSearch.objects.filter(person=OuterRef("pk"), is_active=True).filter(
        Q(department__isnull=True) | Q(department_id=call.service.department_id),
        Q(service__isnull=True) | Q(service_id=call.service_id),
        Q(district__isnull=True) | Q(district_id=call.district_id),
    )
    a_day_ago = timezone.now() - datetime.timedelta(days=1)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Exists(searches))
        .exclude(Exists(SavedSearchNotice.objects.filter(person=OuterRef("pk"), call=call)))
        .exclude(
            pk__in=SavedSearchNotice.objects.filter(created_at__gte=a_day_ago)
            .values("person")
            .annotate(count=Count("pk"))
            .filter(count__gte=NOTICES_PER_DAY)
            .values("person")
        )
    )


def saved_searches_call_published(*, call: OpenCallPage) -> int:
    """A call was published: the people whose saved searches match it, and who have not heard of it, get a
    notice (made here, in the publishing transaction; sent after it)."""
    if not call.live:
        return 0
    people = list(_matching_people(call).values_list("pk", flat=True))
    if not people:
        return 0
    SavedSearchNotice.objects.bulk_create(
        [SavedSearchNotice(person_id=person, call=call) for person in people], ignore_conflicts=True
    )
    outbox.send_after_commit(notify_saved_searches_task, call.pk)
    return len(people)


def saved_search_notices_send(*, call_id: int) -> int:
    call = OpenCallPage.objects.select_related("service").get(pk=call_id)
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    sent = 0
    waiting = SavedSearchNotice.objects.filter(call=call, sent_at__isnull=True).values_list("pk", flat=True)
    for notice_id in list(waiting):
        with transaction.atomic():
            notice = (
                SavedSearchNotice.objects.select_for_update()
                .select_related("person")
                .filter(pk=notice_id, sent_at__isnull=True)
                .first()
            )
            if notice is None:
                continue
            language = person_language(notice.person)
            with translation.override(language):
                path = call.url if language == "fa" else "/en" + call.url
                values = {"call": call.localized_title, "link": base_url + path}
                subject = _("A new call you asked about: “%(call)s”") % values
                text = _(
                    "A new call matches your saved search: “%(call)s”. See its shifts and sign up: %(link)s. "
                    "Change your saved searches under “My account”."
                ) % values
            person_notify(user=notice.person, subject=subject, text=text, language=language)
            notice.sent_at = timezone.now()
            notice.save(update_fields=["sent_at"])
        sent += 1
    return sent


@shared_task(
    name="campaigns.tasks.notify_saved_searches_task",
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def notify_saved_searches_task(call_id: int) -> int:
    return saved_search_notices_send(call_id=call_id)
