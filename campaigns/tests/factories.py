"""Test data built through the real code paths: calls are published Wagtail pages in their department's
section, people are real users."""

import datetime
import itertools

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from campaigns.models import OpenCallPage, Shift
from campaigns.services import department_section_ensure
from city.models import District, Service

_call_numbers = itertools.count(1)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = "سارا"
    last_name = factory.Sequence(lambda n: f"آزمون{n}")
    email = factory.LazyAttribute(lambda person: f"{person.username}@example.org")
    phone = factory.Sequence(lambda n: f"0912{n:07d}")
    password = factory.django.Password("a-long-secret-9")


def publish_call(
    *, service_slug: str = "street-sweeping-and-cleaning", live: bool = True, **fields
) -> OpenCallPage:
    """A call published (or only drafted) in the section of its service's department."""
    service = Service.objects.get(slug=service_slug)
    section = department_section_ensure(department=service.department)
    number = next(_call_numbers)
    values = {
        "title": f"فراخوان آزمایشی {number}",
        "title_en": f"Test call {number}",
        "slug": f"test-call-{number}",
        "service": service,
        "summary_fa": "خلاصهٔ فراخوان",
        "summary_en": "Summary of the call",
        "district": District.objects.get(number=1),
        "address_fa": "خیابان چهارباغ عباسی",
        "live": live,
        **fields,
    }
    call = section.add_child(instance=OpenCallPage(**values))
    revision = call.save_revision()
    if live:
        revision.publish()
    call.refresh_from_db()
    return call


def add_shift(
    call: OpenCallPage,
    *,
    starts_in: datetime.timedelta = datetime.timedelta(days=2),
    hours: int = 3,
    capacity: int = 10,
    **fields,
) -> Shift:
    starts_at = timezone.now() + starts_in
    return Shift.objects.create(
        call=call,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=hours),
        capacity=capacity,
        **fields,
    )
