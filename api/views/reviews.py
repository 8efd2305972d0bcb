"""Reviews (read, write your own), brand replies and follow-ups (brand staff), through
reviews' selectors and services."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from api import serializers as s
from api.problems import CONTENT_TYPE, problem
from api.views.base import PublicListView, PublicReadView, StaffView, cursor_for, found
from community.models import ProductPage
from community.refusals import NotPermitted
from reviews import selectors
from reviews.models import FollowUp, Review
from reviews.services import follow_ups, writing


def _public_products():
    return ProductPage.objects.live().public().values("pk")


class ReviewFilter(django_filters.FilterSet):
    product = django_filters.NumberFilter(field_name="product_id")
    rating = django_filters.NumberFilter(field_name="rating")
    author = django_filters.CharFilter(field_name="author__username", lookup_expr="iexact")

    class Meta:
        model = Review
        fields = ("product", "rating", "author")


class ReviewList(PublicListView):
    """Visible reviews of live products, newest first."""

    serializer_class = s.ReviewOut
    filterset_class = ReviewFilter
    pagination_class = cursor_for("-created_at", "-pk")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return Review.objects.none()
        return selectors.product_reviews_queryset(viewer=self.request.user).filter(
            product_id__in=_public_products()
        )

    @extend_schema(request=s.ReviewIn, responses={
        201: s.ReviewOut, 200: s.ReviewOut,
        202: inline_serializer("ReviewHeld", {"id": serializers.IntegerField(),
                                              "detail": serializers.CharField()}),
    })
    def post(self, request):
        """Review a product as yourself (or edit your review of it: one per product)."""
        data = s.ReviewIn(data=request.data)
        data.is_valid(raise_exception=True)
        product = found(ProductPage.objects.live().public().filter(pk=data.validated_data["product"]).first())
        existed = selectors.own_review(product=product, author=request.user, with_revisions=False) is not None
        review = writing.save_review(
            author=request.user,
            product=product,
            rating=data.validated_data["rating"],
            title=data.validated_data["title"],
            body=data.validated_data["body"],
        )
        shown = selectors.product_reviews_queryset(viewer=request.user).filter(pk=review.pk).first()
        if shown is None:  # held or hidden: it is the author's own, so say what it is
            return Response(
                {"id": review.pk, "detail": "Saved; it is not shown publicly for now."},
                status=status.HTTP_202_ACCEPTED,
            )
        return Response(
            s.ReviewOut(shown).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )


class ReviewDetail(PublicReadView):
    @extend_schema(responses=s.ReviewOut)
    def get(self, request, review_id: int):
        return Response(
            s.ReviewOut(found(selectors.visible_review(review_id=review_id, viewer=request.user))).data
        )


class BrandReplyView(StaffView):
    """The brand's one public reply to a review (brand staff; tokens need ``staff``)."""

    @extend_schema(request=s.BrandReplyIn, responses=s.ReviewOut)
    def post(self, request, review_id: int):
        found(selectors.visible_review(review_id=review_id, viewer=request.user))
        data = s.BrandReplyIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            writing.reply_as_brand(
                staff=request.user,
                review_id=review_id,
                body=data.validated_data["body"],
                confirmed=data.validated_data["confirmed"],
            )
        except writing.ReplyNeedsConfirmation as needs:
            body = problem(
                "needs-confirmation",
                status=409,
                request=request,
                p_negative=round(needs.p_negative, 3),
                detail="This reply reads as negative. Send it again with confirmed=true to publish it.",
            )
            return Response(body, status=409, content_type=CONTENT_TYPE)
        return Response(s.ReviewOut(selectors.visible_review(review_id=review_id, viewer=request.user)).data)


class FollowUpList(StaffView, PublicListView):
    """Follow-ups of negative reviews: ``status`` is active (default), overdue, all, or one state."""

    permission_classes = StaffView.permission_classes
    serializer_class = s.FollowUpOut
    pagination_class = cursor_for("-opened_at", "-pk")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FollowUp.objects.none()
        if not follow_ups.can_work_follow_ups(self.request.user):
            raise NotPermitted("Follow-ups are for brand staff and community managers.")
        # The queue's filter; the cursor sets the order.
        return selectors.follow_up_queue(status=self.request.query_params.get("status", "active")).order_by()


class FollowUpDetail(StaffView):
    def _load(self, request, follow_up_id: int) -> FollowUp:
        if not follow_ups.can_work_follow_ups(request.user):
            raise NotPermitted("Follow-ups are for brand staff and community managers.")
        return found(selectors.follow_up_queue(status="all").filter(pk=follow_up_id).first())

    @extend_schema(responses=s.FollowUpOut)
    def get(self, request, follow_up_id: int):
        return Response(s.FollowUpOut(self._load(request, follow_up_id)).data)

    @extend_schema(request=s.FollowUpIn, responses=s.FollowUpOut)
    def patch(self, request, follow_up_id: int):
        """Move it to another state and/or add an internal note."""
        self._load(request, follow_up_id)
        data = s.FollowUpIn(data=request.data)
        data.is_valid(raise_exception=True)
        follow_ups.update_follow_up(
            actor=request.user,
            follow_up_id=follow_up_id,
            status=data.validated_data.get("status") or None,
            note=data.validated_data.get("note", ""),
        )
        return Response(s.FollowUpOut(self._load(request, follow_up_id)).data)
