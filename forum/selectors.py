"""Reads for the forum pages. Each sets its own select_related/prefetch_related so that a
page costs the same number of queries however many rows it shows."""

from __future__ import annotations

import datetime
import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from community.fragments import member_state
from community.selectors import known_role_group, role_group_of
from forum import rules, visibility
from forum.models import (
    POSTS_PER_PAGE,
    Category,
    Post,
    PostRevision,
    Topic,
    page_of,
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


# --- Search --------------------------------------------------------------------------------

@dataclass
class SearchResults:
    query: str
    topics: list[Topic]
    posts: list[Post]


SEARCH_CANDIDATES = 200
SEARCH_SHOWN = 20


def search_forum(*, user, query: str) -> SearchResults:
    """Topics (by title) and posts (by text) matching ``query`` that ``user`` may read.

    The search backend ranks candidates; then the forum's one visibility rule keeps what
    ``user`` may read (``readable_by``: hidden and deleted posts and topics never appear, not
    even to their author or a community manager; members-only categories only to readers
    they are open to)."""
    query = " ".join(query.split())[:200]
    words = search_words(query)
    if not words:
        return SearchResults(query=query, topics=[], posts=[])
    # The backend filters on indexed fields only: it narrows the candidates, the rule decides.
    topic_ids = [t.pk for t in Topic.objects.filter(is_hidden=False).search(words)[:SEARCH_CANDIDATES]]
    post_ids = [p.pk for p in Post.objects.filter(is_hidden=False).search(words)[:SEARCH_CANDIDATES]]
    topics = {
        t.pk: t
        for t in Topic.objects.readable_by(user).filter(pk__in=topic_ids).select_related("category", "author")
    }
    posts = {
        p.pk: p
        for p in Post.objects.readable_by(user).filter(pk__in=post_ids)
        .select_related("topic__category", "author")
    }
    ranked_topics = [topics[pk] for pk in topic_ids if pk in topics][:SEARCH_SHOWN]
    ranked_posts = [posts[pk] for pk in post_ids if pk in posts][:SEARCH_SHOWN]
    terms = search_terms(query)
    for topic in ranked_topics:
        topic.highlighted_title = highlight(topic.title, terms)
    for post in ranked_posts:
        post.highlighted_excerpt = highlight(excerpt(post.plain_text, terms), terms)
        post.highlighted_title = highlight(post.topic.title, terms)
    return SearchResults(query=query, topics=ranked_topics, posts=ranked_posts)


def search_words(query: str) -> str:
    """The words of ``query`` and nothing else, as the text handed to the search backend.

    Quotes, brackets and operators never reach it: the backends build their own full-text
    syntax around each word (PostgreSQL quotes each lexeme of a tsquery; SQLite's FTS5
    wraps each in double quotes without escaping one inside), so a stray ``"`` or ``(`` typed
    in the box would otherwise be a syntax error, and on SQLite an OperationalError, which is
    how an outage looks. Words only: every query is valid and finds results or none."""
    return " ".join(re.findall(r"\w+", query))


def search_terms(query: str) -> list[str]:
    words = re.findall(r"\w+", query.lower())
    return sorted({w for w in words if len(w) >= 2}, key=len, reverse=True)


def excerpt(text: str, terms: list[str], width: int = 240) -> str:
    """About ``width`` characters of ``text`` around the first matched term."""
    text = " ".join(text.split())
    lowered = text.lower()
    positions = [lowered.find(term) for term in terms if lowered.find(term) >= 0]
    start = max(0, min(positions) - width // 3) if positions else 0
    snippet = text[start:start + width]
    return ("…" if start else "") + snippet + ("…" if start + width < len(text) else "")


def highlight(text: str, terms: list[str]) -> SafeString:
    """Escape ``text``, then wrap each match of ``terms`` (matched word starts, so "kettle"
    also marks "kettles") in <mark>. Escaping first means no member text is ever markup."""
    escaped = escape(text)
    if not terms:
        return mark_safe(escaped)  # noqa: S308 - escaped above
    pattern = re.compile(r"(?<![\w&#])(" + "|".join(re.escape(escape(t)) for t in terms) + r")",
                         re.IGNORECASE)
    return mark_safe(pattern.sub(r"<mark>\1</mark>", escaped))  # noqa: S308 - escaped above


# --- What members missed (the activity digest, outreach) -------------------------------------
# Each read is for a batch of members at once, a fixed number of queries however many.

@dataclass(frozen=True)
class TopicNews:
    topic_id: int
    title: str
    url: str
    posts: int  # new posts since the date asked about
    category: str = ""


def replies_to_topics_of(*, member_ids: Iterable[int], since: datetime.datetime,
                         limit: int = 5) -> dict[int, list[TopicNews]]:
    """For each member, the live topics they started that others replied to after ``since``,
    with how many replies (most first, at most ``limit``). One query."""
    rows = (Post.objects.filter(visibility.post_live(), topic__author_id__in=list(member_ids),
                                created_at__gt=since, post_number__gt=1)
            .exclude(author_id=F("topic__author_id"))
            .values("topic__author_id", "topic_id", "topic__title", "topic__slug")
            .annotate(posts=Count("id")).order_by("-posts", "topic_id"))
    found: dict[int, list[TopicNews]] = defaultdict(list)
    for row in rows:
        mine = found[row["topic__author_id"]]
        if len(mine) < limit:
            topic = Topic(pk=row["topic_id"], slug=row["topic__slug"])
            mine.append(TopicNews(topic_id=row["topic_id"], title=row["topic__title"],
                                  url=topic.get_absolute_url(), posts=row["posts"]))
    return dict(found)


def hot_topics_where_posted(*, member_ids: Iterable[int], since: datetime.datetime,
                            per_category: int = 3, categories: int = 2,
                            ) -> dict[int, list[tuple[str, list[TopicNews]]]]:
    """Hearth has no watched categories: for each member, the open categories (no members
    group) they posted in, most-posted first (at most ``categories``), each with its busiest
    live topics since ``since`` that the member did not start (at most ``per_category``, from
    the category's ``2 * per_category`` busiest). Two queries."""
    ids = list(member_ids)
    posted = (Post.objects.filter(visibility.post_live(), author_id__in=ids,
                                  topic__category__members_group__isnull=True)
              .values("author_id", "topic__category_id").annotate(posts=Count("id"))
              .order_by("author_id", "-posts", "topic__category_id"))
    wanted: dict[int, list[int]] = defaultdict(list)
    for row in posted:
        if len(wanted[row["author_id"]]) < categories:
            wanted[row["author_id"]].append(row["topic__category_id"])
    category_ids = {category_id for chosen in wanted.values() for category_id in chosen}
    if not category_ids:
        return {}
    topics = (Topic.objects.filter(visibility.topic_readable(), category_id__in=category_ids,
                                   last_post_at__gt=since)
              .annotate(new_posts=Count("posts", filter=Q(posts__created_at__gt=since,
                                                           posts__is_hidden=False,
                                                           posts__deleted_at__isnull=True)))
              .filter(new_posts__gt=0)
              # The busiest few of each category, ranked in the database: a busy category's
              # thousands of topics never reach Python.
              .annotate(rank=Window(RowNumber(), partition_by=[F("category_id")],
                                    order_by=[F("new_posts").desc(), F("last_post_at").desc()]))
              .filter(rank__lte=per_category * 2).select_related("category")
              .order_by("category_id", "rank")
              .only("id", "slug", "title", "author_id", "category__name"))
    by_category: dict[int, list[Topic]] = defaultdict(list)
    for topic in topics:
        by_category[topic.category_id].append(topic)
    found: dict[int, list[tuple[str, list[TopicNews]]]] = {}
    for member_id, chosen in wanted.items():
        sections = []
        for category_id in chosen:
            hot = [TopicNews(topic_id=t.pk, title=t.title, url=t.get_absolute_url(),
                             posts=t.new_posts, category=t.category.name)
                   for t in by_category.get(category_id, []) if t.author_id != member_id]
            if hot:
                sections.append((hot[0].category, hot[:per_category]))
        if sections:
            found[member_id] = sections
    return found


MENTION_KIND = "forum.mention"


def mentions_of(*, member_ids: Iterable[int], since: datetime.datetime,
                limit: int = 5) -> dict[int, list[tuple[str, str]]]:
    """For each member, the forum mentions of them since ``since`` (message, url), newest
    first: the mention notifications community keeps. One query."""
    from community.selectors import notifications_of_kind

    return notifications_of_kind(member_ids=member_ids, kind=MENTION_KIND, since=since, limit=limit)


__all__ = [
    "SORTS", "accepted_answer", "category_for_reader", "category_list", "decorate_posts", "highlight",
    "members_only_categories", "members_only_note", "mention_candidates", "page_of",
    "post_for_reader", "post_versions", "search_forum", "topic_for_reader", "topic_list",
    "topic_page_posts", "topic_page_rows", "TopicNews", "replies_to_topics_of",
    "hot_topics_where_posted", "mentions_of",
]
