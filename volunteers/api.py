"""The API of people's own accounts: signing up, logging in for a personal token (password or a one-time
code by SMS), their profile, and listing and revoking their tokens."""

from django.http import HttpRequest
from ninja import Router, Status

from . import selectors, services
from .auth import api_auth, client_ip
from .dates import date_parse
from .schemas import (
    CodeRequestIn,
    CodeSentOut,
    MeOut,
    MePatchIn,
    SignupIn,
    SkillOut,
    TokenCreatedOut,
    TokenLoginIn,
    TokenOut,
)

public_router = Router(tags=["Account"])
router = Router(tags=["Account"], auth=api_auth)


def _limit_text(limit: services.FailureLimit) -> str:
    return f"{limit.max_failures} in {limit.window.total_seconds() / 60:g} minutes"


def _token_created(token, secret: str) -> Status:
    return Status(
        201,
        {
            "token": secret,
            "token_id": token.pk,
            "prefix": token.prefix,
            "name": token.name,
            "expires_at": token.expires_at,
        },
    )


@public_router.post(
    "/auth/codes",
    response={202: CodeSentOut},
    summary="Send a one-time code by SMS",
    description=(
        "Sends a code to the mobile number, to sign up (`purpose: signup`) or log in (`login`) with it; "
        f"it works for {services.CODE_LIFETIME.total_seconds() / 60:g} minutes and "
        f"{services.CODE_MAX_ATTEMPTS} guesses, and only the newest code counts. A number with an account "
        "answers 409 `phone_taken` for sign-up; one without answers 404 `no_account_for_phone` for log-in. "
        f"At most {_limit_text(services.CODE_REQUESTS_PER_PHONE)} per number and "
        f"{_limit_text(services.CODE_REQUESTS_PER_IP)} per address; then 429 `too_many_code_requests` with "
        "`Retry-After`."
    ),
)
def send_code(request: HttpRequest, payload: CodeRequestIn):
    code = services.one_time_code_send(
        phone=payload.phone,
        purpose=payload.purpose,
        client_ip=client_ip(request),
        language=getattr(request, "LANGUAGE_CODE", None),
    )
    return Status(202, {"expires_at": code.expires_at, "code_length": services.CODE_DIGITS})


@public_router.post(
    "/auth/signup",
    response={201: TokenCreatedOut},
    summary="Sign up and get a personal API token",
    description=(
        "With `phone` and the `code` sent for `signup` (password optional: without one, log in with codes), "
        "or with `email` and `password`. Errors: `code_invalid`, `code_expired`, `code_attempts_exhausted`, "
        "`phone_taken`/`email_taken` (409), `invalid_password`, `invalid_phone`, `invalid_profile`."
    ),
)
def signup(request: HttpRequest, payload: SignupIn):
    language = getattr(request, "LANGUAGE_CODE", None)
    if payload.phone is not None:
        user = services.user_signup_with_phone(
            phone=payload.phone,
            code=payload.code,
            first_name=payload.first_name,
            last_name=payload.last_name,
            password=payload.password,
            client_ip=client_ip(request),
            language=language,
        )
    else:
        user = services.user_signup_with_email(
            email=payload.email,
            password=payload.password,
            first_name=payload.first_name,
            last_name=payload.last_name,
            language=language,
        )
    return _token_created(*services.api_token_create(user=user, name=payload.name))


@public_router.post(
    "/auth/token",
    response={201: TokenCreatedOut},
    summary="Log in and get a personal API token",
    description=(
        "Send `username` and `password`, or `phone` and a `code` from POST /auth/codes (purpose `login`). "
        "Send the token as `Authorization: Bearer <token>`. Wrong credentials answer 401 "
        "`invalid_credentials`; a wrong code 400 `code_invalid`. After "
        f"{_limit_text(services.LOGIN_FAILURES_PER_IDENTIFIER_AND_IP)} failures for one person from one "
        f"address, {_limit_text(services.LOGIN_FAILURES_PER_IP)} from one address, or "
        f"{_limit_text(services.LOGIN_FAILURES_PER_IDENTIFIER)} for one person from any address (then "
        "only from addresses that have failed for that person), attempts answer 429 "
        "`too_many_attempts`, with `Retry-After` and `details.retry_after` in seconds. Password failures "
        "never block logging in with a one-time code."
    ),
)
def create_token(request: HttpRequest, payload: TokenLoginIn):
    if payload.phone is not None:
        token, secret = services.api_token_login_with_code(
            phone=payload.phone, code=payload.code, name=payload.name, client_ip=client_ip(request)
        )
    else:
        token, secret = services.api_token_login(
            identifier=payload.username,
            password=payload.password,
            name=payload.name,
            client_ip=client_ip(request),
            request=request,
        )
    return _token_created(token, secret)


@router.get("/me", response=MeOut, summary="My account and profile")
def get_me(request: HttpRequest):
    return selectors.me_get(user=request.auth)


@router.patch(
    "/me",
    response=MeOut,
    summary="Change my profile",
    description="Only the fields sent change. A rule broken answers 400 `invalid_profile` with "
    "`details.field`.",
)
def patch_me(request: HttpRequest, payload: MePatchIn):
    changes = payload.dict(exclude_unset=True)
    if "district" in changes:
        changes["district"] = selectors.district_for_profile(number=changes["district"])
    if "skills" in changes:
        changes["skills"] = selectors.skills_for_profile(slugs=changes["skills"])
    if "date_of_birth" in changes:
        changes["date_of_birth"] = date_parse(changes["date_of_birth"])
    services.profile_update(user=request.auth, changes=changes)
    return selectors.me_get(user=request.auth)


@public_router.get("/skills", response=list[SkillOut], summary="Skills people can list in their profile")
def list_skills(request: HttpRequest):
    return selectors.skill_list()


@router.get("/me/tokens", response=list[TokenOut], summary="My working API tokens")
def list_tokens(request: HttpRequest):
    """Tokens neither revoked nor expired, newest first; secrets are never shown again."""
    return selectors.api_token_list(user=request.auth)


@router.delete("/me/tokens/{token_id}", response={204: None}, summary="Revoke one of my tokens")
def revoke_token(request: HttpRequest, token_id: int):
    """It stops working at once. Revoking it again is no error; another person's token answers 404."""
    token = selectors.api_token_get(user=request.auth, token_id=token_id)
    services.api_token_revoke(token=token, user=request.auth)
    return Status(204, None)
