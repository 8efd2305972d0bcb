"""Cached posts for topic pages (see ``community.fragments``): each post's content, and a
whole page of posts under the topic's version.

A page of posts is what every reader sees alike of the posts on one page of a topic: each
post's opening tag, header, quote and body (the pieces around its time), or the placeholder
of a deleted post. It is one cache entry per topic, page and version (the topic's and the
members', ``community.cache_versions``), so a page read by many members is rendered once.

Per request, the page's own light query (``forum.selectors.topic_page_rows``) says which
posts this reader may see and their per-reader state (liked, like count, may edit, accept,
flag): the actions under each post are rendered around the cached pieces for this reader
(``forum_tags.post_actions``), never cut out of HTML rendered for someone else. Posts whose
content differs per reader (a hidden post, with its notice for its author or a manager; a
quote of a hidden post) are never in the entry: they are loaded and rendered for the reader.
Each cached post keeps the state it was rendered from (``_state``); a row that no longer
matches it (an edit whose version bump has not run yet) makes the page render afresh.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from community import cache_versions, fragments
from forum import selectors
from forum.models import Post, Topic
from forum.templatetags.forum_tags import post_actions

# The post's content before and after its time (see forum/includes/post_content.html).
PIECES = ("forum/includes/post_content_head.html", "forum/includes/post_content_tail.html")
OPEN_TEMPLATE = "forum/includes/post_open.html"
POST_TEMPLATE = "forum/includes/post.html"
# The topic's and the members' versions keep a page of posts current; this bounds what no
# version follows (an author's role label), as for the idea page's parts.
PAGE_TIMEOUT = 60


def _cacheable(post: Post) -> bool:
    # Hidden posts show notices that depend on who reads (author, manager); deleted ones a
    # placeholder. Both are rendered in full on every request and never stored.
    return not post.is_hidden and not post.is_deleted


def _parts(post: Post) -> tuple:
    quoted = post.reply_to if post.reply_to_id else None
    quote = None
    if quoted is not None:
        quote = (post.quote_visible,) + (
            (quoted.pk, quoted.post_number, quoted.body_html, *fragments.member_parts(quoted.author))
            if post.quote_visible else ()
        )
    return (post.pk, post.post_number, post.created_at, post.edit_count, post.is_answer,
            post.body_html, *fragments.member_parts(post.author), quote)


def _render(post: Post) -> tuple[str, str]:
    return tuple(render_to_string(template, {"post": post}) for template in PIECES)


def attach_post_fragments(posts: list[Post]) -> None:
    """Give each post every reader sees alike its cached ``cached_html`` (one cache trip)."""
    fragments.attach(posts, kind="post", parts=_parts, render=_render, cacheable=_cacheable,
                     when=lambda post: post.created_at)


# --- A page of posts -------------------------------------------------------------------------

def _quote_state(post: Post, topic: Topic) -> tuple | None:
    """What decides how a post's quote shows: whether the quoted post is on this topic,
    hidden or deleted, and its edits (the quote shows its text)."""
    if not post.reply_to_id:
        return None
    return (post.quoted_topic_id == topic.pk, post.quoted_hidden, post.quoted_deleted_at is not None,
            post.quoted_edit_count)


def _state(post: Post, topic: Topic) -> tuple:
    """Everything of a post's row that its cached content shows (as read by the light query
    and by the full one alike)."""
    return (post.post_number, post.author_id, post.edit_count, post.is_hidden, post.is_deleted,
            post.deleted_by_id, topic.accepted_answer_id == post.pk, _quote_state(post, topic),
            fragments.member_state_of(post, "by"),
            fragments.member_state_of(post, "quoted_by") if post.reply_to_id else None)


def _alike_for_everyone(post: Post, topic: Topic) -> bool:
    """Whether every reader who sees this post sees the same content: not hidden (its notice
    names the reader's role), and not quoting a hidden post of the topic (shown to its
    author and managers, a placeholder to others)."""
    if post.is_hidden:
        return False
    quote = _quote_state(post, topic)
    return not (quote is not None and quote[0] and quote[1] and not quote[2])


@dataclass(frozen=True)
class PostOnPage:
    number: int
    html: SafeString


@dataclass
class PageOfPosts:
    posts: list[PostOnPage]
    # (post number, words) of the readable posts, as ``forum.services.note_page_read`` takes them.
    readable: list[tuple[int, int]]
    last_number: int | None


def _page_key(topic: Topic, page: int) -> str | None:
    versions = cache_versions.versions_of([("topic", topic.pk), cache_versions.MEMBERS])
    if None in versions.values():  # the cache is unreachable: nothing is stored
        return None
    return fragments.fragment_key("topic-page", (topic.pk, page, *versions.values()))


def _entries(posts: list[Post], topic: Topic) -> dict[int, tuple]:
    """The cached page of ``posts`` (loaded in full): for each post every reader sees alike,
    its state, its words, its time and its pieces (the opening tag and the content before
    its time, the content after it; a deleted post, its whole article)."""
    alike = [post for post in posts if _alike_for_everyone(post, topic)]
    pieces = fragments.pieces_of([post for post in alike if not post.is_deleted], kind="post",
                                 parts=_parts, render=_render, cacheable=_cacheable)
    entries = {}
    for post in alike:
        if post.is_deleted:
            entries[post.pk] = (_state(post, topic), 0, None,
                                (render_to_string(POST_TEMPLATE, {"post": post}),))
        else:
            before, after = pieces[id(post)]
            opening = render_to_string(OPEN_TEMPLATE, {"post": post})
            entries[post.pk] = (_state(post, topic), len(post.body.split()), post.created_at,
                                (f"{opening}\n  {before}", after))
    return entries


def _still_current(rows: list[Post], entries: dict, topic: Topic) -> bool:
    """Whether the cached page holds every post of ``rows`` every reader sees alike, each as
    its row is now."""
    return all(row.pk in entries and entries[row.pk][0] == _state(row, topic)
               for row in rows if _alike_for_everyone(row, topic))


def _rendered(context: dict, post: Post, entry: tuple) -> str:
    _, _, created_at, pieces = entry
    if len(pieces) == 1:  # a deleted post's placeholder: no time, no actions
        return pieces[0]
    return f"{fragments.joined(pieces, created_at)}\n  {post_actions(context, post)}\n</article>"


def page_of_posts(*, context: dict, topic: Topic, page: int) -> PageOfPosts:
    """The posts on ``page`` of ``topic`` as the reader sees them, rendered (see the module
    docstring). ``context`` holds what the per-reader actions need: ``user``, ``request``,
    ``csrf_token`` (lazy: an anonymous page uses none) and ``can_reply``.

    Queries: one (the page's posts in full) when the page is not cached, and it is stored;
    when it is, one (the light query), plus one when posts are rendered for this reader alone
    (hidden ones they may see) or the page changed since it was stored."""
    user = context["user"]
    key = _page_key(topic, page)
    entries = cache.get(key) if key else None
    if isinstance(entries, dict):
        rows = selectors.topic_page_rows(user=user, topic=topic, page=page)
        if _still_current(rows, entries, topic):
            own = [row.pk for row in rows if not _alike_for_everyone(row, topic)]
            full = selectors.topic_page_posts(user=user, topic=topic, page=page, post_ids=own) if own else []
            return _assemble(context, rows, entries, full)
    posts = selectors.topic_page_posts(user=user, topic=topic, page=page)
    entries = _entries(posts, topic)
    if key is not None:
        cache.set(key, entries, PAGE_TIMEOUT)
    return _assemble(context, posts, entries, [post for post in posts if post.pk not in entries])


def _assemble(context: dict, rows: list[Post], entries: dict, full: list[Post]) -> PageOfPosts:
    """``rows`` in order: from the cached ``entries`` with this reader's actions, and the
    posts of ``full`` (loaded in full) rendered for this reader alone."""
    attach_post_fragments(full)
    own = {post.pk: post for post in full}
    shown, readable = [], []
    for row in rows:
        if row.pk in own:
            post = own[row.pk]
            html = render_to_string(POST_TEMPLATE, {**context, "post": post})
            words = len(post.body.split())
        elif row.pk in entries:
            html = _rendered(context, row, entries[row.pk])
            words = entries[row.pk][1]
        else:  # hidden or deleted between the two queries: left out
            continue
        # Rendered by our autoescaping templates; the actions' values are escaped.
        shown.append(PostOnPage(number=row.post_number, html=mark_safe(html)))  # noqa: S308
        if not row.is_deleted:
            readable.append((row.post_number, words))
    return PageOfPosts(posts=shown, readable=readable,
                       last_number=rows[-1].post_number if rows else None)
