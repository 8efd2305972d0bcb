"""Reads for the forum pages. Each sets its own select_related/prefetch_related so that a
page costs the same number of queries however many rows it shows.

Callers import from this package (``from forum import selectors``); the modules below it are
split by concern: categories (listings, a category's topics, product questions), topics (a
topic page: the topic, its posts, versions, mention candidates), search, and news (what
members missed, for the digest and the home page).
"""

from forum.models import page_of
from forum.selectors.categories import (
    QUESTIONS_SHOWN,
    SORTS,
    ProductQuestion,
    askable_product,
    category_for_reader,
    category_list,
    first_category_to_start_in,
    members_only_categories,
    members_only_note,
    questions_about,
    topic_list,
    unanswered_topics_about,
)
from forum.selectors.news import (
    MENTION_KIND,
    TopicNews,
    hot_topics_where_posted,
    mentions_of,
    replies_to_topics_of,
)
from forum.selectors.search import (
    SEARCH_CANDIDATES,
    SEARCH_SHOWN,
    SearchResults,
    excerpt,
    highlight,
    search_forum,
    search_terms,
    search_words,
)
from forum.selectors.topics import (
    ROW_FIELDS,
    PostVersion,
    accepted_answer,
    decorate_posts,
    mention_candidates,
    post_for_reader,
    post_versions,
    topic_for_reader,
    topic_page_posts,
    topic_page_rows,
)

__all__ = [
    "MENTION_KIND", "QUESTIONS_SHOWN", "ROW_FIELDS", "SEARCH_CANDIDATES", "SEARCH_SHOWN", "SORTS",
    "PostVersion", "ProductQuestion", "SearchResults", "TopicNews", "accepted_answer",
    "askable_product", "category_for_reader", "category_list", "decorate_posts", "excerpt",
    "first_category_to_start_in", "highlight", "hot_topics_where_posted", "members_only_categories",
    "members_only_note", "mention_candidates", "mentions_of", "page_of", "post_for_reader",
    "post_versions", "questions_about", "replies_to_topics_of", "search_forum", "search_terms",
    "search_words", "topic_for_reader", "topic_list", "topic_page_posts", "topic_page_rows",
    "unanswered_topics_about",
]
