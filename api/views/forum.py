"""Topics and posts: reads through forum's selectors (the one visibility rule: hidden, held
and deleted content and members-only categories stay as closed as on the site), writes
through forum's services as the token's member."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from api import serializers as s
from api.views.base import PublicListView, PublicReadView, cursor_for, found
from forum import rules, selectors, services
from forum.models import Post, Topic


class TopicFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(field_name="category__slug", help_text="A category's slug.")
    author = django_filters.CharFilter(field_name="author__username", lookup_expr="iexact")
    solved = django_filters.BooleanFilter(field_name="accepted_answer", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Topic
        fields = ("category", "author", "solved")


class TopicList(PublicListView):
    """Topics you may open, most recently active first."""

    serializer_class = s.TopicOut
    filterset_class = TopicFilter
    pagination_class = cursor_for("-last_post_at", "-pk")

    def get_queryset(self):
        return Topic.objects.visible_to(self.request.user).select_related("category", "author")

    @extend_schema(request=s.TopicIn, responses={201: s.TopicOut})
    def post(self, request):
        """Start a topic as yourself (every forum rule and limit of the site applies)."""
        data = s.TopicIn(data=request.data)
        data.is_valid(raise_exception=True)
        category = found(
            selectors.category_for_reader(user=request.user, slug=data.validated_data["category"])
        )
        product_id = data.validated_data.get("product")
        product = selectors.askable_product(product_id=product_id) if product_id else None
        if product_id and product is None:
            raise ValidationError({"product": [rules.PRODUCT_UNAVAILABLE]}, code="product")
        topic = services.start_topic(
            author=request.user,
            category=category,
            title=data.validated_data["title"],
            body=data.validated_data["body"],
            product=product,
        )
        topic = found(selectors.topic_for_reader(user=request.user, topic_id=topic.pk))
        return Response(s.TopicOut(topic).data, status=status.HTTP_201_CREATED)


class TopicDetail(PublicReadView):
    @extend_schema(responses=s.TopicOut)
    def get(self, request, topic_id: int):
        return Response(
            s.TopicOut(found(selectors.topic_for_reader(user=request.user, topic_id=topic_id))).data
        )


class TopicPosts(PublicListView):
    """The posts of a topic you may see, in order (deleted ones as placeholders)."""

    serializer_class = s.PostOut
    pagination_class = cursor_for("post_number")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return Post.objects.none()
        topic = found(selectors.topic_for_reader(user=self.request.user, topic_id=self.kwargs["topic_id"]))
        return Post.objects.visible_to(self.request.user).filter(topic=topic).select_related("author")

    @extend_schema(request=s.PostIn, responses={201: s.PostOut})
    def post(self, request, topic_id: int):
        """Reply as yourself. A new member's reply may be held for approval: it is then
        ``is_hidden`` and only you (and the moderators) see it until approved."""
        topic = found(selectors.topic_for_reader(user=request.user, topic_id=topic_id))
        data = s.PostIn(data=request.data)
        data.is_valid(raise_exception=True)
        reply_to = None
        if data.validated_data.get("reply_to"):
            reply_to = found(
                selectors.post_for_reader(user=request.user, post_id=data.validated_data["reply_to"])
            )
        post = services.post_reply(
            author=request.user, topic=topic, body=data.validated_data["body"], reply_to=reply_to
        )
        post = found(selectors.post_for_reader(user=request.user, post_id=post.pk))
        return Response(s.PostOut(post).data, status=status.HTTP_201_CREATED)


class PostDetail(PublicReadView):
    @extend_schema(responses=s.PostOut)
    def get(self, request, post_id: int):
        return Response(s.PostOut(found(selectors.post_for_reader(user=request.user, post_id=post_id))).data)
