"""The staff side of the loyalty programme that is not about one reward: the dashboard and
point adjustments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from community.refusals import Invalid
from rewards.adjustments import adjust_member_points, may_run_rewards
from rewards.dashboard import loyalty_dashboard
from rewards.staff_forms import AdjustPointsForm


@login_required
def adjust_points(request: HttpRequest) -> HttpResponse:
    if not may_run_rewards(request.user):
        raise PermissionDenied("Only brand staff and community managers adjust points.")
    form = AdjustPointsForm(request.POST or None,
                            initial={"username": request.GET.get("member", "")[:150]})
    if request.method == "POST" and form.is_valid():
        try:
            adjustment = adjust_member_points(actor=request.user, **form.cleaned_data)
        except Invalid as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, f"{adjustment.points:+,} points for "
                                      f"{form.cleaned_data['username']}: recorded.")
            return redirect("loyalty_staff:adjust_points")
    return render(request, "rewards/staff/adjust_points.html", {"form": form})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not may_run_rewards(request.user):
        raise PermissionDenied("Only brand staff and community managers see the loyalty dashboard.")
    return render(request, "rewards/staff/dashboard.html", {"d": loyalty_dashboard()})
