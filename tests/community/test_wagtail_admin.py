"""Hearth's screens in the Wagtail admin: deletes that other rows still need are refused with
a message (never a server error, never a partial delete), like rings are never added by hand,
and snippet choosers answer 404 to ids that cannot exist."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from wagtail.models import ModelLogEntry

from badges.models import SuspectedRing
from community import wagtail_admin
from community.models import User
from community.wagtail_admin import deletion_blockers
from forum.models import Category, Topic
from ideas.models import Milestone
from tests.factories import CommunityManagerFactory, UserFactory
from tests.forum.factories import CategoryFactory, make_reply, make_topic
from tests.ideas.factories import published_idea

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return CommunityManagerFactory()


@pytest.fixture
def root():
    user = UserFactory(username="root")
    user.is_superuser = user.is_staff = True
    user.save()
    return user


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_text(response) -> str:
    return response.content.decode()


def deletes_logged() -> int:
    return ModelLogEntry.objects.filter(action="wagtail.delete").count()


# Forum categories -------------------------------------------------------------------------

def test_a_manager_deleting_a_category_with_topics_sees_why_and_nothing_is_deleted(moderation_relaxed,
                                                                                   manager):
    category = CategoryFactory(name="Kettles")
    topic = make_topic(category=category)
    client = signed_in(manager)
    url = reverse("forum_categories:delete", args=[category.pk])
    message = "“Kettles” cannot be deleted: 1 topic still depends on it. Move its topics"

    confirmation = client.get(url, follow=True)
    assert confirmation.redirect_chain == [(reverse("forum_categories:edit", args=[category.pk]), 302)]
    assert message in page_text(confirmation)
    assert "Yes, delete" not in page_text(confirmation)

    refused = client.post(url, follow=True)
    assert refused.status_code == 200 and message in page_text(refused)
    assert Topic.objects.filter(pk=topic.pk, category=category).exists()
    assert Category.objects.filter(pk=category.pk).exists()
    assert deletes_logged() == 0


def test_an_empty_category_is_deleted(manager):
    category = CategoryFactory(name="Unused")
    response = signed_in(manager).post(reverse("forum_categories:delete", args=[category.pk]))
    assert response.status_code == 302
    assert not Category.objects.filter(pk=category.pk).exists()
    assert deletes_logged() == 1


def test_a_topic_that_arrives_between_the_check_and_the_delete_still_stops_it(moderation_relaxed, manager,
                                                                                monkeypatch):
    category = CategoryFactory(name="Kettles")
    make_topic(category=category)
    real = wagtail_admin.deletion_blockers
    # The first check runs as if the topic were not there yet; the delete then meets it.
    first_answers = [Counter()]
    monkeypatch.setattr(wagtail_admin, "deletion_blockers",
                        lambda objects: first_answers.pop() if first_answers else real(objects))

    response = signed_in(manager).post(reverse("forum_categories:delete", args=[category.pk]), follow=True)

    assert "“Kettles” cannot be deleted: 1 topic still depends on it." in page_text(response)
    assert Category.objects.filter(pk=category.pk).exists()
    assert deletes_logged() == 0  # the delete's log entry was rolled back with it


def test_brand_staff_are_refused_before_any_reason_is_given(moderation_relaxed):
    from tests.factories import BrandStaffFactory

    category = CategoryFactory(name="Kettles")
    make_topic(category=category)
    response = signed_in(BrandStaffFactory()).post(reverse("forum_categories:delete", args=[category.pk]),
                                                   follow=True)
    assert "cannot be deleted" not in page_text(response)
    assert Category.objects.filter(pk=category.pk).exists()


def test_finding_what_blocks_a_delete_costs_the_same_queries_for_one_topic_or_many(moderation_relaxed):
    one, many = CategoryFactory(name="One"), CategoryFactory(name="Many")
    make_topic(category=one)
    for n in range(6):
        make_topic(category=many, title=f"Question number {n} about kettles")

    counts = []
    for category in (one, many):
        with CaptureQueriesContext(connection) as queries:
            blockers = deletion_blockers([category])
        counts.append(len(queries))
        assert blockers == Counter({Topic: category.topics.count()})
    assert counts[0] == counts[1]


# Idea milestones (a snippet) ------------------------------------------------------------------

def test_a_milestone_an_idea_is_heading_for_is_not_deleted(manager):
    idea = published_idea(title="A travel lid that clicks")
    milestone = idea.next_milestone
    url = reverse("wagtailsnippets_ideas_milestone:delete", args=[milestone.pk])

    response = signed_in(manager).post(url, follow=True)

    assert f"“{milestone}” cannot be deleted: 1 idea still depends on it." in page_text(response)
    assert Milestone.objects.filter(pk=milestone.pk).exists()
    assert deletes_logged() == 0


def test_a_milestone_no_idea_is_heading_for_is_deleted(manager):
    published_idea(title="A travel lid that clicks")
    unused = Milestone.objects.order_by("-supporters").first()
    response = signed_in(manager).post(reverse("wagtailsnippets_ideas_milestone:delete", args=[unused.pk]))
    assert response.status_code == 302
    assert not Milestone.objects.filter(pk=unused.pk).exists()


def test_a_bulk_delete_of_milestones_is_refused_when_one_is_still_needed(manager):
    idea = published_idea(title="A travel lid that clicks")
    needed = idea.next_milestone
    unused = Milestone.objects.order_by("-supporters").first()
    listing = reverse("wagtailsnippets_ideas_milestone:list")
    url = (reverse("wagtail_bulk_action", args=("ideas", "milestone", "delete"))
           + f"?id={needed.pk}&id={unused.pk}&next={listing}")

    response = signed_in(manager).post(url, follow=True)

    assert response.redirect_chain[-1][0] == listing
    assert "cannot be deleted: 1 idea still depends on them." in page_text(response)
    assert Milestone.objects.filter(pk__in=[needed.pk, unused.pk]).count() == 2


# Members (Wagtail's user screens) -------------------------------------------------------------

def test_a_member_who_wrote_posts_is_not_deleted_and_the_superuser_is_told_what_to_do(moderation_relaxed,
                                                                                       root):
    author = UserFactory(username="writer")
    topic = make_topic(author=author)
    make_reply(topic, author=author)
    url = reverse("wagtailusers_users:delete", args=[author.pk])

    response = signed_in(root).post(url, follow=True)

    assert response.redirect_chain == [(reverse("wagtailusers_users:edit", args=[author.pk]), 302)]
    text = page_text(response)
    assert "“writer” cannot be deleted: 2 posts and 1 topic still depend on it." in text
    assert "Suspend the member" in text
    assert User.objects.filter(pk=author.pk).exists()
    assert deletes_logged() == 0


def test_a_member_without_posts_is_deleted(root):
    lurker = UserFactory(username="lurker")
    response = signed_in(root).post(reverse("wagtailusers_users:delete", args=[lurker.pk]))
    assert response.status_code == 302
    assert not User.objects.filter(pk=lurker.pk).exists()


def test_a_bulk_delete_of_members_is_refused_when_one_wrote_posts(moderation_relaxed, root):
    author, lurker = UserFactory(username="writer"), UserFactory(username="lurker")
    make_topic(author=author)
    listing = reverse("wagtailusers_users:index")
    url = (reverse("wagtail_bulk_action", args=("community", "user", "delete"))
           + f"?id={author.pk}&id={lurker.pk}&next={listing}")

    response = signed_in(root).post(url, follow=True)

    assert "cannot be deleted: 1 post and 1 topic still depend on them." in page_text(response)
    assert User.objects.filter(pk__in=[author.pk, lurker.pk]).count() == 2


# Like rings -----------------------------------------------------------------------------------

def test_like_rings_are_only_found_never_added_by_hand(manager):
    with pytest.raises(NoReverseMatch):
        reverse("points_rings:add")
    client = signed_in(manager)
    assert client.post("/admin/points_rings/new/").status_code == 404
    assert SuspectedRing.objects.count() == 0
    index = client.get(reverse("points_rings:index"))
    assert index.status_code == 200 and "/admin/points_rings/new/" not in page_text(index)


# Snippet choosers -----------------------------------------------------------------------------

def test_snippet_choosers_answer_404_to_ids_that_cannot_exist(manager):
    milestone = Milestone.objects.order_by("pk").first()
    client = signed_in(manager)

    def chosen(pk):
        return client.get(reverse("wagtailsnippetchoosers_ideas_milestone:chosen", args=[pk]))

    assert chosen("x").status_code == 404
    assert chosen("999999").status_code == 404
    assert json.loads(chosen(milestone.pk).content)["result"]["id"] == str(milestone.pk)


    several = client.get(reverse("wagtailsnippetchoosers_ideas_milestone:chosen_multiple")
                         + f"?id=x&id={milestone.pk}")
    assert [item["id"] for item in json.loads(several.content)["result"]] == [str(milestone.pk)]


def test_snippet_choosers_without_a_creation_form_have_nothing_to_create(manager):
    client = signed_in(manager)
    url = reverse("wagtailsnippetchoosers_ideas_milestone:create")
    assert client.get(url).status_code == 404
    assert client.post(url, {"supporters": "5"}).status_code == 404
    assert Milestone.objects.filter(supporters=5).count() == 0


# Badges ---------------------------------------------------------------------------------------

def test_a_badge_members_hold_is_not_deleted_and_the_manager_is_told_to_deactivate_it(manager):
    from badges.models import Badge, BadgeGrant
    from badges.services.ledger import record_event
    from tests.badges.factories import next_source

    member = UserFactory()
    record_event(kind="reply_created", user_id=member.pk, source_id=next_source())
    badge = Badge.objects.get(slug="first-post")
    url = reverse("points_badges:delete", args=[badge.pk])

    response = signed_in(manager).post(url, follow=True)

    text = page_text(response)
    assert f"“{badge}” cannot be deleted: 1 badge grant still depends on it." in text
    assert "untick “active”" in text
    assert BadgeGrant.objects.filter(user=member, badge=badge).exists()
    assert deletes_logged() == 0
