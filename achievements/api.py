from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import translation
from ninja import Query, Router, Schema
from ninja.decorators import decorate_view
from pydantic import Field

from core.cached_answers import cached_answer
from core.db_routing import replica_reads
from volunteers.auth import api_auth

from . import selectors
from .schemas import LeaderboardOut, MyBadgeOut, MyLevelOut

public_router = Router(tags=["Badges, levels and leaderboards"])
router = Router(tags=["Badges, levels and leaderboards"], auth=api_auth)


def _anyone(request: HttpRequest):
    """Lets a request without credentials through to a public read (a wrong token still gets 401)."""
    return AnonymousUser()


class LeaderboardQuery(Schema):
    period: str = Field("month", description="`month` (this Jalali month) or `all` (all time).")
    limit: int = Field(50, ge=1, le=100, description="How many places from the top, 1–100.")


def _anonymous_board_key(request: HttpRequest) -> str | None:
    # A reader with a token or a session gets their own standing in the answer: nothing shared for them.
    if "authorization" in request.headers or request.user.is_authenticated:
        return None
    return selectors.leaderboard_answer_key(path=request.get_full_path(), language=translation.get_language())


@public_router.get(
    "/leaderboards/{kind}",
    response=LeaderboardOut,
    auth=[*api_auth, _anyone],
    summary="A leaderboard: individuals, teams (NGOs) or districts",
)
@decorate_view(replica_reads, cached_answer(_anonymous_board_key, selectors.BOARD_ANSWER_SECONDS))
def get_leaderboard(request: HttpRequest, kind: str, query: Query[LeaderboardQuery]):
    """The top `limit` of `individuals`, `teams` (NGOs, by work on their teams' reserved places) or
    `districts` (by the district of the call the work was for), for `period=month` (this Jalali month) or
    `all`. Equal points share a rank. People who chose not to appear are left out; people with a pseudonym
    appear under it. When the request is authenticated, `me` gives the viewer's own standing (even if they
    hide from others: only they see it). 404 `leaderboard_not_found`, 422 `period_not_valid`."""
    viewer = request.auth if getattr(request.auth, "is_authenticated", False) else None
    return selectors.leaderboard_page(kind=kind, period=query.period, limit=query.limit, viewer=viewer)


@router.get("/me/badges", response=list[MyBadgeOut], summary="My badges, earned and to earn")
def my_badges(request: HttpRequest):
    """Earned badges first (with when), then the ones still to earn with progress (`done` of `needed`)."""
    return selectors.badge_statuses(user=request.auth)


@router.get("/me/level", response=MyLevelOut, summary="My level and the way to the next")
def my_level(request: HttpRequest):
    return selectors.level_progress(user=request.auth)
