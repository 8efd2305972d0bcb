"""Forum search: topics and posts matching a query that the reader may see, with excerpts and
the matching words highlighted."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from forum.models import (
    Post,
    Topic,
)


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
