"""Demo completion reports for a newcomer's local site: a past shift of an Urban Services call where the
demo citizen and the NGO's members have reported their work, waiting for `staff-urban` to verify it.

Needs the demo calls and people (demo.calls, demo.people) loaded first. Idempotent: a second run
changes nothing. Called from `load_demo` as `demo.reports.load()`.
"""

import datetime
import io
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from PIL import Image, ImageDraw

from campaigns.models import Shift, SignUp
from verification.models import Completion, CompletionPhoto
from verification.selectors import hours_limit

from .data import demo_data

_REPORTS = demo_data("reports")
DEPARTMENT = _REPORTS["department"]
PREFERRED_CALLS = tuple(_REPORTS["preferred_calls"])
# (username, hours reported, minutes late at check-in or None, note)
REPORTS = tuple(
    (report["username"], Decimal(report["hours"]), report["minutes_late"], report["note"])
    for report in _REPORTS["reports"]
)


def _past_shift() -> Shift | None:
    shifts = Shift.objects.filter(
        call__service__department__slug=DEPARTMENT, call__live=True, ends_at__lte=timezone.now()
    ).select_related("call")
    for slug in PREFERRED_CALLS:
        shift = shifts.filter(call__slug=slug).order_by("-starts_at").first()
        if shift is not None:
            return shift
    return shifts.order_by("-starts_at").first()


def _demo_photo(colour: str) -> ContentFile:
    image = Image.new("RGB", (640, 480), colour)
    draw = ImageDraw.Draw(image)
    for x in range(0, 640, 40):
        draw.line([(x, 480), (x + 120, 300)], fill="#6b5b45", width=6)
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=80)
    return ContentFile(output.getvalue(), name="demo.jpg")


@transaction.atomic
def load() -> int:
    """Creates the demo reports once; returns how many were created by this run."""
    shift = _past_shift()
    if shift is None:
        return 0
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    people = get_user_model().objects.in_bulk([username for username, *_ in REPORTS], field_name="username")
    created = 0
    for username, hours, late_minutes, note in REPORTS:
        person = people.get(username)
        if person is None:
            continue
        signup = (
            SignUp.objects.filter(shift=shift, volunteer=person)
            .exclude(status=SignUp.Status.CANCELLED)
            .first()
        )
        if signup is None:
            if shift.free_places < 1:
                continue
            checked_in = (
                shift.starts_at + datetime.timedelta(minutes=late_minutes)
                if late_minutes is not None
                else None
            )
            signup = SignUp.objects.create(
                shift=shift,
                volunteer=person,
                status=SignUp.Status.CONFIRMED,
                created_at=shift.starts_at - datetime.timedelta(days=3),
                checked_in_at=checked_in,
                checked_out_at=shift.ends_at if checked_in else None,
            )
            # The shift's counter mirrors its confirmed sign-ups (a check constraint keeps it in capacity).
            Shift.objects.filter(pk=shift.pk).update(confirmed_count=F("confirmed_count") + 1)
            shift.refresh_from_db()
        if signup.status != SignUp.Status.CONFIRMED or Completion.objects.filter(signup=signup).exists():
            continue
        limit = min(hours, hours_limit(signup))
        completion = Completion.objects.create(
            signup=signup, reported_by=person, hours=limit, note=note, created_at=shift.ends_at
        )
        if username in ("citizen", "ngo-member-3"):
            for kind, colour in (
                (CompletionPhoto.Kind.BEFORE, "#8a7f6a"),
                (CompletionPhoto.Kind.AFTER, "#9fb8a0"),
            ):
                photo = CompletionPhoto(completion=completion, kind=kind)
                content = _demo_photo(colour)
                photo.image.save(content.name, content, save=False)
                photo.save()
        created += 1
    return created
