"""Each event type, produced by the real service that makes it, reaches a subscribed endpoint
with the documented data and nothing private."""

import json

import pytest

from tests.factories import BrandStaffFactory, UserFactory, make_product
from webhooks.catalogue import EVENT_TYPES
from webhooks.models import Delivery

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_local", "moderation_relaxed")]


@pytest.fixture
def everything(make_endpoint):
    return make_endpoint(url="http://127.0.0.1:9/", events=list(EVENT_TYPES))


def sent(event_type: str) -> list[dict]:
    return [json.loads(body)["data"] for body in
            Delivery.objects.filter(event_type=event_type).order_by("pk").values_list("body", flat=True)]


def test_every_event_type_has_a_signal_bound_to_it():
    from webhooks.recorders import BINDINGS

    assert {event_type for _, event_type, _ in BINDINGS} == set(EVENT_TYPES)


def test_a_topic_solved(everything, alice, bob, category):
    from forum.services import accept_answer, post_reply, start_topic

    topic = start_topic(author=alice, category=category, title="Descaling", body="How often?")
    answer = post_reply(author=bob, topic=topic, body="Monthly.")
    accept_answer(actor=alice, post=answer)
    assert sent("topic.solved") == [{"topic_id": topic.pk, "answer_post_id": answer.pk,
                                     "answer_author_id": bob.pk, "category_id": category.pk,
                                     "url": topic.get_absolute_url()}]


def test_an_idea_changing_status_and_reaching_a_milestone(everything):
    from ideas.models import Milestone
    from tests.ideas.factories import published_idea, support_from

    Milestone.objects.all().delete()
    Milestone.objects.create(supporters=2, window_days=60)
    idea = published_idea(description="Write-only secret-ish description text.")
    [change] = sent("idea.status_changed")
    assert change["idea_id"] == idea.pk and change["to_status"] == "gathering_support"
    assert change["url"] == idea.get_absolute_url()
    support_from(idea, 2)
    milestones = sent("idea.milestone_reached")
    assert milestones and milestones[0]["idea_id"] == idea.pk and milestones[0]["supporters"] == 2
    bodies = "".join(Delivery.objects.values_list("body", flat=True))
    assert "Write-only" not in bodies and "travel lid" not in bodies


def test_an_idea_not_yet_published_is_not_announced(everything):
    from tests.ideas.factories import submitted_idea

    submitted_idea()
    assert sent("idea.status_changed") == []


def test_a_follow_up_resolved(everything, site_tree):
    from reviews.services import update_follow_up
    from tests.reviews.factories import write_review

    review = write_review(product=make_product(), rating=1, body="Leaks everywhere, terrible.")
    staff = BrandStaffFactory()
    update_follow_up(actor=staff, follow_up_id=review.follow_up.pk, status="resolved")
    [resolved] = sent("follow_up.resolved")
    assert resolved["follow_up_id"] == review.follow_up.pk and resolved["status"] == "resolved"
    assert resolved["review_id"] == review.pk and "note" not in resolved


def test_a_badge_granted_and_a_level_changed(everything):
    from badges.models import Badge, Level
    from badges.services.awards import announce_level, grant_badge
    from tests.badges.conftest import restore_badge_defaults

    restore_badge_defaults()
    member = UserFactory(email="hidden@example.com")
    badge = Badge.objects.create(slug="first-steps", name="First steps", description="d",
                                 criteria="manual")
    grant = grant_badge(user=member, badge=badge)
    assert sent("badge.granted") == [{"member_id": member.pk, "grant_id": grant.pk,
                                      "badge": {"id": badge.pk, "slug": "first-steps",
                                                "name": "First steps", "tier": "bronze"}}]
    levels = list(Level.objects.all())
    announce_level(user=member, old=levels[0], new=levels[1], levels=levels, reached_with="300 points")
    assert sent("member.level_changed") == [{
        "member_id": member.pk, "old_level": {"id": levels[0].pk, "name": levels[0].name},
        "new_level": {"id": levels[1].pk, "name": levels[1].name}, "raised": True}]
    assert "hidden@example.com" not in "".join(Delivery.objects.values_list("body", flat=True))


def test_a_hidden_review_is_not_announced(site_tree):
    from django.utils import timezone

    from reviews.models import Review
    from tests.reviews.factories import write_review
    from webhooks import payloads

    review = write_review(product=make_product(), rating=5, body="Works well, great kettle.")
    assert payloads.review_published(review_id=review.pk) is not None
    Review.objects.filter(pk=review.pk).update(hidden_at=timezone.now())
    assert payloads.review_published(review_id=review.pk) is None
    assert payloads.review_flagged_negative(review_id=review.pk, follow_up_id=1) is None
