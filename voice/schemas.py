import datetime
import enum
from decimal import Decimal

from ninja import Field, Schema

from .models import Kind

# Its own name in the OpenAPI document: other apps' schemas have a "Kind" too.
ItemKind = enum.StrEnum("ItemKind", [(value.upper(), value) for value in Kind.values])


def answers_of(item) -> list[dict]:
    return [{"at": step.at, "text": step.text} for step in item.steps.all() if step.action == "answered"]


def public_steps_of(item) -> list:
    """The timeline without the moderation step, which is staff's business."""
    return [step for step in item.steps.all() if step.action != "published"]


class DepartmentRef(Schema):
    id: int
    name: str


class SubjectOut(Schema):
    id: int
    name: str
    department: DepartmentRef
    service: str | None = Field(None, description="The catalogue service's slug, when the subject is one.")

    @staticmethod
    def resolve_service(obj) -> str | None:
        return obj.service.slug if obj.service_id else None


class StepOut(Schema):
    action: str
    at: datetime.datetime
    department: str = Field(description="The department that took the step (staff are never named).")
    to_department: str | None = None
    rating: int | None = None

    @staticmethod
    def resolve_department(obj) -> str:
        return obj.department.name

    @staticmethod
    def resolve_to_department(obj) -> str | None:
        return obj.to_department.name if obj.to_department_id else None


class AnswerOut(Schema):
    at: datetime.datetime
    text: str


class PublicItemOut(Schema):
    tracking_code: str
    kind: str
    subject: str
    department: str
    district: int | None = None
    status: str
    title: str
    text: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    supporters: int
    received_at: datetime.datetime
    answers: list[AnswerOut]
    steps: list[StepOut]

    @staticmethod
    def resolve_subject(obj) -> str:
        return obj.category.name

    @staticmethod
    def resolve_department(obj) -> str:
        return obj.department.name

    @staticmethod
    def resolve_district(obj) -> int | None:
        return obj.district.number if obj.district_id else None

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.shown_title

    @staticmethod
    def resolve_text(obj) -> str:
        return obj.shown_body

    @staticmethod
    def resolve_answers(obj) -> list:
        return answers_of(obj)

    @staticmethod
    def resolve_steps(obj) -> list:
        return public_steps_of(obj)


class TrackOut(Schema):
    """Where an item stands, by its code alone: never its words."""

    tracking_code: str
    kind: str
    department: str
    status: str
    due_at: datetime.datetime | None = None
    steps: list[StepOut]

    @staticmethod
    def resolve_department(obj) -> str:
        return obj.department.name

    @staticmethod
    def resolve_due_at(obj):
        return obj.due_at if obj.is_awaiting_answer else None

    @staticmethod
    def resolve_steps(obj) -> list:
        return public_steps_of(obj)


class MyItemOut(TrackOut):
    """One of my items, with everything I said and every answer."""

    title: str
    body: str
    subject: str
    rating: int | None = None
    may_reopen: bool
    answers: list[AnswerOut]
    author_url: str = Field(description="The private page of the item (its link is its key).")

    @staticmethod
    def resolve_subject(obj) -> str:
        return obj.category.name

    @staticmethod
    def resolve_answers(obj) -> list:
        return answers_of(obj)

    @staticmethod
    def resolve_may_reopen(obj) -> bool:
        from .services import can_reopen

        return can_reopen(obj)

    @staticmethod
    def resolve_author_url(obj, context) -> str:
        from django.urls import reverse

        return context["request"].build_absolute_uri(
            reverse("voice:mine", args=[obj.tracking_code, obj.author_key])
        )


class ItemIn(Schema):
    kind: ItemKind
    subject_id: int
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=4000)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    address: str = Field("", max_length=300)
    district: int | None = Field(None, description="The district's number.")
    public_allowed: bool = False


class RatingIn(Schema):
    rating: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=1000)


class ReopenIn(Schema):
    reason: str = Field(min_length=1, max_length=1000)


class SupportOut(Schema):
    counted: bool
    supporters: int


class MonthOut(Schema):
    department: str
    year: int = Field(description="Jalali year.")
    month: int = Field(description="Jalali month, 1–12.")
    received: int
    answered: int
    answered_in_time: int
    share_in_time: float | None
    median_hours_to_answer: float | None
    p90_hours_to_answer: float | None
    median_hours_to_close: float | None
    p90_hours_to_close: float | None
    reopen_rate: float | None
    average_rating: float | None

    @staticmethod
    def resolve_department(obj) -> str:
        return obj.department.name

    @staticmethod
    def resolve_median_hours_to_answer(obj):
        return obj.median_to_answer

    @staticmethod
    def resolve_p90_hours_to_answer(obj):
        return obj.p90_to_answer

    @staticmethod
    def resolve_median_hours_to_close(obj):
        return obj.median_to_close

    @staticmethod
    def resolve_p90_hours_to_close(obj):
        return obj.p90_to_close
