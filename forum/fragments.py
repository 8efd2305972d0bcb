"""Cached post content for topic pages (see ``community.fragments``)."""

from __future__ import annotations

from django.template.loader import render_to_string

from community import fragments
from forum.models import Post

# The post's content before and after its time (see forum/includes/post_content.html).
PIECES = ("forum/includes/post_content_head.html", "forum/includes/post_content_tail.html")


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
