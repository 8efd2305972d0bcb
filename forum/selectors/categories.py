"""Reads for the forum's listings: categories, a category's topics, and the questions asked
about a product."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from forum import rules
from forum.models import (
    Category,
    Topic,
)

SORTS = {
    "latest": ("Latest", ["-is_pinned", "-last_post_at", "-pk"]),
    "newest": ("Newest", ["-created_at", "-pk"]),
    "top": ("Top", ["-like_count", "-last_post_at", "-pk"]),
    "unanswered": ("Unanswered", ["-created_at", "-pk"]),
    "solved": ("Solved", ["-last_post_at", "-pk"]),
}


def category_for_reader(*, user, slug: str) -> Category | None:
    """The category if ``user`` may enter it (a members-only one only for its group and
    staff: ``forum.visibility.category_open_q``), else None, as for a slug that does not exist."""
    return Category.objects.open_to(user).filter(slug=slug).select_related("members_group").first()


def members_only_categories(group_ids: list[int]) -> dict[int, list]:
    """What each group opens in the forum: its members-only categories, as links for the
    ``community.group_access`` registry (one query)."""
    from community.group_access import Link

    opened: dict[int, list] = {}
    for category in Category.objects.filter(members_group_id__in=group_ids).order_by("sort_order", "name"):
        opened.setdefault(category.members_group_id, []).append(
            Link(label=f"the members-only forum category “{category.name}”",
                 url=category.get_absolute_url()))
    return opened


def members_only_note(category: Category) -> str:
    """For a members-only category's insiders: what opens it, in words (the rewards that put
    members into its group, else the group's name). One query; none for an open category."""
    from community.group_access import keys_of

    if not category.members_group_id:
        return ""
    keys = keys_of([category.members_group_id]).get(category.members_group_id) or []
    if keys:
        return ", ".join(key.label for key in keys)
    return category.members_group.name


def category_list(*, user) -> list[Category]:
    """Every category ``user`` may enter with its latest visible topic (``latest_topic``, or None) attached:
    two queries."""
    latest = Topic.objects.visible_to(user).filter(category=OuterRef("pk")).order_by("-last_post_at", "-pk")
    categories = list(Category.objects.open_to(user)
                      .annotate(latest_topic_id=Subquery(latest.values("pk")[:1])))
    ids = [c.latest_topic_id for c in categories if c.latest_topic_id]
    topics = {t.pk: t for t in Topic.objects.filter(pk__in=ids).select_related("last_post_author")}
    for category in categories:
        category.latest_topic = topics.get(category.latest_topic_id)
    return categories


def topic_list(*, user, category: Category, sort: str = "latest") -> QuerySet[Topic]:
    """Topics of ``category`` that ``user`` may see, in the order ``sort`` names, with authors
    and the reader's read position."""
    topics = Topic.objects.visible_to(user).filter(category=category)
    if sort == "unanswered":
        topics = topics.filter(reply_count=0)
    elif sort == "solved":
        topics = topics.filter(accepted_answer__isnull=False)
    return (
        topics.select_related("author", "last_post_author")
        .with_read_state(user)
        .order_by(*SORTS.get(sort, SORTS["latest"])[1])
    )


def first_category_to_start_in() -> Category | None:
    """Where a member's question about a product goes: the first category everyone may read
    and any member may start topics in (so the product's page can list the question to all)."""
    return (Category.objects.filter(is_restricted=False, members_group__isnull=True)
            .order_by("sort_order", "name").first())


def askable_product(*, product_id: int):
    """The live, public product a topic may be about, or None."""
    return rules.askable_products().filter(pk=product_id).first()


@dataclass(frozen=True)
class ProductQuestion:
    title: str
    url: str
    reply_count: int
    solved: bool
    last_post_at: object


QUESTIONS_SHOWN = 5


def questions_about(*, user, product_id: int, limit: int = QUESTIONS_SHOWN) -> list[ProductQuestion]:
    """The latest topics about a product that ``user`` may read (live: neither hidden nor
    deleted, in a category open to them), newest activity first. One query."""
    rows = (Topic.objects.readable_by(user).filter(product_id=product_id)
            .order_by("-last_post_at", "-pk")
            .values_list("pk", "slug", "title", "reply_count", "accepted_answer_id", "last_post_at")[:limit])
    questions = []
    for pk, slug, title, reply_count, accepted_answer_id, last_post_at in rows:
        url = Topic(pk=pk, slug=slug).get_absolute_url()
        questions.append(ProductQuestion(title=title, url=url, reply_count=reply_count,
                                         solved=accepted_answer_id is not None,
                                         last_post_at=last_post_at))
    return questions


def unanswered_topics_about(*, product_ids, since, exclude_author_id: int | None,
                            limit: int) -> list[Topic]:
    """Topics about any of ``product_ids`` started after ``since`` that nobody has answered
    yet: no replies, not solved, neither hidden nor deleted, in a category everyone may read;
    not started by ``exclude_author_id``. Newest first, with ``product`` loaded. One query."""
    product_ids = list(product_ids)
    if not product_ids:
        return []
    topics = (Topic.objects.readable_by(None)
              .filter(product_id__in=product_ids, product__live=True, created_at__gt=since,
                      reply_count=0, accepted_answer__isnull=True))
    if exclude_author_id is not None:
        topics = topics.exclude(author_id=exclude_author_id)
    return list(topics.select_related("product").order_by("-created_at", "-pk")[:limit])
