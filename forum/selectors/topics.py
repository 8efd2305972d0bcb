"""Reads for a topic page: the topic as a reader may open it, its posts (whole, or the light
rows of a page whose content is cached), a post's versions and the members a mention may name."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.db.models import F, QuerySet

from community.fragments import member_state
from community.selectors import known_role_group, role_group_of
from forum import rules
from forum.models import (
    POSTS_PER_PAGE,
    Post,
    PostRevision,
    Topic,
)


def topic_for_reader(*, user, topic_id: int, with_author: bool = True) -> Topic | None:
    """The topic if ``user`` may open it, with its category, its author (unless the caller
    shows none: the topic page names each post's author from its own rows), whether the
    reader watches it and how far they have read. The accepted answer and the product it
    asks about are loaded when a page shows them (``accepted_answer``; ``topic.product``):
    joined here, they doubled the columns Django compiled for every topic page, most of
    which have neither."""
    found = list(
        Topic.objects.visible_to(user)
        .filter(pk=topic_id)
        .select_related("category", *(["author"] if with_author else []))
        .with_watching(user)
        .with_read_state(user)[:1]
    )
    return found[0] if found else None


def accepted_answer(topic: Topic) -> Post | None:
    """The topic's accepted answer with its author, as the first page quotes it under the
    question (one query; none when the topic has no accepted answer)."""
    if topic.accepted_answer_id is None:
        return None
    return Post.objects.select_related("author").filter(pk=topic.accepted_answer_id).first()


def topic_page_posts(*, user, topic: Topic, page: int, post_ids: list[int] | None = None) -> list[Post]:
    """The posts on ``page`` of ``topic`` that ``user`` may see (of them, ``post_ids`` only
    when given), each with author, role labels, the quoted post, whether the reader liked it
    and which actions they may take. Pages are fixed ranges of post numbers (see
    ``forum.models.page_of``): one query."""
    posts = _page_range(Post.objects.visible_to(user), topic=topic, page=page)
    if post_ids is not None:
        posts = posts.filter(pk__in=post_ids)
    posts = list(
        _with_author_roles(_with_quote_state(posts))
        .select_related("author", "reply_to__author")
        .with_liked(user)
        .order_by("post_number")[:POSTS_PER_PAGE]
    )
    _give_author_roles(posts)
    decorate_posts(user=user, topic=topic, posts=posts)
    return posts


def topic_page_rows(*, user, topic: Topic, page: int) -> list[Post]:
    """The posts on ``page`` of ``topic`` that ``user`` may see, with only what decides how
    each shows (number, author, edits, hidden or deleted, the quoted post's state: see
    ``forum.fragments``) and this reader's actions (liked, likes, may edit, accept): the light
    query of a topic page whose posts' content is cached. One query."""
    rows = list(
        _with_quote_state(_page_range(Post.objects.visible_to(user), topic=topic, page=page))
        .only(*ROW_FIELDS)
        .with_liked(user)
        .order_by("post_number")[:POSTS_PER_PAGE]
    )
    _decorate_actions(user=user, topic=topic, posts=rows)
    return rows


# What a row of the light query loads (``topic_page_rows``).
ROW_FIELDS = ("id", "topic_id", "post_number", "author_id", "reply_to_id", "edit_count", "like_count",
              "is_hidden", "deleted_at", "deleted_by_id")


def _page_range(posts: QuerySet[Post], *, topic: Topic, page: int) -> QuerySet[Post]:
    """The posts numbered on ``page``. Callers also cut the ordered rows at a page's length:
    the planner cannot tell that a range of post numbers within one topic is small (it
    estimates ~1,000 rows for the first page of a 1,000-post topic and joins the authors by
    scanning every member, ~9 ms); the LIMIT tells it, and the joins become index lookups."""
    first = (page - 1) * POSTS_PER_PAGE + 1
    return posts.filter(topic=topic, post_number__gte=first, post_number__lt=first + POSTS_PER_PAGE)


def _with_quote_state(posts: QuerySet[Post]) -> QuerySet[Post]:
    """The quoted post's topic, hidden and deleted state and edits (a left join), and how its
    author and the post's are named (``community.fragments.member_state``)."""
    return posts.annotate(quoted_topic_id=F("reply_to__topic_id"), quoted_hidden=F("reply_to__is_hidden"),
                          quoted_deleted_at=F("reply_to__deleted_at"),
                          quoted_edit_count=F("reply_to__edit_count"),
                          **member_state("author", "by"), **member_state("reply_to__author", "quoted_by"))


def _with_author_roles(posts: QuerySet[Post]) -> QuerySet[Post]:
    """The role groups of each post's author and of the quoted post's author, in the posts'
    own query (a prefetch was one more query and a manager per author)."""
    return posts.annotate(author_role_group=role_group_of("author_id"),
                          quoted_author_role_group=role_group_of("reply_to__author_id"))


def _give_author_roles(posts: list[Post]) -> None:
    for post in posts:
        known_role_group(post.author, post.author_role_group)
        if post.reply_to is not None:
            known_role_group(post.reply_to.author, post.quoted_author_role_group)


def decorate_posts(*, user, topic: Topic, posts: list[Post]) -> None:
    """Attach what the templates need to decide which actions to show (no queries)."""
    _decorate_actions(user=user, topic=topic, posts=posts)
    for post in posts:
        quoted = post.reply_to
        if quoted is not None and quoted.topic_id == topic.pk:
            quoted.topic = topic  # already loaded: the rule reads it without a query
        post.quote_visible = bool(
            quoted and quoted.topic_id == topic.pk and not quoted.is_deleted
            and rules.can_see_post(user, quoted)
        )


def _decorate_actions(*, user, topic: Topic, posts: list[Post]) -> None:
    may_accept = rules.can_accept(user, topic)
    for post in posts:
        post.topic = topic
        post.can_edit = rules.can_edit(user, post)
        post.can_like = rules.can_like(user, post)
        post.can_accept = may_accept and post.post_number > 1 and not post.is_deleted and not post.is_hidden
        post.is_answer = topic.accepted_answer_id == post.pk


def post_for_reader(*, user, post_id: int) -> Post | None:
    """One post ``user`` may see (for deep links and live fragments), decorated like the
    posts of a page."""
    post = (
        _with_author_roles(Post.objects.visible_to(user).filter(pk=post_id))
        .select_related("author", "reply_to__author", "topic__category", "topic__accepted_answer")
        .with_liked(user)
        .first()
    )
    if post is None:  # visible_to covers the post's topic too
        return None
    _give_author_roles([post])
    decorate_posts(user=user, topic=post.topic, posts=[post])
    return post


@dataclass
class PostVersion:
    number: int
    body: str
    author: object
    written_at: object
    diff: list[tuple[str, str]]  # (" ", "+" or "-", line) against the previous version
    is_current: bool


def post_versions(*, post: Post) -> list[PostVersion]:
    """Every text ``post`` has had, oldest first, each with who wrote it, when, and a line
    diff against the version before: one query."""
    revisions = list(PostRevision.objects.filter(post=post).select_related("editor").order_by("number"))
    texts = [r.body for r in revisions] + [post.body]
    writers = [post.author] + [r.editor for r in revisions]
    times = [post.created_at] + [r.replaced_at for r in revisions]
    versions = []
    for index, text in enumerate(texts):
        diff = []
        if index:
            for line in difflib.ndiff(texts[index - 1].splitlines(), text.splitlines()):
                if line[:1] in {" ", "+", "-"}:
                    diff.append((line[:1], line[2:]))
        versions.append(PostVersion(number=index + 1, body=text, author=writers[index],
                                    written_at=times[index], diff=diff,
                                    is_current=index == len(texts) - 1))
    return versions


def mention_candidates(*, prefix: str, limit: int = 8):
    from community.models import User

    prefix = prefix.strip().lstrip("@")
    if len(prefix) < 1:
        return []
    members = (User.objects.filter(is_active=True, username__istartswith=prefix)
               .order_by("username").only("username", "display_name", "profile_hidden_at")[:limit])
    # ``name`` is the public one: a display name moderators hid is not offered.
    return [{"username": member.username,
             "display_name": member.name if member.name != member.username else ""}
            for member in members]
