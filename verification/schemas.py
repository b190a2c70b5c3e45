import datetime
from decimal import Decimal
from typing import Literal

from django.urls import reverse
from ninja import Field, Schema

from . import selectors
from .models import Completion, CompletionPhoto, Verification


class CompletionIn(Schema):
    """A report as JSON (without photos); send multipart/form-data with `photos` to add photos."""

    hours: Decimal = Field(..., gt=0, description="Hours worked, at most the shift's length.")
    note: str = Field("", max_length=2000)
    photos_public: bool = Field(
        False, description="The photos may be shown on the open city page, without names, once approved."
    )
    measures: dict[str, Decimal | bool] = Field(
        default_factory=dict,
        description="Impact figures by measure key: a number, or true/false for a checklist item.",
    )


class PhotosPublicIn(Schema):
    public: bool = Field(..., description="Show the report's photos on the open city page, or not.")


class PhotoOut(Schema):
    id: int
    kind: str
    url: str

    @staticmethod
    def resolve_url(photo: CompletionPhoto, context) -> str:
        url = reverse("api-v1:completion_photo", kwargs={"photo_id": photo.pk})
        return context["request"].build_absolute_uri(url)


class ImpactMeasureOut(Schema):
    key: str
    kind: str
    name: str
    name_fa: str
    name_en: str
    unit: str
    max_per_report: Decimal


class ImpactFigureOut(Schema):
    key: str
    kind: str
    name: str
    unit: str
    value: Decimal
    approved_value: Decimal | None

    @staticmethod
    def resolve_key(figure) -> str:
        return figure.measure.key

    @staticmethod
    def resolve_kind(figure) -> str:
        return figure.measure.kind

    @staticmethod
    def resolve_name(figure) -> str:
        return figure.measure.name

    @staticmethod
    def resolve_unit(figure) -> str:
        return figure.measure.unit


class DecisionOut(Schema):
    """One decision on a report. Volunteers see what was decided and why, not who decided."""

    id: int
    decision: str
    hours: Decimal | None
    reason: str
    is_final_approval: bool
    revokes_id: int | None
    created_at: datetime.datetime


class StaffDecisionOut(DecisionOut):
    decided_by_id: int
    decided_by_name: str

    @staticmethod
    def resolve_decided_by_name(verification: Verification) -> str:
        return verification.decided_by.display_name


class CompletionOut(Schema):
    id: int
    signup_id: int
    shift_id: int
    call_id: int
    call_title: str
    shift_starts_at: datetime.datetime
    shift_ends_at: datetime.datetime
    status: str
    hours: Decimal
    approved_hours: Decimal | None
    note: str
    submission_count: int
    can_resubmit: bool
    created_at: datetime.datetime
    photos: list[PhotoOut]
    impact: list[ImpactFigureOut] = Field(description="What the work achieved, as reported and approved.")
    photos_public: bool = Field(description="The reporter allows its photos on the open city page.")
    photos_withheld: bool = Field(description="Staff keep its photos off the public page.")
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_impact(completion: Completion) -> list:
        return list(completion.impact_figures.all())

    @staticmethod
    def resolve_photos_withheld(completion: Completion) -> bool:
        return completion.photos_withheld_at is not None

    @staticmethod
    def resolve_shift_id(completion: Completion) -> int:
        return completion.signup.shift_id

    @staticmethod
    def resolve_call_id(completion: Completion) -> int:
        return completion.signup.shift.call_id

    @staticmethod
    def resolve_call_title(completion: Completion) -> str:
        return completion.signup.shift.call.localized_title

    @staticmethod
    def resolve_shift_starts_at(completion: Completion) -> datetime.datetime:
        return completion.signup.shift.starts_at

    @staticmethod
    def resolve_shift_ends_at(completion: Completion) -> datetime.datetime:
        return completion.signup.shift.ends_at

    @staticmethod
    def resolve_can_resubmit(completion: Completion) -> bool:
        return selectors.can_resubmit(completion)

    @staticmethod
    def resolve_photos(completion: Completion) -> list[CompletionPhoto]:
        return list(completion.photos.all())

    @staticmethod
    def resolve_decisions(completion: Completion) -> list[Verification]:
        return list(completion.verifications.all())


class PersonNameOut(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(user) -> str:
        return user.display_name


class QueueItemOut(CompletionOut):
    """A report as staff see it in their queue: who, when they checked in and out, what it is worth."""

    volunteer: PersonNameOut
    reported_by: PersonNameOut
    department: str
    checked_in_at: datetime.datetime | None
    checked_out_at: datetime.datetime | None
    signup_status: str
    hours_limit: Decimal
    estimated_points: int
    needs_second_approval: bool
    decisions: list[StaffDecisionOut]

    @staticmethod
    def resolve_volunteer(completion: Completion):
        return completion.signup.volunteer

    @staticmethod
    def resolve_department(completion: Completion) -> str:
        return completion.signup.shift.call.service.department.slug

    @staticmethod
    def resolve_checked_in_at(completion: Completion):
        return completion.signup.checked_in_at

    @staticmethod
    def resolve_checked_out_at(completion: Completion):
        return completion.signup.checked_out_at

    @staticmethod
    def resolve_signup_status(completion: Completion) -> str:
        return completion.signup.status

    @staticmethod
    def resolve_hours_limit(completion: Completion) -> Decimal:
        return selectors.hours_limit(completion.signup)

    @staticmethod
    def resolve_estimated_points(completion: Completion) -> int:
        return selectors.estimated_points(completion, completion.approved_hours or completion.hours)

    @staticmethod
    def resolve_needs_second_approval(completion: Completion) -> bool:
        return selectors.needs_second_approval(completion)


class QueueFilter(Schema):
    status: Literal["open", "pending", "second", "approved", "rejected", "revoked"] = Field(
        "open", description="`open`: waiting for a first or a second approval."
    )
    shift: int | None = None


class VerifyIn(Schema):
    decision: Literal["approve", "reject"]
    hours: Decimal | None = Field(None, description="Corrected hours; the reported ones when left out.")
    figures: dict[str, Decimal | bool] | None = Field(
        None, description="Corrected impact figures by measure key; the reported ones when left out."
    )
    reason: str = Field("", max_length=1000, description="Required to reject.")
    expected_status: Literal["pending", "second"] | None = Field(
        None, description="The status you saw: a report that moved on meanwhile answers 409."
    )


class RevokeIn(Schema):
    reason: str = Field(..., max_length=1000)


class DecisionResultOut(Schema):
    decision: StaffDecisionOut
    completion: QueueItemOut


class SkippedOut(Schema):
    id: int
    code: str


class RosterApprovalOut(Schema):
    approved: list[int]
    awaiting_second: list[int]
    skipped_own: list[int]
    skipped: list[SkippedOut]

    @staticmethod
    def resolve_skipped(result) -> list[dict]:
        return [{"id": completion_id, "code": code} for completion_id, code in result.skipped]
