import datetime

from ninja import Field, Schema

from .models import User


class TokenLoginIn(Schema):
    username: str = Field(
        min_length=1,
        max_length=254,
        description="A mobile number in any common form (09…, +98…, Persian digits), an e-mail address "
        "or a username.",
    )
    password: str = Field(min_length=1, max_length=1024)
    name: str = Field("", max_length=100, description="A label to tell the token apart later, e.g. a device.")


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


class MeOut(Schema):
    """The caller's own account."""

    id: int
    username: str
    display_name: str
    phone: str | None
    email: str

    @staticmethod
    def resolve_display_name(user: User) -> str:
        return user.display_name
