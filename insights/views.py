"""The community health dashboard (/staff/health/) and its CSV export: community managers
and staff accounts only."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from insights.access import may_see_health
from insights.charts import health_charts
from insights.export import health_csv
from insights.forms import PeriodForm
from insights.selectors import cached_community_health


def _managers_only(view):
    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs):
        if not may_see_health(request.user):
            raise PermissionDenied("Only community managers see the community health dashboard.")
        return view(request, *args, **kwargs)

    return guarded


@login_required
@_managers_only
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    form = PeriodForm.from_query(request.GET)
    if not form.is_valid():
        # A period we do not offer: say so, with the form to pick one (no figures).
        return render(request, "insights/health.html", {"form": form}, status=400)
    days = form.period()
    figures = cached_community_health(days=days)
    return render(request, "insights/health.html", {
        "form": form, "days": days, "h": figures, "charts": health_charts(figures)})


@login_required
@_managers_only
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    form = PeriodForm.from_query(request.GET)
    if not form.is_valid():
        return HttpResponse("; ".join(form.errors["days"]) + "\n", status=400,
                            content_type="text/plain; charset=utf-8")
    days = form.period()
    figures = cached_community_health(days=days)
    response = HttpResponse(health_csv(figures), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="community-health-{days}-days-'
                                       f'{figures.win.dates[-1].isoformat()}.csv"')
    return response
