"""Ideas: read through ideas' selectors, support and withdraw through its services."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from api import serializers as s
from api.views.base import PublicListView, PublicReadView, cursor_for, found
from ideas import selectors
from ideas.models import Status
from ideas.services import support

SORTS = {"new": ("-published_at", "-pk"), "top": ("-support_count", "-pk")}


class IdeaCursor(cursor_for("-published_at", "-pk")):
    def get_ordering(self, request, queryset, view):
        return SORTS.get(request.query_params.get("sort", ""), SORTS["new"])


@extend_schema(
    parameters=[
        OpenApiParameter("sort", OpenApiTypes.STR, enum=list(SORTS), description="new (default) or top"),
        OpenApiParameter("status", OpenApiTypes.STR, enum=list(Status.values)),
        OpenApiParameter("category", OpenApiTypes.STR, description="A product category's slug."),
        OpenApiParameter("mine", OpenApiTypes.BOOL, description="Only your own ideas (hidden ones too)."),
    ]
)
class IdeaList(PublicListView):
    """Published ideas, as the site's idea list shows them (hidden ones only to managers)."""

    serializer_class = s.IdeaOut
    pagination_class = IdeaCursor

    def get_queryset(self):
        params = self.request.query_params
        return selectors.idea_list(
            user=self.request.user,
            status=params.get("status", ""),
            category=params.get("category", ""),
            mine=params.get("mine", "") in ("1", "true"),
        )


class IdeaDetail(PublicReadView):
    @extend_schema(responses=s.IdeaOut)
    def get(self, request, idea_id: int):
        return Response(s.IdeaOut(found(selectors.idea_for_page(user=request.user, idea_id=idea_id))).data)


class IdeaSupport(PublicReadView):
    """Your support of an idea: POST adds it, DELETE withdraws it (each changes nothing the
    second time)."""

    def _answer(self, request, idea_id: int, *, changed: bool, supported: bool) -> Response:
        idea = found(selectors.idea_for_page(user=request.user, idea_id=idea_id))
        return Response(
            s.SupportOut(
                {
                    "idea_id": idea.pk,
                    "supported": supported,
                    "changed": changed,
                    "support_count": idea.support_count,
                }
            ).data
        )

    @extend_schema(request=None, responses=s.SupportOut)
    def post(self, request, idea_id: int):
        found(selectors.idea_for_page(user=request.user, idea_id=idea_id))
        changed = support.cast_support(user=request.user, idea_id=idea_id)
        return self._answer(request, idea_id, changed=changed, supported=True)

    # DELETE answers 200 with the idea's new count (drf-spectacular would document a 204).
    @extend_schema(request=None, responses={200: s.SupportOut})
    def delete(self, request, idea_id: int):
        found(selectors.idea_for_page(user=request.user, idea_id=idea_id))
        changed = support.withdraw_support(user=request.user, idea_id=idea_id)
        return self._answer(request, idea_id, changed=changed, supported=False)
