"""Members' public profiles (level, badges), your own profile with your points, the
leaderboards, the rewards catalogue, and your own redemptions and orders."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from api import serializers as s
from api.views.base import MembersListView, MembersView, PublicReadView, cursor_for, found
from badges import selectors as badges
from badges.models import BadgeGrant, Level
from community import selectors as community
from community.models import User
from rewards import selectors as rewards
from rewards.models import Redemption
from shop import selectors as shop


def _with_achievements(member: User, *, own: bool) -> User:
    """Attach what the profile shows: level and current badges (three queries), and the
    points balances only for the member themselves."""
    balances = badges.balances_of(member.pk)
    standing = badges.level_standing(
        user_id=member.pk, points=balances.lifetime, levels=list(Level.objects.all())
    )
    member.api_level = standing.level
    member.api_badges = list(
        BadgeGrant.objects.current()
        .filter(user=member)
        .select_related("badge")
        .order_by("-granted_at", "-id")
    )
    member.api_points = {"lifetime": balances.lifetime, "spendable": balances.spendable} if own else None
    return member


class MemberDetail(PublicReadView):
    @extend_schema(responses=s.MemberOut)
    def get(self, request, username: str):
        try:
            member = community.public_profile(username=username)
        except User.DoesNotExist:
            member = None
        member = found(member)
        return Response(s.MemberOut(_with_achievements(member, own=member.pk == request.user.pk)).data)


class Me(MembersView):
    @extend_schema(responses=s.MemberOut)
    def get(self, request):
        member = community.public_profile(username=request.user.username)
        return Response(s.MemberOut(_with_achievements(member, own=True)).data)


@extend_schema(parameters=[OpenApiParameter("page", OpenApiTypes.INT, description="A page of 50 ranks.")])
class Leaderboard(PublicReadView):
    """A board (all, month, week): ranked members, 50 a page, and your own row."""

    @extend_schema(responses=s.BoardOut)
    def get(self, request, board: str):
        if board not in badges.BOARDS:
            found(None)
        try:
            page = max(1, min(int(request.query_params.get("page", "1")), 10_000))
        except ValueError:
            page = 1
        return Response(s.BoardOut(badges.leaderboard(key=board, page=page, viewer=request.user)).data)


class RewardList(PublicReadView):
    """The rewards in the catalogue now, cheapest first (the whole catalogue: no pages)."""

    @extend_schema(responses=s.RewardOut(many=True))
    def get(self, request):
        return Response(s.RewardOut(rewards.catalogue_rewards(), many=True).data)


class RewardDetail(PublicReadView):
    @extend_schema(responses=s.RewardOut)
    def get(self, request, reward_id: int):
        reward = rewards.reward_for_page(reward_id)
        return Response(s.RewardOut(found(reward if reward is not None and reward.live else None)).data)


class MyRedemptions(MembersListView):
    """Your redemptions, newest first."""

    serializer_class = s.RedemptionOut
    pagination_class = cursor_for("-created_at", "-pk")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Redemption.objects.none()
        return Redemption.objects.filter(member=self.request.user).select_related("reward")


class MyOrders(MembersListView):
    """Your orders from the shop, newest first."""

    serializer_class = s.OrderOut
    pagination_class = cursor_for("-paid_at", "-pk")

    def get_queryset(self):
        return shop.orders_of(member=self.request.user)
