"""Edits meet moderation as new posts do: a member cannot slip links or spam into a forum
post, an idea or a review by editing it afterwards, a suspended member cannot edit, and a
quick typo fix is not mistaken for typing a whole post in a second."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from forum import services as forum_services
from ideas import services as idea_services
from moderation.models import Flag
from moderation.services import ActionRefused
from moderation.services.members import suspend_member
from tests.factories import CommunityManagerFactory, UserFactory
from tests.forum.factories import make_reply, make_topic
from tests.ideas.factories import submitted_idea
from tests.moderation.factories import at_level, member_at
from tests.reviews.factories import write_review

pytestmark = pytest.mark.django_db

LINKS = "Cheap kettles at http://a.example http://b.example and https://c.example"
LONG = ("I descaled mine with citric acid: two spoons in a full kettle, boiled twice, left for an "
        "hour, then rinsed three times. The taste was gone and the element looked new again. ")


def signals_on(obj) -> list[str]:
    return sorted(Flag.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk,
                                      flagger__isnull=True).values_list("signal", flat=True))


def suspend(member) -> None:
    suspend_member(actor=CommunityManagerFactory(), user=member, days=2, reason="Spamming the forum")


# Forum posts ----------------------------------------------------------------------------------

def test_links_edited_into_a_forum_reply_are_flagged_as_spam():
    member = member_at(1)  # may post links, but many of them from a new member is a signal
    reply = make_reply(make_topic(author=member_at(2)), author=member, body="Thanks, that worked for me.")
    assert signals_on(reply) == []
    forum_services.edit_post(editor=member, post=reply, body=f"Thanks, that worked for me. {LINKS}")
    assert signals_on(reply) == ["many_links"]


def test_links_edited_into_an_opening_post_or_its_title_are_flagged():
    member = member_at(1)
    topic = make_topic(author=member, title="Descaling with vinegar", body="Works for me.")
    opening = topic.posts.get(post_number=1)
    forum_services.edit_post(editor=member, post=opening, body="Works for me.",
                             title="Descaling http://a.example http://b.example http://c.example")
    assert signals_on(opening) == ["many_links"]


def test_a_typo_fixed_right_after_posting_a_long_reply_is_not_typing_too_fast():
    member = member_at(1)
    reply = make_reply(make_topic(author=member_at(2)), author=member, body=LONG * 3)
    forum_services.edit_post(editor=member, post=reply, body=(LONG * 3).replace("citric", "citrc", 1))
    assert signals_on(reply) == []


def test_pasting_a_long_text_into_a_reply_seconds_after_posting_it_is_typing_too_fast():
    member = member_at(2)
    reply = make_reply(make_topic(author=member_at(2)), author=member, body="Short first version.")
    pasted = " ".join(f"word{n}" for n in range(120))
    forum_services.edit_post(editor=member, post=reply, body=f"Short first version. {pasted}")
    assert signals_on(reply) == ["typing_too_fast"]


def test_a_moderators_edit_is_not_scanned_as_the_authors_writing():
    reply = make_reply(make_topic(author=member_at(2)), author=member_at(0), body="A reply.")
    forum_services.apply_edit(editor=CommunityManagerFactory(), post=reply, body=f"A reply. {LINKS}",
                              title=None)
    assert signals_on(reply) == []


def test_a_suspended_member_cannot_edit_their_post_and_is_told_why(client):
    member = member_at(1)
    reply = make_reply(make_topic(author=member_at(2)), author=member, body="Original words.")
    suspend(member)
    client.force_login(member)
    response = client.post(reverse("forum:edit_post", args=[reply.pk]), {"body": "Rude words instead."})
    assert "Your account is suspended until" in response.content.decode()
    reply.refresh_from_db()
    assert reply.body == "Original words." and reply.edit_count == 0


def test_a_new_member_cannot_edit_a_link_in_but_can_fix_a_typo():
    member = at_level(UserFactory(), 0)
    reply = make_reply(make_topic(author=member_at(2)), author=member_at(1), body="placeholder")
    reply.author = member
    reply.save(update_fields=["author"])
    with pytest.raises(ActionRefused, match="New members cannot post links"):
        forum_services.edit_post(editor=member, post=reply, body="placeholder, see https://example.com")
    forum_services.edit_post(editor=member, post=reply, body="placeholder text")
    reply.refresh_from_db()
    assert reply.body == "placeholder text"


# Ideas ----------------------------------------------------------------------------------------

def test_links_edited_into_an_idea_are_flagged_as_spam():
    member = member_at(1)
    idea = submitted_idea(creator=member, title="A travel lid for the flask",
                          description="A lid that clicks shut.")
    assert signals_on(idea) == []
    idea_services.revise_idea(user=member, idea_id=idea.pk, title="A travel lid for the flask",
                              description=f"A lid that clicks shut. {LINKS}")
    assert signals_on(idea) == ["many_links"]


def test_the_same_idea_text_posted_again_by_editing_is_repeated_text(settings):
    settings.HEARTH_SPAM_REPEAT_COUNT = 2
    member = member_at(2)
    text = "Sell the descaler in bulk packs for cafes and offices please"
    submitted_idea(creator=member, title="Bulk descaler packs", description=text)
    other = submitted_idea(creator=member, title="Another idea entirely", description="Something else.")
    idea_services.revise_idea(user=member, idea_id=other.pk, title="Bulk descaler packs", description=text)
    assert signals_on(other) == ["repeated_text"]


def test_a_suspended_member_cannot_revise_their_idea():
    member = member_at(1)
    idea = submitted_idea(creator=member, title="A travel lid for the flask")
    suspend(member)
    with pytest.raises(idea_services.IdeaActionRefused, match="suspended"):
        idea_services.revise_idea(user=member, idea_id=idea.pk, title="A travel lid for the flask",
                                  description="Changed while suspended.")
    idea.refresh_from_db()
    assert "Changed while suspended." not in idea.description


def test_a_new_member_cannot_add_a_link_to_their_idea(settings):
    settings.HEARTH_PREMODERATE = {key: "off" for key in settings.HEARTH_PREMODERATE}
    member = at_level(UserFactory(), 0)
    idea = submitted_idea(creator=member, title="A travel lid for the flask")
    with pytest.raises(idea_services.IdeaActionRefused, match="New members cannot post links"):
        idea_services.revise_idea(user=member, idea_id=idea.pk, title="A travel lid for the flask",
                                  description="Like the one at https://example.com")


# Reviews --------------------------------------------------------------------------------------

def test_links_edited_into_a_review_are_flagged_and_a_quick_typo_fix_is_not(site_tree):
    member = member_at(1)
    review = write_review(author=member, title="Solid kettle", body=LONG * 3)
    write_review(author=member, product=review.product, title="Solid kettle",
                 body=(LONG * 3).replace("citric", "citrc", 1))
    assert signals_on(review) == []
    write_review(author=member, product=review.product, title="Solid kettle", body=f"{LONG} {LINKS}")
    assert signals_on(review) == ["many_links"]
