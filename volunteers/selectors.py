"""Reads of people's own account data. Nothing here returns another person's personal data."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from .errors import ApiTokenNotFound
from .models import ApiToken, User


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The person's tokens that still work (neither revoked nor expired), newest first."""
    return ApiToken.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()), user=user, revoked_at__isnull=True
    ).order_by("-created_at", "-pk")


def api_token_get(*, user: User, token_id: int) -> ApiToken:
    """One of the person's tokens, working or not; another person's token does not exist for them."""
    try:
        return ApiToken.objects.get(pk=token_id, user=user)
    except ApiToken.DoesNotExist:
        raise ApiTokenNotFound(token_id) from None
