"""The API of people's own accounts: getting, listing and revoking personal tokens, and who am I."""

from django.http import HttpRequest
from ninja import Router, Status

from . import selectors, services
from .auth import api_auth, client_ip
from .schemas import MeOut, TokenCreatedOut, TokenLoginIn, TokenOut

router = Router(tags=["Account"])


def _limit_text(limit: services.FailureLimit) -> str:
    return f"{limit.max_failures} failures in {limit.window.total_seconds() / 60:g} minutes"


@router.post(
    "/auth/token",
    response={201: TokenCreatedOut},
    summary="Log in and get a personal API token",
    description=(
        "Send the token as `Authorization: Bearer <token>`. Wrong credentials answer 401 "
        f"`invalid_credentials`. After {_limit_text(services.LOGIN_FAILURES_PER_IDENTIFIER)} for one "
        f"person, or {_limit_text(services.LOGIN_FAILURES_PER_IP)} from one address, attempts answer 429 "
        "`too_many_attempts`, with `Retry-After` and `details.retry_after` in seconds."
    ),
)
def create_token(request: HttpRequest, payload: TokenLoginIn):
    token, secret = services.api_token_login(
        identifier=payload.username,
        password=payload.password,
        name=payload.name,
        client_ip=client_ip(request),
        request=request,
    )
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


@router.get("/me", response=MeOut, auth=api_auth, summary="My account")
def get_me(request: HttpRequest):
    return request.auth


@router.get("/me/tokens", response=list[TokenOut], auth=api_auth, summary="My working API tokens")
def list_tokens(request: HttpRequest):
    """Tokens neither revoked nor expired, newest first; secrets are never shown again."""
    return selectors.api_token_list(user=request.auth)


@router.delete(
    "/me/tokens/{token_id}", response={204: None}, auth=api_auth, summary="Revoke one of my tokens"
)
def revoke_token(request: HttpRequest, token_id: int):
    """It stops working at once. Revoking it again is no error; another person's token answers 404."""
    token = selectors.api_token_get(user=request.auth, token_id=token_id)
    services.api_token_revoke(token=token, user=request.auth)
    return Status(204, None)
