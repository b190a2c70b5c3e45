import datetime
from enum import StrEnum

from ninja import Field, Schema

from core.localization import format_date

from .models import LedgerEntry, Reward, Voucher
from .qr import voucher_qr_data_uri

# Named for the API: the model's enum is called "Status" like the sign-up's (see campaigns.schemas).
VoucherStatus = StrEnum("VoucherStatus", {status.name: status.value for status in Voucher.Status})


class ExpiringOut(Schema):
    points: int
    expires_at: datetime.datetime


class PointsOut(Schema):
    balance: int = Field(description="Points that can be spent now.")
    lifetime: int = Field(description="Points earned in all, less revoked ones; what levels count.")
    expiring: list[ExpiringOut] = Field(description="What of the balance expires when, soonest first.")


class LedgerEntryOut(Schema):
    id: int
    kind: LedgerEntry.Kind
    amount: int = Field(description="Added to the balance; negative for spending, reversals, expiry.")
    occurred_at: datetime.datetime
    expires_at: datetime.datetime | None
    verification_id: int | None
    voucher_code: str | None = None
    note: str

    @staticmethod
    def resolve_voucher_code(entry: LedgerEntry) -> str | None:
        return entry.voucher.code if entry.voucher_id else None


class RewardOut(Schema):
    id: int
    name: str
    description: str
    terms: str
    points_price: int
    department: str
    value_rials: int
    per_person_limit: int
    per_person_period: Reward.LimitPeriod
    min_level_points: int
    voucher_valid_days: int
    available_until: datetime.datetime | None

    @staticmethod
    def resolve_department(reward: Reward) -> str:
        return reward.department.name


class VoucherOut(Schema):
    code: str
    status: VoucherStatus
    reward_id: int
    reward: str
    points_price: int
    issued_at: datetime.datetime
    expires_at: datetime.datetime
    expires_at_text: str = Field(description="The expiry date for people (Jalali in Persian).")
    terms: str
    redeemed_at: datetime.datetime | None
    qr: str = Field(description="The QR code of the voucher's code as an SVG data URI.")

    @staticmethod
    def resolve_reward(voucher: Voucher) -> str:
        return voucher.reward.name

    @staticmethod
    def resolve_expires_at_text(voucher: Voucher) -> str:
        return format_date(voucher.expires_at)

    @staticmethod
    def resolve_qr(voucher: Voucher) -> str:
        return voucher_qr_data_uri(voucher.code)


class VoucherCodeIn(Schema):
    code: str = Field(
        min_length=1, max_length=300, description="The code as typed, or what the QR scan read."
    )


class CounterVoucherOut(Schema):
    """What the counter needs to hand over the reward."""

    code: str
    status: VoucherStatus
    reward: str
    holder: str
    redeemed_at: datetime.datetime | None
    terms: str

    @staticmethod
    def resolve_reward(voucher: Voucher) -> str:
        return voucher.reward.name

    @staticmethod
    def resolve_holder(voucher: Voucher) -> str:
        return voucher.account.user.display_name
