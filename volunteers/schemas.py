import datetime
from typing import Literal, Self

from ninja import Field, Schema
from pydantic import StrictBool, model_validator

from .dates import jalali_text
from .models import User


class TokenLoginIn(Schema):
    """Either `username` and `password`, or `phone` and a one-time `code` from POST /auth/codes."""

    username: str | None = Field(
        None,
        min_length=1,
        max_length=254,
        description="A mobile number in any common form (09…, +98…, Persian digits), an e-mail address "
        "or a username.",
    )
    password: str | None = Field(None, min_length=1, max_length=1024)
    phone: str | None = Field(None, min_length=1, max_length=30, description="A mobile number, any form.")
    code: str | None = Field(None, min_length=1, max_length=20, description="The code sent by SMS.")
    name: str = Field("", max_length=100, description="A label to tell the token apart later, e.g. a device.")

    @model_validator(mode="after")
    def _one_way_to_log_in(self) -> Self:
        with_password = self.username is not None and self.password is not None
        with_code = self.phone is not None and self.code is not None
        if with_password == with_code:
            raise ValueError("Send either username and password, or phone and code.")
        return self


class CodeRequestIn(Schema):
    phone: str = Field(min_length=1, max_length=30, description="A mobile number in any common form.")
    purpose: Literal["login", "signup"]


class CodeSentOut(Schema):
    expires_at: datetime.datetime
    code_length: int


class SignupIn(Schema):
    """Either `phone` and the one-time `code` sent for `signup` (a password is optional), or `email` and
    `password`."""

    phone: str | None = Field(None, min_length=1, max_length=30)
    code: str | None = Field(None, min_length=1, max_length=20)
    email: str | None = Field(None, min_length=3, max_length=254)
    password: str | None = Field(None, min_length=1, max_length=1024)
    first_name: str = Field(min_length=1, max_length=150)
    last_name: str = Field("", max_length=150)
    name: str = Field("", max_length=100, description="A label for the API token that sign-up returns.")

    @model_validator(mode="after")
    def _one_way_to_sign_up(self) -> Self:
        with_phone = self.phone is not None and self.code is not None
        with_email = self.email is not None and self.password is not None
        if with_phone == with_email or (self.phone is not None and self.email is not None):
            raise ValueError("Send either phone and code, or email and password.")
        return self


class TokenCreatedOut(Schema):
    token: str = Field(description="The secret. It is shown only now: keep it; it cannot be read again.")
    token_id: int
    prefix: str = Field(description="The secret's first characters, as token lists show them.")
    name: str
    expires_at: datetime.datetime | None


class TokenOut(Schema):
    """A token as lists show it: never its secret."""

    id: int
    name: str
    prefix: str
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None = Field(description="Noted at most once a minute.")
    expires_at: datetime.datetime | None = Field(description="Null: it does not expire.")


class DistrictRefOut(Schema):
    number: int
    name: str


class SkillOut(Schema):
    slug: str
    name: str


class MeOut(Schema):
    """The caller's own account and profile."""

    id: int
    username: str
    display_name: str
    first_name: str
    last_name: str
    phone: str | None
    email: str
    has_password: bool = Field(description="False: this person logs in with codes sent by SMS.")
    district: DistrictRefOut | None
    skills: list[SkillOut]
    date_of_birth: datetime.date | None
    date_of_birth_jalali: str | None = Field(description="The same date as Jalali year/month/day.")
    emergency_contact_name: str
    emergency_contact_phone: str
    photo_consent: bool
    organiser_messages: bool = Field(description="False: staff's messages to a shift's people skip me.")
    cover_calls: bool = Field(description="True: tell me of places freed at short notice I could take.")
    leaderboard_visibility: Literal["name", "pseudonym", "hidden"]
    leaderboard_pseudonym: str
    preferred_language: Literal["fa", "en"] = Field(description="The language of e-mail and SMS to me.")

    @staticmethod
    def resolve_display_name(user: User) -> str:
        return user.display_name

    @staticmethod
    def resolve_has_password(user: User) -> bool:
        return user.has_usable_password()

    @staticmethod
    def resolve_skills(user: User) -> list:
        return list(user.skills.all())

    @staticmethod
    def resolve_date_of_birth_jalali(user: User) -> str | None:
        return jalali_text(user.date_of_birth) or None


class MePatchIn(Schema):
    """Only the fields sent change. Mobile number and e-mail address are not changed here."""

    first_name: str = Field(None, min_length=1, max_length=150)
    last_name: str = Field(None, max_length=150)
    district: int | None = Field(None, description="A municipal district's number; null for none.")
    skills: list[str] = Field(None, max_length=50, description="Skill slugs (GET /skills); replaces all.")
    date_of_birth: str | None = Field(
        None,
        max_length=20,
        description="Jalali (1370/06/31) or Gregorian (1991-09-22) year/month/day, any digits; null clears.",
    )
    emergency_contact_name: str = Field(None, max_length=120)
    emergency_contact_phone: str = Field(None, max_length=30)
    # Strict: true or false, as documented; pydantic would also read 0, 1, "yes" and "off".
    photo_consent: StrictBool = None
    organiser_messages: StrictBool = None
    cover_calls: StrictBool = None
    leaderboard_visibility: Literal["name", "pseudonym", "hidden"] = None
    leaderboard_pseudonym: str = Field(None, max_length=60)
    preferred_language: Literal["fa", "en"] = None


class PersonOut(Schema):
    """Another person, as `volunteers.selectors.person_dict` shapes them: private fields are null unless the
    viewer may see them."""

    id: int
    display_name: str
    first_name: str
    last_name: str
    phone: str | None
    email: str | None
    date_of_birth: datetime.date | None
    emergency_contact_name: str | None
    emergency_contact_phone: str | None
