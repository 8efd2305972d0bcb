"""What the API shows of each resource, and what it accepts. Output serializers read the
objects the apps' selectors loaded (nothing here runs a query of its own); input serializers
only check shapes: the services decide everything else."""

from __future__ import annotations

from rest_framework import serializers


class MemberRef(serializers.Serializer):
    """A member as others see them (the name a hidden profile shows is its username)."""

    username = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField(source="get_absolute_url")


class BadgeOut(serializers.Serializer):
    slug = serializers.CharField(source="badge.slug")
    name = serializers.CharField(source="badge.name")
    tier = serializers.CharField(source="badge.tier")
    granted_at = serializers.DateTimeField()


class LevelOut(serializers.Serializer):
    name = serializers.CharField()


class PointsOut(serializers.Serializer):
    lifetime = serializers.IntegerField()
    spendable = serializers.IntegerField()


class MemberOut(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
    bio = serializers.SerializerMethodField()
    role = serializers.CharField(source="role_label", allow_blank=True)
    joined_at = serializers.DateTimeField(source="date_joined")
    url = serializers.CharField(source="get_absolute_url")
    level = LevelOut(allow_null=True, source="api_level")
    badges = BadgeOut(many=True, source="api_badges")
    points = PointsOut(
        allow_null=True,
        source="api_points",
        help_text="Only on your own profile (/api/v1/me/); null for anyone else's.",
    )

    def get_bio(self, member) -> str:
        return "" if member.profile_hidden_at is not None else member.bio


class CategoryRef(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class TopicOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    category = CategoryRef()
    author = MemberRef()
    created_at = serializers.DateTimeField()
    last_post_at = serializers.DateTimeField()
    reply_count = serializers.IntegerField()
    is_pinned = serializers.BooleanField()
    is_locked = serializers.BooleanField()
    is_hidden = serializers.BooleanField(help_text="Only ever true for its author and community managers.")
    is_deleted = serializers.SerializerMethodField(help_text="Only ever true for community managers.")
    solved = serializers.SerializerMethodField()
    product = serializers.IntegerField(
        source="product_id", allow_null=True,
        help_text="The id of the product page the topic asks about, or null.")
    url = serializers.CharField(source="get_absolute_url")

    def get_is_deleted(self, topic) -> bool:
        return topic.deleted_at is not None

    def get_solved(self, topic) -> bool:
        return topic.accepted_answer_id is not None


class PostOut(serializers.Serializer):
    id = serializers.IntegerField()
    topic_id = serializers.IntegerField()
    post_number = serializers.IntegerField()
    author = MemberRef()
    body = serializers.SerializerMethodField(help_text="Markdown; null for a deleted post.")
    body_html = serializers.SerializerMethodField(
        help_text="Rendered and sanitised; null for a deleted post."
    )
    reply_to_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    like_count = serializers.IntegerField()
    is_hidden = serializers.BooleanField(help_text="Held or hidden: only its author and managers see it.")
    is_deleted = serializers.SerializerMethodField()

    def get_body(self, post) -> str | None:
        return None if post.deleted_at else post.body

    def get_body_html(self, post) -> str | None:
        return None if post.deleted_at else post.body_html

    def get_is_deleted(self, post) -> bool:
        return post.deleted_at is not None


class TopicIn(serializers.Serializer):
    category = serializers.SlugField(help_text="The category's slug.")
    title = serializers.CharField(max_length=1000, trim_whitespace=False)
    body = serializers.CharField(max_length=100_000, trim_whitespace=False)
    product = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1,
        help_text="The id of a product page the topic asks about (a live, public product).")


class PostIn(serializers.Serializer):
    body = serializers.CharField(max_length=100_000, trim_whitespace=False)
    reply_to = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="The id of a post of this topic to quote."
    )


class IdeaOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    status = serializers.CharField(source="effective_status")
    creator = MemberRef()
    category = CategoryRef(allow_null=True)
    support_count = serializers.IntegerField()
    comment_count = serializers.IntegerField()
    published_at = serializers.DateTimeField(allow_null=True)
    deadline = serializers.DateTimeField(allow_null=True)
    supported = serializers.BooleanField(help_text="Whether you support it (false for visitors).")
    url = serializers.CharField(source="get_absolute_url")


class SupportOut(serializers.Serializer):
    idea_id = serializers.IntegerField()
    supported = serializers.BooleanField()
    changed = serializers.BooleanField(help_text="False when the request changed nothing (already so).")
    support_count = serializers.IntegerField()


class ProductRef(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class BrandReplyOut(serializers.Serializer):
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)


class ReviewOut(serializers.Serializer):
    id = serializers.IntegerField()
    product_id = serializers.IntegerField()
    author = MemberRef()
    rating = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    verified_owner = serializers.BooleanField()
    helpful_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    brand_reply = serializers.SerializerMethodField()

    def get_brand_reply(self, review) -> BrandReplyOut(allow_null=True):
        # Only a visible reply is shown (the annotations of reviews.selectors).
        if review.reply_id is None or review.reply_hidden_at or review.reply_deleted_at:
            return None
        return BrandReplyOut(review.brand_reply).data


class ReviewIn(serializers.Serializer):
    product = serializers.IntegerField(min_value=1, help_text="The product page's id.")
    rating = serializers.IntegerField()
    title = serializers.CharField(max_length=120, allow_blank=True)
    body = serializers.CharField(max_length=5000, allow_blank=True)


class BrandReplyIn(serializers.Serializer):
    # Not required here: the service says who may reply before it says what a reply needs.
    body = serializers.CharField(max_length=3000, allow_blank=True, required=False, default="")
    confirmed = serializers.BooleanField(
        default=False,
        help_text=("Publish even though the reply reads as negative (after a needs-confirmation problem)."),
    )


class FollowUpOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    review_id = serializers.IntegerField()
    product = ProductRef(source="review.product")
    review_rating = serializers.IntegerField(source="review.rating")
    review_title = serializers.CharField(source="review.title")
    assignee = MemberRef(allow_null=True)
    opened_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    first_reply_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)


class FollowUpIn(serializers.Serializer):
    status = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=3000)


class BoardRowOut(serializers.Serializer):
    rank = serializers.IntegerField()
    member = MemberRef(source="user")
    points = serializers.IntegerField()


class BoardOut(serializers.Serializer):
    board = serializers.CharField(source="key")
    page = serializers.IntegerField()
    next_page = serializers.SerializerMethodField()
    rows = BoardRowOut(many=True)
    own = BoardRowOut(allow_null=True, help_text="Your own row, wherever it is (null for visitors).")

    def get_next_page(self, board) -> int | None:
        return board.page + 1 if board.has_next else None


class RewardOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    kind = serializers.CharField()
    cost = serializers.IntegerField()
    min_level = LevelOut(allow_null=True)
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField(source="get_absolute_url")


class RedemptionOut(serializers.Serializer):
    id = serializers.IntegerField()
    reward = serializers.CharField(source="reward.title")
    reward_id = serializers.IntegerField()
    state = serializers.CharField()
    points = serializers.IntegerField()
    code = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class OrderOut(serializers.Serializer):
    external_id = serializers.CharField()
    currency = serializers.CharField()
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    refunded = serializers.DecimalField(max_digits=12, decimal_places=2)
    status = serializers.CharField()
    points = serializers.IntegerField()
    paid_at = serializers.DateTimeField()
