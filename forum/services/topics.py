"""Managing topics: locking, pinning and moving between categories."""

from __future__ import annotations

from django.db import transaction

from community import cache_versions
from community.models import User
from forum import rules
from forum.counters import recompute_category
from forum.models import Category, Topic
from forum.services._common import _bump_topic


def lock_topic(*, actor: User, topic: Topic, locked: bool) -> None:
    """Lock (no more replies) or unlock ``topic``. Community managers only."""
    rules.check_moderate(actor)
    set_topic_flag(topic=topic, field="is_locked", value=locked)


def pin_topic(*, actor: User, topic: Topic, pinned: bool) -> None:
    """Pin ``topic`` to the top of its category's latest list. Community managers only."""
    rules.check_moderate(actor)
    set_topic_flag(topic=topic, field="is_pinned", value=pinned)


def set_topic_flag(*, topic: Topic, field: str, value: bool) -> bool:
    """Set ``is_locked`` or ``is_pinned`` (no permission check: ``lock_topic``, ``pin_topic``
    and the moderation queue check). Returns whether anything changed; idempotent."""
    if field not in {"is_locked", "is_pinned"}:
        raise ValueError(f"not a topic flag: {field}")
    changed = Topic.objects.filter(pk=topic.pk).exclude(**{field: value}).update(**{field: value})
    if changed:
        _bump_topic(topic.pk, topic.product_id)
    setattr(topic, field, value)
    return bool(changed)


def move_topic(*, actor: User, topic: Topic, category: Category, check: bool = True) -> bool:
    """Move ``topic`` to ``category``. Community managers only (``check=False`` for the
    moderation queue, which has checked). Both categories' counters are rebuilt from rows in
    the same transaction; moving to the category it is in changes nothing."""
    if check:
        rules.check_moderate(actor)
    with transaction.atomic():
        current = Topic.objects.select_for_update().get(pk=topic.pk)
        if current.category_id == category.pk:
            return False
        previous = current.category_id
        current.category = category
        # save() (not update()) so the search index's category filter follows.
        current.save(update_fields=["category"])
        recompute_category(previous)
        recompute_category(category.pk)
        _bump_topic(current.pk, current.product_id)
    topic.category = category
    return True


def category_changed(*, category: Category) -> int:
    """After staff saved ``category`` (its name, or who may see it: ``members_group``), make
    every cached page that showed it stale once the edit commits: the listings and each of
    its topics' pages (``community.page_cache``), so a category made members-only is gone
    from visitors' cached pages at once. Returns how many topics were bumped."""
    rows = list(Topic.objects.filter(category=category).values_list("pk", "product_id"))
    for topic_id, _ in rows:
        cache_versions.bump("topic", topic_id)
    # A product's page lists the questions about it: one made members-only leaves it too.
    for product_id in {product_id for _, product_id in rows if product_id is not None}:
        cache_versions.bump("product", product_id)
    cache_versions.bump("forum", 0)
    return len(rows)
