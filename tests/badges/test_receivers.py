import sys
import types

import pytest
from django.contrib.contenttypes.models import ContentType
from django.dispatch import Signal

from badges import receivers
from badges.models import PointsEntry, UserPoints
from community.events import send_on_commit
from tests.badges.factories import next_source, suspend
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_apps(monkeypatch):
    """Stand-ins for the content apps' signal modules, with the documented signal names."""
    modules = {}
    for module_path, name in receivers.SIGNALS:
        module = modules.get(module_path) or types.ModuleType(module_path)
        setattr(module, name, Signal())
        modules[module_path] = module
    for module_path, module in modules.items():
        monkeypatch.setitem(sys.modules, module_path, module)
    connected = receivers.connect()
    assert len(connected) == len(receivers.SIGNALS)
    return modules


def points(user) -> int:
    return UserPoints.objects.filter(user=user).values_list("total", flat=True).first() or 0


def test_missing_signal_modules_are_skipped_without_error(monkeypatch):
    for module_path in {module for module, _ in receivers.SIGNALS}:
        monkeypatch.setitem(sys.modules, module_path, None)  # makes the import fail
    assert receivers.connect() == []


def test_forum_signals_award_and_reverse_points(fake_apps, django_capture_on_commit_callbacks):
    forum = fake_apps["forum.signals"]
    author, liker = UserFactory(), UserFactory()
    post = next_source()
    with django_capture_on_commit_callbacks(execute=True):
        send_on_commit(forum.post_created, sender=None, post_id=post, topic_id=1, author_id=author.pk,
                       post_number=2, reply_to_id=None)
        send_on_commit(forum.post_liked, sender=None, post_id=post, topic_id=1, author_id=author.pk,
                       actor_id=liker.pk)
        send_on_commit(forum.post_liked, sender=None, post_id=post, topic_id=1, author_id=author.pk,
                       actor_id=liker.pk)
    assert points(author) == 3
    with django_capture_on_commit_callbacks(execute=True):
        send_on_commit(forum.post_unliked, sender=None, post_id=post, topic_id=1, author_id=author.pk,
                       actor_id=liker.pk)
    assert points(author) == 2
    with django_capture_on_commit_callbacks(execute=True):
        send_on_commit(forum.post_deleted, sender=None, post_id=post, topic_id=1, author_id=author.pk,
                       actor_id=author.pk, was_first_post=False)
    assert points(author) == 0


def test_moving_an_accepted_answer_moves_the_points(fake_apps, django_capture_on_commit_callbacks):
    forum = fake_apps["forum.signals"]
    asker, first, second = UserFactory(), UserFactory(), UserFactory()
    post_a, post_b = next_source(), next_source()
    with django_capture_on_commit_callbacks(execute=True):
        send_on_commit(forum.answer_accepted, sender=None, topic_id=1, post_id=post_a,
                       answer_author_id=first.pk, topic_author_id=asker.pk,
                       actor_id=asker.pk, previous_post_id=None)
        send_on_commit(forum.answer_accepted, sender=None, topic_id=1, post_id=post_b,
                       answer_author_id=second.pk, topic_author_id=asker.pk,
                       actor_id=asker.pk, previous_post_id=post_a)
    assert (points(first), points(second)) == (0, 15)


def test_idea_signals_credit_creator_and_supporter(fake_apps, django_capture_on_commit_callbacks):
    ideas = fake_apps["ideas.signals"]
    creator, supporter = UserFactory(), UserFactory()
    idea = next_source()
    with django_capture_on_commit_callbacks(execute=True):
        send_on_commit(ideas.idea_submitted, sender=None, idea_id=idea, creator_id=creator.pk)
        send_on_commit(ideas.idea_supported, sender=None, idea_id=idea, user_id=supporter.pk,
                       creator_id=creator.pk, support_count=1)
        send_on_commit(ideas.idea_supported, sender=None, idea_id=idea, user_id=creator.pk,
                       creator_id=creator.pk, support_count=2)
        send_on_commit(ideas.idea_milestone_reached, sender=None, idea_id=idea, creator_id=creator.pk,
                       supporters=100, is_final=False)
    assert points(creator) == 5 + 1 + 25
    assert PointsEntry.objects.filter(user=supporter, reason="idea_supported").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        send_on_commit(ideas.idea_support_withdrawn, sender=None, idea_id=idea, user_id=supporter.pk,
                       creator_id=creator.pk, support_count=1)
    assert points(creator) == 30
    assert PointsEntry.objects.filter(user=supporter, reason="idea_supported.reversed").exists()


def test_review_and_moderation_signals(fake_apps, django_capture_on_commit_callbacks):
    reviews, moderation = fake_apps["reviews.signals"], fake_apps["moderation.signals"]
    community = fake_apps["community.signals"]
    author, voter, flagger = UserFactory(), UserFactory(), UserFactory()
    review = next_source()
    with django_capture_on_commit_callbacks(execute=True):
        send_on_commit(reviews.review_published, sender="reviews", review_id=review, product_id=1,
                       author_id=author.pk, rating=4, verified_owner=True)
        send_on_commit(reviews.review_marked_helpful, sender="reviews", review_id=review,
                       voter_id=voter.pk, author_id=author.pk)
        send_on_commit(moderation.flag_upheld, sender=None, flag_id=next_source(), flagger_id=flagger.pk,
                       author_id=author.pk, actor_id=None)
    assert points(author) == 10 + 5 + 2
    assert points(flagger) == 5
    review_type = ContentType.objects.get_by_natural_key("reviews", "review")
    with django_capture_on_commit_callbacks(execute=True):
        send_on_commit(community.content_hidden, sender=None, content_type_id=review_type.pk,
                       object_id=review, author_id=author.pk)
    assert points(author) == 0
    suspend(author, days=None)  # badges asks moderation; it keeps no copy
    with django_capture_on_commit_callbacks(execute=True):
        send_on_commit(reviews.review_published, sender="reviews", review_id=next_source(), product_id=1,
                       author_id=author.pk, rating=5)
    assert points(author) == 0  # suspended: earns nothing


def test_hidden_content_restored_earns_again(fake_apps, django_capture_on_commit_callbacks, monkeypatch):
    from badges.services import ledger

    monkeypatch.setattr(ledger, "WITHDRAWABLE_ACTS", {})  # no vote rows behind these made-up ids
    reviews, community = fake_apps["reviews.signals"], fake_apps["community.signals"]
    author, voter = UserFactory(), UserFactory()
    review = next_source()
    review_type = ContentType.objects.get_by_natural_key("reviews", "review")
    hidden = {"sender": None, "content_type_id": review_type.pk, "object_id": review,
              "author_id": author.pk}
    with django_capture_on_commit_callbacks(execute=True):
        send_on_commit(reviews.review_published, sender="reviews", review_id=review, product_id=1,
                       author_id=author.pk, rating=4, verified_owner=False)
        send_on_commit(reviews.review_marked_helpful, sender="reviews", review_id=review,
                       voter_id=voter.pk, author_id=author.pk)
    assert points(author) == 12
    with django_capture_on_commit_callbacks(execute=True):
        send_on_commit(community.content_hidden, **hidden)
    assert points(author) == 0
    with django_capture_on_commit_callbacks(execute=True):
        send_on_commit(community.content_restored, **hidden)
        send_on_commit(community.content_restored, **hidden)  # delivered twice: restored once
    assert points(author) == 12
    assert PointsEntry.objects.filter(user=author, generation=1).count() == 2
    assert PointsEntry.objects.filter(user=author, cause=PointsEntry.HIDDEN).count() == 2


def test_a_like_given_again_after_withdrawal_earns_again(fake_apps,
                                                        django_capture_on_commit_callbacks):
    forum = fake_apps["forum.signals"]
    author, liker = UserFactory(), UserFactory()
    post = next_source()
    like = {"sender": None, "post_id": post, "topic_id": 1, "author_id": author.pk,
            "actor_id": liker.pk}
    for like_id in (41, 42):  # the forum's Like rows: a new row each time the like is given
        with django_capture_on_commit_callbacks(execute=True):
            send_on_commit(forum.post_liked, like_id=like_id, **like)
            send_on_commit(forum.post_liked, like_id=like_id, **like)  # a replay earns nothing more
        assert points(author) == 1
        with django_capture_on_commit_callbacks(execute=True):
            send_on_commit(forum.post_unliked, **like)
        assert points(author) == 0
    with django_capture_on_commit_callbacks(execute=True):
        send_on_commit(forum.post_liked, like_id=43, **like)
    assert points(author) == 1
    reasons = list(PointsEntry.objects.filter(user=author).order_by("pk")
                   .values_list("reason", "occurrence"))
    assert reasons == [("like_received", 41), ("like_received.reversed", 41),
                       ("like_received", 42), ("like_received.reversed", 42),
                       ("like_received", 43)]


def test_completing_the_profile_earns_welcome_on_save(django_capture_on_commit_callbacks):
    from badges.models import BadgeGrant
    from community.services.accounts import update_profile

    member = UserFactory(display_name="", bio="", avatar="")
    with django_capture_on_commit_callbacks(execute=True):
        update_profile(user=member, display_name="Rae", bio="")
    assert not BadgeGrant.objects.filter(user=member, badge__slug="welcome").exists()
    member.avatar = "avatars/rae.webp"
    with django_capture_on_commit_callbacks(execute=True):
        update_profile(user=member, display_name="Rae", bio="Espresso, mostly.")
    assert BadgeGrant.objects.filter(user=member, badge__slug="welcome").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        member.save(update_fields=["last_login"])
        update_profile(user=member, display_name="Rae B.", bio="Espresso, mostly.")
    assert BadgeGrant.objects.filter(user=member, badge__slug="welcome").count() == 1
