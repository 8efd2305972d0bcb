"""Thin views of the rewards pages: parse, call one service or selector, respond."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from community.refusals import Refusal
from rewards import selectors
from rewards.forms import AddressForm, CancelForm, PointsForm, ShipForm
from rewards.models import Reward
from rewards.services import fulfilment
from rewards.services.redemption import Choice, redeem


@require_safe
def catalogue(request: HttpRequest) -> HttpResponse:
    levels = selectors.levels()
    viewer = selectors.viewer_for(request.user, levels=levels)
    rewards = selectors.catalogue_rewards()
    selectors.attach_opens(rewards)
    rows = [(reward, selectors.standing(reward, viewer)) for reward in rewards]
    return render(request, "rewards/catalogue.html", {"rows": rows, "viewer": viewer})


def _reward_or_404(reward_id: int) -> Reward:
    reward = selectors.reward_for_page(reward_id)
    if reward is None or not reward.live:
        raise Http404("No such reward.")
    return reward


@require_safe
def detail(request: HttpRequest, reward_id: int) -> HttpResponse:
    reward = _reward_or_404(reward_id)
    selectors.attach_opens([reward])
    viewer = selectors.viewer_for(request.user, levels=selectors.levels())
    points_form = (PointsForm(reward=reward, spendable=viewer.spendable,
                              initial={"points": reward.min_steps * reward.cost})
                   if reward.is_incremental else None)
    donated = selectors.donated_to([reward.cause_id]).get(reward.cause_id) if reward.cause_id else None
    return render(request, "rewards/detail.html", {
        "reward": reward, "viewer": viewer, "standing": selectors.standing(reward, viewer),
        "available": reward.available_at(timezone.now()), "points_form": points_form,
        "donated": donated})


@never_cache
@login_required
def confirm(request: HttpRequest, reward_id: int) -> HttpResponse:
    """The confirmation step (GET: the cost and the balance after, the address of a gift) and
    the redemption itself (POST, with the form's idempotency key)."""
    reward = _reward_or_404(reward_id)
    selectors.attach_opens([reward])
    viewer = selectors.viewer_for(request.user, levels=selectors.levels())
    data = request.POST if request.method == "POST" else (request.GET or None)
    points_form = (PointsForm(data, reward=reward, spendable=viewer.spendable)
                   if reward.is_incremental else None)
    address_form = (AddressForm(request.POST if request.method == "POST" else None)
                    if reward.kind == Reward.Kind.GIFT else None)
    key = request.POST.get("idempotency_key", "") if request.method == "POST" else ""
    refusal, status = None, 200
    points = reward.cost
    if points_form is not None:
        if points_form.is_valid():
            points = points_form.cleaned_data["points"]
        else:
            status = 400
    if request.method == "POST" and status == 200:
        if address_form is not None and not address_form.is_valid():
            status = 400
        else:
            choice = Choice(points=points if reward.is_incremental else None,
                            address=address_form.cleaned_data if address_form else None)
            try:
                redemption = redeem(member=request.user, reward_id=reward.pk,
                                    idempotency_key=key, choice=choice)
            except Refusal as caught:
                refusal, status = caught, caught.status
            else:
                messages.success(request, f"You redeemed {reward.title}.")
                return redirect(reverse("rewards:mine") + f"#redemption-{redemption.pk}")
    if points_form is not None and not points_form.is_valid():
        points = None
    return render(request, "rewards/confirm.html", {
        "reward": reward, "viewer": viewer, "standing": selectors.standing(reward, viewer),
        "points_form": points_form, "address_form": address_form, "points": points,
        "balance_after": viewer.spendable - points if points is not None else None,
        "refusal": refusal, "idempotency_key": key or secrets.token_urlsafe(24)}, status=status)


@never_cache
@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "rewards/mine.html",
                  {"redemptions": selectors.my_redemptions(request.user)})


@require_safe
def levels(request: HttpRequest) -> HttpResponse:
    all_levels = selectors.levels()
    viewer = selectors.viewer_for(request.user, levels=all_levels) if request.user.is_authenticated else None
    by_spend = viewer.standing.by_spend if viewer else selectors.by_spend()
    return render(request, "rewards/levels.html",
                  {"rows": selectors.levels_with_perks(all_levels), "viewer": viewer,
                   "by_spend": by_spend})


@require_safe
def cause(request: HttpRequest, cause_slug: str) -> HttpResponse:
    found = selectors.cause_page(cause_slug)
    if found is None:
        raise Http404("No such cause.")
    cause, rewards, total, donors = found
    return render(request, "rewards/cause.html",
                  {"cause": cause, "rewards": rewards, "total": total, "donors": donors})


def _staff_only(request: HttpRequest) -> None:
    if not fulfilment.can_fulfil(request.user):
        raise PermissionDenied


def _staff_page(request: HttpRequest, *, status: int = 200, row: int | None = None,
                ship_form: ShipForm | None = None, cancel_form: CancelForm | None = None):
    return render(request, "rewards/staff.html", {
        "pending": selectors.pending_gifts(), "pools": selectors.low_pools(),
        "low_stock": selectors.low_stock(), "row": row,
        "ship_form": ship_form or ShipForm(), "cancel_form": cancel_form or CancelForm()},
        status=status)


@never_cache
@login_required
@require_safe
def staff(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    return _staff_page(request)


@login_required
@require_POST
def ship(request: HttpRequest, redemption_id: int) -> HttpResponse:
    _staff_only(request)
    form = ShipForm(request.POST)
    if not form.is_valid():
        return _staff_page(request, status=400, row=redemption_id, ship_form=form)
    fulfilment.ship(actor=request.user, redemption_id=redemption_id,
                    tracking_note=form.cleaned_data["tracking_note"])
    messages.success(request, "Marked as shipped; the member is told.")
    return redirect("rewards:staff")


@login_required
@require_POST
def cancel(request: HttpRequest, redemption_id: int) -> HttpResponse:
    _staff_only(request)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _staff_page(request, status=400, row=redemption_id, cancel_form=form)
    redemption = fulfilment.cancel(actor=request.user, redemption_id=redemption_id,
                                   reason=form.cleaned_data["reason"])
    messages.success(request, f"Cancelled; {redemption.points:,} points went back to the member.")
    return redirect("rewards:staff")
