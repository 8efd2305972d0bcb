from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from badges import selectors
from badges.fragments import attach_row_fragments
from badges.services import rings
from community.models import User
from community.roles import is_community_manager
from community.selectors import public_profile


def _page_number(request: HttpRequest, name: str = "page") -> int:
    try:
        return max(1, min(10_000, int(request.GET.get(name, 1))))
    except ValueError:
        return 1


def badge_index(request: HttpRequest) -> HttpResponse:
    badges, held = selectors.badge_catalogue(viewer=request.user)
    return render(request, "badges/index.html", {"badges": badges, "held": held})


def leaderboard(request: HttpRequest) -> HttpResponse:
    board = selectors.leaderboard(key=request.GET.get("board", "all"),
                                  page=_page_number(request), viewer=request.user)
    attach_row_fragments(board.rows)
    return render(request, "badges/leaderboard.html",
                  {"board": board, "boards": selectors.BOARDS})


def challenges(request: HttpRequest) -> HttpResponse:
    return render(request, "badges/challenges.html",
                  {"challenges": selectors.active_challenges(user=request.user)})


@login_required
def points(request: HttpRequest) -> HttpResponse:
    """The member's own points: both balances, every entry with its reason, what expires."""
    data = selectors.points_page(member=request.user, page=_page_number(request))
    return render(request, "badges/points.html", {"p": data})


def achievements(request: HttpRequest, username: str) -> HttpResponse:
    """The profile's achievements section alone, for refreshing it live."""
    try:
        member = public_profile(username=username)
    except User.DoesNotExist:
        raise Http404("No such member.") from None
    data = selectors.member_achievements(member=member,
                                         history_page=_page_number(request, "points_page"))
    return render(request, "badges/includes/achievements.html", {"a": data, "request": request})


@login_required
def ring_list(request: HttpRequest) -> HttpResponse:
    if not is_community_manager(request.user):
        raise PermissionDenied
    return render(request, "badges/rings.html", {"rings": selectors.suspected_rings()})


@login_required
@require_POST
def ring_reviewed(request: HttpRequest, ring_id: int) -> HttpResponse:
    try:
        changed = rings.mark_ring_reviewed(actor=request.user, ring_id=ring_id)
    except PermissionError:
        raise PermissionDenied from None
    if changed:
        messages.success(request, "Marked as reviewed.")
    return redirect("badges:rings")
