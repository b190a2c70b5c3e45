"""The leaderboards page and a volunteer's own badges and level. Thin: reads come from selectors."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.db_routing import replica_reads
from core.errors import DomainError

from . import selectors
from .models import LeaderboardScore
from .periods import ALL_TIME, month_key, month_label

BOARD_TABS = ("individuals", "teams", "districts")
PERIOD_TABS = ("month", ALL_TIME)
CHART_MONTHS = 6


@require_GET
@replica_reads
def leaderboards(request):
    """/leaderboards/?board=individuals|teams|districts&period=month|all, the top 50 of one board."""
    kind = request.GET.get("board", "individuals")
    period = request.GET.get("period", "month")
    viewer = request.user if request.user.is_authenticated else None
    try:
        page = selectors.leaderboard_page(kind=kind, period=period, viewer=viewer)
    except DomainError as error:
        context = {"error": error.message, "board": kind, "period": period, **_tabs()}
        return render(request, "achievements/leaderboards.html", context, status=error.status_code)
    context = {
        "page": page,
        "board": kind,
        "period": period,
        "month_label": month_label(page.period_key) if period == "month" else "",
        "me_on_page": any(entry.is_me for entry in page.entries),
        **_tabs(),
    }
    return render(request, "achievements/leaderboards.html", context)


def _tabs() -> dict:
    return {"board_tabs": BOARD_TABS, "period_tabs": PERIOD_TABS}


@login_required
@require_GET
def my_achievements(request):
    """A volunteer's level with the way to the next, their badges (earned and to earn), their standing
    and their points month by month."""
    user = request.user
    board = LeaderboardScore.Board.INDIVIDUAL
    this_month = month_key()
    context = {
        "progress": selectors.level_progress(user=user),
        "statuses": selectors.badge_statuses(user=user),
        "standing_month": selectors.leaderboard_rank(board=board, period_key=this_month, subject_id=user.pk),
        "standing_all": selectors.leaderboard_rank(board=board, period_key=ALL_TIME, subject_id=user.pk),
        "chart": selectors.monthly_points(user_id=user.pk, months=CHART_MONTHS),
        "is_hidden": user.leaderboard_visibility == user.LeaderboardVisibility.HIDDEN,
        "public_name": selectors.public_person_name(user),
    }
    return render(request, "achievements/my_achievements.html", context)
