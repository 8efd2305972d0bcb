"""The forum: categories (edited by staff in Wagtail), topics, posts, likes, edit history,
watches and per-member read positions.

Counters on Category, Topic and Post are denormalised for the list pages. They are moved
only by forum.services with F() expressions under a lock on the topic row, and rebuilt from
source rows by ``forum.services.recompute_forum_counters`` (run by ``recompute_counts``).
"""

from __future__ import annotations

import functools
import html
from urllib.parse import quote

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import get_script_prefix, reverse
from django.utils.html import strip_tags
from django.utils.text import slugify
from wagtail.admin.panels import FieldPanel
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from forum import visibility

POSTS_PER_PAGE = 20
TOPICS_PER_PAGE = 25
TITLE_MIN_LENGTH = 8
TITLE_MAX_LENGTH = 150
BODY_MAX_LENGTH = 20_000


class CategoryQuerySet(models.QuerySet):
    def open_to(self, user) -> CategoryQuerySet:
        """Categories ``user`` may enter (``forum.visibility.category_open_q``)."""
        return self.filter(visibility.category_open_q(user))


class Category(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(max_length=300, blank=True)
    sort_order = models.PositiveIntegerField(default=0, db_index=True)
    is_restricted = models.BooleanField(
        "Only staff start topics",
        default=False,
        help_text="Members can still reply; only community managers and brand staff start "
        "topics here (for example Announcements).",
    )
    members_group = models.ForeignKey(
        "auth.Group", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="Members only: group",
        help_text="Blank: everyone can read it. A group: only its members (for example those "
        "who redeemed an early-access reward that opens the group), community managers, brand "
        "staff and staff see this category and its topics; to anyone else it does not exist.",
    )
    # Denormalised for the category list; see the module docstring.
    topic_count = models.PositiveIntegerField(default=0, editable=False)
    post_count = models.PositiveIntegerField(default=0, editable=False)

    objects = CategoryQuerySet.as_manager()

    sort_order_field = "sort_order"
    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description"),
              FieldPanel("is_restricted"), FieldPanel("members_group")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forum:category", kwargs={"slug": self.slug})


class TopicQuerySet(SearchableQuerySetMixin, models.QuerySet):
    def visible_to(self, user) -> TopicQuerySet:
        """Topics ``user`` may open (``forum.visibility.topic_visible_to``)."""
        return self.filter(visibility.topic_visible_to(user))

    def readable(self) -> TopicQuerySet:
        """Topics anyone may read (``forum.visibility.topic_readable``)."""
        return self.filter(visibility.topic_readable())

    def readable_by(self, user) -> TopicQuerySet:
        """Live topics (neither hidden nor deleted, for anyone) in categories open to
        ``user``: search results."""
        return self.filter(visibility.topic_live() & visibility.category_open_q(user, "category__"))

    def with_read_state(self, user) -> TopicQuerySet:
        """Annotate ``last_read`` (the last post number ``user`` has seen, or None)."""
        if user is None or not user.is_authenticated:
            return self.annotate(last_read=models.Value(None, output_field=models.IntegerField()))
        return self.annotate(
            last_read=models.Subquery(
                TopicReadState.objects.filter(user=user, topic=OuterRef("pk")).values(
                    "last_read_post_number"
                )[:1]
            )
        )

    def with_watching(self, user) -> TopicQuerySet:
        if user is None or not user.is_authenticated:
            return self.annotate(is_watched=models.Value(False))
        return self.annotate(
            is_watched=Exists(
                TopicSubscription.objects.filter(user=user, topic=OuterRef("pk"), is_watching=True)
            )
        )


# What ``reverse`` leaves unquoted in a path argument (django.urls.resolvers).
_PATH_SAFE = "!$&'()*+,;=/~:@"
_TOPIC_ID, _TOPIC_SLUG = 987654321, "topic-slug-placeholder"


@functools.lru_cache(maxsize=8)
def _topic_route(script_prefix: str) -> tuple[str, str, str]:
    """The topic URL around its id and slug, for ``script_prefix`` (reverse reads it)."""
    url = reverse("forum:topic", kwargs={"topic_id": _TOPIC_ID, "slug": _TOPIC_SLUG})
    before, rest = url.split(str(_TOPIC_ID))
    middle, after = rest.split(_TOPIC_SLUG)
    return before, middle, after


class Topic(index.Indexed, models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="topics")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="topics")
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    slug = models.SlugField(max_length=80, allow_unicode=False)
    created_at = models.DateTimeField(db_index=True)
    is_pinned = models.BooleanField(default=False)
    is_locked = models.BooleanField(default=False)
    # Mirrors the opening post: hiding or deleting it hides or deletes the topic.
    is_hidden = models.BooleanField(default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    accepted_answer = models.ForeignKey(
        "Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Denormalised (see module docstring). last_post_number is the highest post number ever
    # given out in this topic, so new numbers never repeat even after deletions.
    last_post_number = models.PositiveIntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0)
    like_count = models.PositiveIntegerField(default=0)
    last_post_at = models.DateTimeField(db_index=True)
    last_post_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A question about a product: listed on the product's page, and owners of the product
    # are asked to help (outreach's "Can you help?" home section).
    product = models.ForeignKey(
        "community.ProductPage", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="forum_topics",
    )

    objects = TopicQuerySet.as_manager()

    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.FilterField("category_id"),
        index.FilterField("is_hidden"),
        index.FilterField("deleted_at"),
    ]

    class Meta:
        indexes = [
            models.Index(fields=["category", "-is_pinned", "-last_post_at"], name="topic_latest"),
            models.Index(fields=["category", "-created_at"], name="topic_newest"),
            models.Index(fields=["product", "-last_post_at"], name="topic_product_latest",
                         condition=models.Q(product__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = (slugify(self.title) or "topic")[:80]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        # Listed 25 to a page, each with links: the route is reversed once per process and
        # script prefix, then the id and the (URL-quoted) slug are put in its place.
        before, middle, after = _topic_route(get_script_prefix())
        return f"{before}{int(self.pk)}{middle}{quote(self.slug, safe=_PATH_SAFE)}{after}"

    @property
    def is_solved(self) -> bool:
        return self.accepted_answer_id is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def page_count(self) -> int:
        return max(1, -(-self.last_post_number // POSTS_PER_PAGE))

    @property
    def unread_count(self) -> int | None:
        """New posts since the reader's last visit; None when they never opened it (or are
        anonymous). Needs ``with_read_state``."""
        last_read = getattr(self, "last_read", None)
        if last_read is None:
            return None
        return max(0, self.last_post_number - last_read)


def page_of(post_number: int) -> int:
    """The page of a topic a post number is on: pages are fixed ranges of post numbers, so
    a deep link never needs to count rows."""
    return (post_number - 1) // POSTS_PER_PAGE + 1


class PostQuerySet(SearchableQuerySetMixin, models.QuerySet):
    def visible_to(self, user) -> PostQuerySet:
        """Posts ``user`` may see, their topic included (``forum.visibility.post_visible_to``)."""
        return self.filter(visibility.post_visible_to(user))

    def readable(self) -> PostQuerySet:
        """Posts whose text anyone may read (``forum.visibility.post_readable``)."""
        return self.filter(visibility.post_readable())

    def live(self) -> PostQuerySet:
        """Posts neither hidden nor deleted in live topics of any category
        (``forum.visibility.post_live``): show them only to readers the category is open to."""
        return self.filter(visibility.post_live())

    def readable_by(self, user) -> PostQuerySet:
        """Live posts in categories open to ``user``: search results."""
        return self.live().filter(visibility.category_open_q(user, "topic__category__"))

    def with_liked(self, user) -> PostQuerySet:
        if user is None or not user.is_authenticated:
            return self.annotate(liked=models.Value(False))
        return self.annotate(liked=Exists(Like.objects.filter(user=user, post=OuterRef("pk"))))


class Post(index.Indexed, models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="forum_posts")
    post_number = models.PositiveIntegerField()
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(max_length=BODY_MAX_LENGTH)
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    edit_count = models.PositiveIntegerField(default=0)
    like_count = models.PositiveIntegerField(default=0)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=200, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Sent by the reply form (a fresh uuid per form): a second submit of the same form
    # (double-click, resend after a timeout) finds the first post instead of adding one.
    client_token = models.UUIDField(null=True, blank=True, editable=False)

    objects = PostQuerySet.as_manager()

    search_fields = [
        index.SearchField("body"),
        index.FilterField("topic_id"),
        index.FilterField("is_hidden"),
        index.FilterField("deleted_at"),
    ]

    class Meta:
        ordering = ["topic", "post_number"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "post_number"], name="post_number_unique_in_topic"),
            models.UniqueConstraint(
                fields=["author", "client_token"], name="post_client_token_once_per_author"
            ),
            models.CheckConstraint(condition=Q(post_number__gte=1), name="post_number_positive"),
        ]

    def __str__(self) -> str:
        return f"#{self.post_number} in {self.topic_id}"

    def get_absolute_url(self) -> str:
        return reverse("forum:post", kwargs={"post_id": self.pk})

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_first(self) -> bool:
        return self.post_number == 1

    @property
    def anchor(self) -> str:
        return f"post-{self.post_number}"

    @property
    def plain_text(self) -> str:
        """The rendered text without markup, entities decoded: for excerpts, which the
        templates escape again when they show them."""
        return " ".join(html.unescape(strip_tags(self.body_html)).split())


class PostRevision(models.Model):
    """The text of a post before an edit: the edit history readers can open."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # When the text below was replaced.
    replaced_at = models.DateTimeField()

    class Meta:
        ordering = ["post", "number"]
        constraints = [
            models.UniqueConstraint(fields=["post", "number"], name="post_revision_number_unique"),
        ]

    def __str__(self) -> str:
        return f"revision {self.number} of post {self.post_id}"


class Like(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="one_like_per_member_per_post"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} likes {self.post_id}"


class TopicSubscription(models.Model):
    """A member's choice to watch a topic. A row with ``is_watching=False`` records that they
    stopped watching, so replying again does not silently re-subscribe them."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="subscriptions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_subscriptions"
    )
    is_watching = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "user"], name="one_subscription_per_member_per_topic"),
        ]
        indexes = [models.Index(fields=["topic", "is_watching"], name="topic_watchers")]

    def __str__(self) -> str:
        return f"{self.user_id} {'watches' if self.is_watching else 'muted'} {self.topic_id}"


class TopicReadState(models.Model):
    """How far a member has read a topic: the highest post number on a page they viewed."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="read_states")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_read_states"
    )
    last_read_post_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="one_read_state_per_member_per_topic"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.topic_id} to #{self.last_read_post_number}"
