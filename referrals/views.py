from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from community import site_url
from community.refusals import Refusal
from referrals import receivers, selectors, services
from referrals.forms import DecisionForm


@require_GET
def link(request: HttpRequest, code: str) -> HttpResponse:
    """A referral link: a visitor's browser keeps the code (signed, for the cookie's age) and
    goes to sign-up; an unknown code goes to sign-up all the same. Members have an account
    already and go to their own referrals page."""
    if request.user.is_authenticated:
        return redirect("referrals:mine")
    response = redirect("account_signup")
    if services.advocate_for_code(code) is not None:
        response.set_signed_cookie(receivers.COOKIE_NAME, code, salt=receivers.COOKIE_SALT,
                                   max_age=receivers.cookie_max_age(), httponly=True,
                                   samesite="Lax", secure=request.is_secure())
    return response


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    code = services.code_for(user=request.user)
    data = selectors.member_referrals(user=request.user)
    share_url = site_url.absolute(reverse("referrals:link", kwargs={"code": code.code}), request)
    return render(request, "referrals/mine.html", {
        "share_url": share_url, "data": data,
        "advocate_points": settings.HEARTH_REFERRAL_ADVOCATE_POINTS,
        "friend_points": settings.HEARTH_REFERRAL_FRIEND_POINTS,
    })


def staff_required(view):
    """Community managers and brand staff: visitors go to log in, members get 403."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not services.can_review(request.user):
            raise PermissionDenied("Only community managers and brand staff review referrals.")
        return view(request, *args, **kwargs)

    return wrapped


def _review_page(request: HttpRequest, *, status: int = 200, failed_id: int | None = None,
                 failed_form: DecisionForm | None = None) -> HttpResponse:
    held = selectors.held_referrals()
    for referral in held:
        referral.form = failed_form if referral.pk == failed_id else DecisionForm()
    return render(request, "referrals/review.html",
                  {"held": held, "decided": selectors.recent_decisions()}, status=status)


@staff_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    return _review_page(request)


@staff_required
@require_POST
def decide(request: HttpRequest, referral_id: int) -> HttpResponse:
    form = DecisionForm(request.POST)
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        action = services.approve_referral if decision == "approve" else services.reject_referral
        try:
            referral = action(actor=request.user, referral_id=referral_id,
                              note=form.cleaned_data["note"])
        except Refusal as refusal:
            # Decided by someone else meanwhile, or gone: nothing left to decide here.
            messages.warning(request, refusal.message)
            return redirect("referrals:review")
        else:
            verb = "approved: both members have their points" if decision == "approve" else "rejected"
            messages.success(request, f"The referral of {referral.friend.name} is {verb}.")
            return redirect("referrals:review")
    return _review_page(request, status=400, failed_id=referral_id, failed_form=form)
