import datetime

from ninja import Field, Schema


class QualificationKindOut(Schema):
    slug: str
    name: str
    validity_months: int | None = Field(description="Null when a certificate never expires.")


class QualificationIn(Schema):
    kind: str = Field(description="The qualification kind's `slug`.")
    certificate_number: str = Field(max_length=60)
    issued_on: datetime.date
    valid_until: datetime.date | None = Field(
        None, description="Omit to use the kind's usual validity counted from `issued_on`."
    )


class QualificationOut(Schema):
    id: int
    kind: QualificationKindOut
    certificate_number: str
    has_evidence_file: bool
    issued_on: datetime.date
    valid_until: datetime.date | None
    status: str = Field(description="`pending`, `verified` or `rejected`.")
    rejection_reason: str
    submitted_at: datetime.datetime

    @staticmethod
    def resolve_has_evidence_file(qualification) -> bool:
        return bool(qualification.evidence)


class GuardianCodeIn(Schema):
    guardian_name: str = Field(max_length=120)
    guardian_phone: str = Field(max_length=20)


class GuardianCodeSentOut(Schema):
    guardian_phone: str
    expires_at: datetime.datetime


class GuardianConsentIn(GuardianCodeIn):
    code: str = Field(max_length=20)


class GuardianConsentOut(Schema):
    guardian_name: str
    guardian_phone: str
    consented_at: datetime.datetime
    valid_until: datetime.date
