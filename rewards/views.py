"""The volunteer's points and vouchers, the reward catalogue, and the counter where staff accept vouchers.

Views stay thin: rules live in `services`, reads in `selectors`. A refusal (too few points, a budget used
up, a voucher already used) is shown as a message on the page, never as an error page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError

from . import selectors, services
from .errors import RewardNotFound, VoucherNotFound
from .forms import CounterForm
from .models import Voucher
from .qr import voucher_qr_svg

LEDGER_PER_PAGE = 30


def catalogue(request):
    """Every reward that can be redeemed now, with the person's balance when they are logged in."""
    summary = selectors.points_summary(user=request.user) if request.user.is_authenticated else None
    return render(
        request,
        "rewards/catalogue.html",
        {"rewards": selectors.reward_list(), "summary": summary},
    )


@login_required
@require_http_methods(["GET", "POST"])
def redeem(request, reward_id: int):
    """The confirmation step, then the redemption: it spends points, so it is never one click."""
    try:
        reward = selectors.reward_get(reward_id=reward_id)
    except RewardNotFound as error:
        raise Http404(error.message) from None
    summary = selectors.points_summary(user=request.user)
    if request.method == "POST":
        try:
            voucher = services.reward_redeem(reward_id=reward.pk, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your voucher is ready. Show this page at the counter."))
            return redirect(voucher.get_absolute_url())
    return render(
        request,
        "rewards/redeem_confirm.html",
        {"reward": reward, "summary": summary, "balance_after": summary.balance - reward.points_price},
    )


@login_required
def my_points(request):
    """Balance, lifetime points, what expires when, the ledger and the person's vouchers."""
    page = Paginator(selectors.ledger_list(user=request.user), LEDGER_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "rewards/my_points.html",
        {
            "summary": selectors.points_summary(user=request.user),
            "entries": page,
            "vouchers": selectors.voucher_list_for(user=request.user),
        },
    )


@login_required
def voucher_detail(request, code: str):
    """The voucher to show at the counter: a large QR code, the code, its expiry and terms."""
    try:
        voucher = selectors.voucher_get_for_holder(code=code, user=request.user)
    except VoucherNotFound as error:
        raise Http404(error.message) from None
    return render(
        request,
        "rewards/voucher.html",
        {
            "voucher": voucher,
            # segno's own markup, from the code alone: nothing a person typed goes into it.
            "qr_svg": mark_safe(voucher_qr_svg(voucher.code)),  # noqa: S308
            "is_holder": voucher.account.user_id == request.user.pk,
            "may_cancel": voucher.status == Voucher.Status.ISSUED
            and services.voucher_may_be_handled_by(voucher=voucher, user=request.user),
        },
    )


@login_required
@require_POST
def voucher_cancel(request, code: str):
    voucher = Voucher.objects.select_related("reward").filter(code=code).first()
    if voucher is None or not services.voucher_may_be_handled_by(voucher=voucher, user=request.user):
        raise Http404(VoucherNotFound().message)
    try:
        services.voucher_cancel(voucher=voucher, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The voucher is cancelled and its points are back with its holder."))
    return redirect(voucher.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def counter(request):
    """Staff accept a voucher: the code typed or scanned, then one big, clear answer."""
    if not selectors.counter_departments(user=request.user).exists():
        raise PermissionDenied(_("Only municipal staff can accept vouchers."))
    form = CounterForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            voucher = services.voucher_redeem_at_counter(code=form.cleaned_data["code"], actor=request.user)
        except DomainError as error:
            result = {"ok": False, "message": error.message, "code": error.code, "status": error.status_code}
        else:
            result = {"ok": True, "voucher": voucher}
            form = CounterForm()  # ready for the next person in line
    status = 200 if result is None or result["ok"] else result["status"]
    return render(request, "rewards/counter.html", {"form": form, "result": result}, status=status)
