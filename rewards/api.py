from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from core.pagination import PageNumberPagination
from volunteers.auth import api_auth

from . import selectors, services
from .schemas import CounterVoucherOut, LedgerEntryOut, PointsOut, RewardOut, VoucherCodeIn, VoucherOut

public_router = Router(tags=["Points and rewards"])
router = Router(tags=["Points and rewards"], auth=api_auth)


@router.get("/me/points", response=PointsOut, summary="My points")
def my_points(request: HttpRequest):
    """Balance, lifetime points, and what of the balance expires when."""
    return selectors.points_summary(user=request.auth)


@router.get("/me/ledger", response=list[LedgerEntryOut], summary="My points ledger")
@paginate(PageNumberPagination, page_size=50)
def my_ledger(request: HttpRequest):
    """Every change of my points, newest first, in pages of 50 (`{"items": [...], "count": N}`)."""
    return selectors.ledger_list(user=request.auth)


@public_router.get("/rewards", response=list[RewardOut], summary="The reward catalogue")
def list_rewards(request: HttpRequest):
    """Rewards that can be redeemed now, with their price in points."""
    return selectors.reward_list()


@public_router.get("/rewards/{reward_id}", response=RewardOut, summary="One reward")
def get_reward(request: HttpRequest, reward_id: int):
    return selectors.reward_get(reward_id=reward_id)


@router.post(
    "/rewards/{reward_id}/redeem",
    response={201: VoucherOut},
    summary="Redeem points for a voucher",
)
def redeem_reward(request: HttpRequest, reward_id: int):
    """Spends the reward's price and issues a voucher with a code, a QR code (`qr`, an SVG data URI) and an
    expiry. 404 `reward_not_found`; 409 `not_enough_points`, `budget_exhausted`, `personal_limit_reached`,
    `level_too_low` or `reward_unavailable`."""
    return Status(201, services.reward_redeem(reward_id=reward_id, user=request.auth))


@router.get("/me/vouchers", response=list[VoucherOut], summary="My vouchers")
def my_vouchers(request: HttpRequest):
    return selectors.voucher_list_for(user=request.auth)


@router.post("/vouchers/redeem", response=CounterVoucherOut, summary="Accept a voucher at the counter")
def redeem_voucher_at_counter(request: HttpRequest, payload: VoucherCodeIn):
    """For staff of the issuing department: accepts the voucher, once. 403 `not_counter_staff`; 404
    `voucher_not_found`; 409 `voucher_already_redeemed` (with `redeemed_at`) or `voucher_cancelled`;
    410 `voucher_expired`."""
    return services.voucher_redeem_at_counter(code=payload.code, actor=request.auth)
