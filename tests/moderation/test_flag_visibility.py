"""Nobody flags what they cannot see: the flag URL answers 404 for someone else's hidden,
held or deleted content, by the same rules the content's own pages use."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from forum import services as forum_services
from moderation.models import Flag
from moderation.registry import adapter_for
from moderation.services.flags import flag_content
from moderation.services.limits import ActionRefused
from reviews.services import reply_as_brand
from tests.factories import BrandStaffFactory, CommunityManagerFactory, UserFactory
from tests.forum.factories import make_reply, make_topic
from tests.ideas.factories import published_idea, submitted_idea
from tests.moderation.factories import at_level
from tests.reviews.factories import write_review
from tests.security.conftest import production_path  # noqa: F401 - the fixture, used by name

# On the production path (tests/security/conftest.py): every cache on, production middleware.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("production_path")]


@pytest.fixture
def owner():
    # An established member: nothing of theirs is held for approval unless a test says so.
    return at_level(UserFactory(username="owner"), 2)


@pytest.fixture
def flagger():
    return at_level(UserFactory(username="flagger"), 1)


def flag_url(obj) -> str:
    return reverse("moderation:flag", args=[ContentType.objects.get_for_model(obj).pk, obj.pk])


def hide(obj):
    adapter_for(obj).hide(obj, reason="Hidden pending review", actor=None)
    obj.refresh_from_db()
    return obj


def delete(obj):
    adapter_for(obj).delete(obj, actor=CommunityManagerFactory())
    obj.refresh_from_db()
    return obj


# Each builder makes one piece of the owner's content, visible.
def a_topic(owner):
    return make_topic(author=owner, title="Owner's topic about kettles")


def a_reply(owner):
    return make_reply(make_topic(author=owner, title="Owner's topic about kettles"), author=owner,
                      body="Owner's reply.")


def an_idea(owner):
    return published_idea(creator=owner, title="Owner's idea for a lid")


def a_comment(owner):
    from ideas.services.comments import add_comment

    return add_comment(author=owner, idea_id=an_idea(owner).pk, body="Owner's comment.")


def a_review(owner):
    return write_review(author=owner, rating=2, title="Owner's review", body="It leaks at the lid.")


def a_brand_reply(owner):
    review = a_review(UserFactory(username="reviewer"))
    return reply_as_brand(staff=BrandStaffFactory(), review_id=review.pk, body="Sorry: we will replace it.",
                          confirmed=True)


def a_profile(owner):
    owner.bio = "Owner's bio"
    owner.save(update_fields=["bio"])
    return owner


BUILDERS = {"topic": a_topic, "reply": a_reply, "idea": an_idea, "idea comment": a_comment,
            "review": a_review, "brand reply": a_brand_reply, "profile": a_profile}


def refused(client, obj) -> bool:
    """Both the form and the submission answer 404, and no flag is recorded."""
    url = flag_url(obj)
    get, post = client.get(url), client.post(url, {"reason": "spam"})
    return get.status_code == 404 and post.status_code == 404 and not Flag.objects.exists()


@pytest.mark.parametrize("kind", BUILDERS)
def test_visible_content_of_any_kind_can_be_flagged(client, owner, flagger, kind):
    obj = BUILDERS[kind](owner)
    client.force_login(flagger)
    assert client.get(flag_url(obj)).status_code == 200
    assert client.post(flag_url(obj), {"reason": "spam"}).status_code == 302
    assert Flag.objects.filter(flagger=flagger).count() == 1


@pytest.mark.parametrize("kind", BUILDERS)
def test_someone_elses_hidden_content_is_not_found_for_flagging(client, owner, flagger, kind):
    obj = hide(BUILDERS[kind](owner))
    client.force_login(flagger)
    assert refused(client, obj)


@pytest.mark.parametrize("kind", ["topic", "reply", "idea", "idea comment", "review", "brand reply"])
def test_deleted_content_is_not_found_for_flagging(client, owner, flagger, kind):
    obj = delete(BUILDERS[kind](owner))
    client.force_login(flagger)
    assert refused(client, obj)


@pytest.mark.parametrize("build, parent",
                         [(a_reply, "topic"), (a_comment, "idea"), (a_brand_reply, "review")],
                         ids=["reply in a hidden topic", "comment on a hidden idea",
                              "brand reply under a hidden review"])
def test_content_under_hidden_content_is_not_found_for_flagging(client, owner, flagger, build, parent):
    child = build(owner)
    hide(getattr(child, parent))
    client.force_login(flagger)
    assert refused(client, child)


def test_an_idea_still_in_review_is_seen_and_flagged_only_by_staff(client, owner, flagger):
    idea = submitted_idea(creator=owner, title="Owner's unpublished idea")
    client.force_login(flagger)
    assert refused(client, idea)
    client.force_login(BrandStaffFactory())
    assert client.get(flag_url(idea)).status_code == 200


def test_a_held_reply_by_a_new_member_is_not_found_for_flagging(client, flagger):
    newcomer = UserFactory(username="newcomer")  # trust level 0: the first posts are held
    topic = make_topic(author=at_level(UserFactory(), 2))
    reply = make_reply(topic, author=newcomer, body="My first reply, waiting for approval.")
    reply.refresh_from_db()
    assert reply.is_hidden
    client.force_login(flagger)
    assert refused(client, reply)


def test_a_closed_account_is_not_found_for_flagging(client, owner, flagger):
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    client.force_login(flagger)
    assert refused(client, owner)


def test_community_managers_see_hidden_posts_and_may_still_flag_them(client, owner):
    reply = hide(a_reply(owner))
    client.force_login(CommunityManagerFactory())
    assert client.get(flag_url(reply)).status_code == 200


def test_the_service_refuses_hidden_content_without_saying_it_exists(owner, flagger):
    reply = hide(a_reply(owner))
    with pytest.raises(ActionRefused, match="There is nothing to flag here."):
        flag_content(flagger=flagger, obj=reply, reason="spam")
    assert not Flag.objects.exists()


def test_a_topic_restored_after_review_can_be_flagged_again(client, owner, flagger):
    topic = hide(a_topic(owner))
    forum_services.apply_hidden(post=topic.posts.get(post_number=1), hidden=False, reason="")
    client.force_login(flagger)
    assert client.get(flag_url(topic)).status_code == 200
