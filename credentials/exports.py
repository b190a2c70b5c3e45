"""Everything Hamyar holds about a person, as one archive of JSON and CSV files (and their photos), built in
the background and kept for EXPORT_DAYS in storage that is never served as a URL: only its owner downloads
it, through a view that checks who asks."""

from __future__ import annotations

import csv
import datetime
import io
import json
import secrets
import zipfile
from decimal import Decimal

from celery import shared_task
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from achievements.models import BadgeAward, LevelAttainment
from campaigns.models import ShiftMessageDelivery, SignUp
from core.outbox import send_after_commit
from core.storage import private_storage
from rewards.models import LedgerEntry, Voucher
from verification.models import Completion, CompletionPhoto, Verification
from voice.models import Item as VoiceItem
from voice.models import Photo as VoicePhoto
from voice.models import Step as VoiceStep
from volunteers.models import OrganisationMembership

from .models import Certificate, DataExport

EXPORT_DAYS = 7
# Asking again within this time returns the archive being made (or just made) rather than another one.
REQUEST_INTERVAL = datetime.timedelta(hours=1)
PROFILE_FIELDS = (
    "username", "first_name", "last_name", "email", "phone", "date_of_birth", "district_id",
    "emergency_contact_name", "emergency_contact_phone", "photo_consent", "organiser_messages",
    "leaderboard_visibility", "leaderboard_pseudonym", "preferred_language", "date_joined", "last_login",
)  # fmt: skip


def export_storage() -> Storage:
    return private_storage()


def _tables(person) -> dict[str, list[dict]]:
    """Each kind of record about the person, as rows of plain values."""
    completions = Completion.objects.filter(signup__volunteer=person)
    return {
        "profile": [
            {
                **{field: getattr(person, field) for field in PROFILE_FIELDS},
                "skills": ", ".join(person.skills.values_list("slug", flat=True)),
            }
        ],
        "signups": list(
            SignUp.objects.filter(volunteer=person).values(
                "id",
                "shift_id",
                "shift__call__title",
                "shift__starts_at",
                "shift__ends_at",
                "status",
                "waitlist_position",
                "created_at",
                "cancelled_at",
                "checked_in_at",
                "checked_out_at",
                "guests",
                "guest_names",
            )  # fmt: skip
        ),
        "reports": list(
            completions.values("id", "signup_id", "hours", "approved_hours", "note", "status", "created_at")
        ),
        "decisions": list(
            Verification.objects.filter(completion__in=completions).values(
                "id", "completion_id", "decision", "hours", "reason", "created_at"
            )
        ),
        "ledger": list(
            LedgerEntry.objects.filter(account__user=person).values(
                "id", "amount", "kind", "note", "occurred_at", "expires_at", "verification_id"
            )
        ),
        "vouchers": list(
            Voucher.objects.filter(account__user=person).values(
                "id",
                "reward__name_fa",
                "code",
                "status",
                "points_price",
                "issued_at",
                "expires_at",
                "redeemed_at",
            )
        ),
        "badges": list(BadgeAward.objects.filter(user=person).values("badge__slug", "awarded_at")),
        "levels": list(LevelAttainment.objects.filter(user=person).values("level__name_fa", "reached_at")),
        "ngo_memberships": list(
            OrganisationMembership.objects.filter(user=person).values(
                "organisation__name_fa", "organisation__registration_number", "role", "joined_at"
            )
        ),
        "messages": list(
            ShiftMessageDelivery.objects.filter(volunteer=person).values(
                "message__shift_id", "message__text", "message__text_en", "sent_at"
            )
        ),
        "certificates": list(
            Certificate.objects.filter(holder=person).values(
                "serial", "language", "period_start", "period_end", "issued_at", "revoked_at"
            )
        ),
        # What they said to the city, with their number if they sent it without logging in, and each step.
        "citizen_voice": list(
            _voice_items(person).values(
                "tracking_code",
                "kind",
                "category__name_fa",
                "department__name_fa",
                "channel",
                "title",
                "body",
                "latitude",
                "longitude",
                "address",
                "status",
                "received_at",
                "rating",
                "public_allowed",
                "published_at",
            )
        ),
        "citizen_voice_steps": list(
            VoiceStep.objects.filter(item__in=_voice_items(person))
            .order_by("item_id", "at")
            .values("item__tracking_code", "action", "at", "department__name_fa", "text", "rating")
        ),
    }


def _voice_items(person):
    mine = Q(author=person)
    if person.phone:
        mine |= Q(mobile=person.phone)
    return VoiceItem.objects.filter(mine)


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def archive_bytes(person) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in _tables(person).items():
            plain = [{key: _plain(value) for key, value in row.items()} for row in rows]
            archive.writestr(f"{name}.json", json.dumps(plain, ensure_ascii=False, indent=1))
            text = io.StringIO()
            if plain:
                writer = csv.DictWriter(text, fieldnames=list(plain[0]))
                writer.writeheader()
                writer.writerows(plain)
            archive.writestr(f"{name}.csv", "\ufeff" + text.getvalue())
        for photo in VoicePhoto.objects.filter(item__in=_voice_items(person)):
            with photo.image.open("rb") as image:
                archive.writestr(f"photos/voice-{photo.item_id}-{photo.pk}.jpg", image.read())
        for photo in CompletionPhoto.objects.filter(completion__signup__volunteer=person):
            with photo.image.open("rb") as image:
                archive.writestr(
                    f"photos/{photo.completion_id}-{photo.pk}-{photo.image.name.rsplit('/', 1)[-1]}",
                    image.read(),
                )
        archive.writestr(
            "README.txt",
            f"Everything Hamyar holds about you, as of {timezone.now():%Y-%m-%d %H:%M} UTC: one JSON and one "
            "CSV file per kind of record, and the photos of your completion reports.\n"
            "همهٔ داده‌هایی که همیار دربارهٔ شما نگه می‌دارد، در یک پروندهٔ JSON و یک پروندهٔ CSV برای هر نوع.\n",
        )
    return buffer.getvalue()


@transaction.atomic
def data_export_request(*, person) -> DataExport:
    """Starts building the person's archive, or returns the one asked for within REQUEST_INTERVAL."""
    recent = DataExport.objects.filter(
        person=person, requested_at__gte=timezone.now() - REQUEST_INTERVAL
    ).first()
    if recent is not None:
        return recent
    export = DataExport.objects.create(person=person)
    send_after_commit(build_data_export_task, export.pk)
    return export


def data_export_build(*, export_id: int) -> bool:
    export = DataExport.objects.select_related("person").filter(pk=export_id, ready_at__isnull=True).first()
    if export is None:
        return False
    content = archive_bytes(export.person)
    name = export_storage().save(f"exports/{secrets.token_hex(16)}/hamyar-data.zip", ContentFile(content))
    now = timezone.now()
    updated = DataExport.objects.filter(pk=export.pk, ready_at__isnull=True).update(
        ready_at=now, expires_at=now + datetime.timedelta(days=EXPORT_DAYS), file_name=name, size=len(content)
    )
    if not updated:  # built twice at once: keep the first
        export_storage().delete(name)
    return bool(updated)


def data_exports_delete_expired(*, now=None) -> int:
    now = now or timezone.now()
    expired = DataExport.objects.filter(expires_at__lte=now).exclude(file_name="")
    count = 0
    for export in expired:
        export_storage().delete(export.file_name)
        DataExport.objects.filter(pk=export.pk).update(file_name="")
        count += 1
    return count


@shared_task(name="credentials.tasks.build_data_export_task", acks_late=True)
def build_data_export_task(export_id: int) -> bool:
    return data_export_build(export_id=export_id)


@shared_task(name="credentials.tasks.delete_expired_data_exports_task")
def delete_expired_data_exports_task() -> int:
    return data_exports_delete_expired()
