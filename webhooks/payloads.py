"""What each event's ``data`` holds, built inside the write's transaction from the rows the
signal names (read by model label, so webhooks imports no app's models).

The rule: a payload carries only what a visitor of the site could see, and nothing a member
wrote or that identifies a person beyond their public member id: ids, public page paths,
numbers, statuses and names staff gave things (products, badges, levels, rewards). An event
about something a visitor cannot see (a members-only category, hidden, held, deleted or
unpublished content) is not sent at all. Receivers fetch text through the REST API with a
service token, under that token's rules.

Each builder returns ``(event_key, data)`` or None (nothing to send). The event key names what
the event is about, so an event announced twice is delivered once per endpoint.
"""

from __future__ import annotations

import uuid

from django.apps import apps
from django.contrib.auth.models import AnonymousUser


def _model(label: str):
    return apps.get_model(label)


def _visible_post(post_id: int):
    return (_model("forum.Post").objects.visible_to(AnonymousUser())
            .select_related("topic__category").filter(pk=post_id).first())


def post_created(*, post_id: int, **_) -> tuple[str, dict] | None:
    post = _visible_post(post_id)
    if post is None:
        return None
    topic = post.topic
    return f"post.created:{post.pk}", {
        "post_id": post.pk, "post_number": post.post_number, "topic_id": topic.pk,
        "category_id": topic.category_id, "author_id": post.author_id,
        "is_first_post": post.post_number == 1, "url": post.get_absolute_url(),
    }


def topic_created(*, post_id: int, **kwargs) -> tuple[str, dict] | None:
    return post_created(post_id=post_id, **kwargs)


def topic_solved(*, topic_id: int, post_id: int, **_) -> tuple[str, dict] | None:
    post = _visible_post(post_id)
    if post is None or post.topic_id != topic_id:
        return None
    return f"topic.solved:{topic_id}:{post.pk}", {
        "topic_id": topic_id, "answer_post_id": post.pk, "answer_author_id": post.author_id,
        "category_id": post.topic.category_id, "url": post.topic.get_absolute_url(),
    }


def _visible_idea(idea_id: int):
    return (_model("ideas.Idea").objects.visible_to(AnonymousUser())
            .filter(pk=idea_id).first())


def idea_status_changed(*, idea_id: int, status_change_id: int, from_status: str, to_status: str,
                        **_) -> tuple[str, dict] | None:
    idea = _visible_idea(idea_id)
    if idea is None:
        return None
    return f"idea.status_changed:{status_change_id}", {
        "idea_id": idea.pk, "status_change_id": status_change_id,
        "from_status": from_status or None, "to_status": to_status,
        "product_id": idea.product_id, "support_count": idea.support_count,
        "url": idea.get_absolute_url(),
    }


def idea_milestone_reached(*, idea_id: int, supporters: int, is_final: bool = False,
                           **_) -> tuple[str, dict] | None:
    idea = _visible_idea(idea_id)
    if idea is None:
        return None
    return f"idea.milestone_reached:{idea.pk}:{supporters}", {
        "idea_id": idea.pk, "supporters": supporters, "is_final": bool(is_final),
        "product_id": idea.product_id, "url": idea.get_absolute_url(),
    }


def _visible_review(review_id: int):
    return (_model("reviews.Review").objects.visible()
            .filter(pk=review_id, product__live=True).select_related("product").first())


def _review_data(review) -> dict:
    return {
        "review_id": review.pk, "product_id": review.product_id,
        "product_title": review.product.title, "product_url": review.product.url,
        "author_id": review.author_id, "rating": review.rating,
        "verified_owner": review.verified_owner,
    }


def review_published(*, review_id: int, **_) -> tuple[str, dict] | None:
    review = _visible_review(review_id)
    if review is None:
        return None
    return f"review.published:{review.pk}", _review_data(review)


def review_flagged_negative(*, review_id: int, follow_up_id: int, **_) -> tuple[str, dict] | None:
    review = _visible_review(review_id)
    if review is None:
        return None
    return f"review.flagged_negative:{follow_up_id}", {**_review_data(review),
                                                       "follow_up_id": follow_up_id}


def follow_up_resolved(*, follow_up_id: int, review_id: int, status: str,
                       **_) -> tuple[str, dict] | None:
    review = _visible_review(review_id)
    if review is None:
        return None
    # A follow-up may be reopened and closed again: each closing is an event of its own.
    return f"follow_up.resolved:{follow_up_id}:{uuid.uuid4().hex}", {
        "follow_up_id": follow_up_id, "status": status, **_review_data(review),
    }


def _level(level_id: int | None) -> dict | None:
    if level_id is None:
        return None
    level = _model("badges.Level").objects.filter(pk=level_id).first()
    return {"id": level.pk, "name": level.name} if level else None


def member_level_changed(*, user_id: int, old_level_id: int | None, new_level_id: int | None,
                         raised: bool = True, **_) -> tuple[str, dict] | None:
    return f"member.level_changed:{user_id}:{uuid.uuid4().hex}", {
        "member_id": user_id, "old_level": _level(old_level_id), "new_level": _level(new_level_id),
        "raised": bool(raised),
    }


def badge_granted(*, user_id: int, badge_id: int, grant_id: int, **_) -> tuple[str, dict] | None:
    badge = _model("badges.Badge").objects.filter(pk=badge_id).first()
    if badge is None:
        return None
    return f"badge.granted:{grant_id}", {
        "member_id": user_id, "grant_id": grant_id,
        "badge": {"id": badge.pk, "slug": badge.slug, "name": badge.name, "tier": badge.tier},
    }


def redemption_created(*, redemption_id: int, reward_id: int, **_) -> tuple[str, dict] | None:
    # Who redeemed what is the member's own business: no member id.
    reward = _model("rewards.Reward").objects.filter(pk=reward_id).first()
    if reward is None:
        return None
    return f"redemption.created:{redemption_id}", {
        "redemption_id": redemption_id,
        "reward": {"id": reward.pk, "title": reward.title, "kind": reward.kind},
    }
