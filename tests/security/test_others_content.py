"""A member can never change, remove or read what belongs to someone else, and hidden content
leaks through no route: page, fragment, history, search, listings, autocomplete, profile.

The authorization walk sends empty forms; here every request carries a valid form, so a
refusal that answers with a friendly redirect is still proven to have changed nothing.
"""

import pytest
from django.urls import reverse

from community.models import Notification
from forum import services as forum_services
from forum.models import Post
from ideas.models import Idea
from reviews.models import BrandReply, Review
from tests.factories import CommunityManagerFactory, UserFactory, make_product
from tests.forum.factories import CategoryFactory, make_reply, make_topic
from tests.ideas.factories import submitted_idea
from tests.reviews.factories import write_review
from tests.security.conftest import Readers

# On the production path (tests/security/conftest.py): every cache on, production middleware.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("moderation_relaxed", "production_path")]


@pytest.fixture
def owner():
    return UserFactory(username="owner", display_name="Owner")


@pytest.fixture
def intruder(client):
    member = UserFactory(username="intruder")
    client.force_login(member)
    return member


def test_another_members_post_cannot_be_edited(client, owner, intruder):
    topic = make_topic(author=owner, title="Owner's own topic title", body="Original words.")
    post = topic.posts.get()
    response = client.post(reverse("forum:edit_post", args=[post.pk]),
                           {"body": "Defaced by the intruder.", "title": "Defaced title"})
    assert response.status_code in (403, 404)
    post.refresh_from_db()
    topic.refresh_from_db()
    assert post.body == "Original words." and topic.title == "Owner's own topic title"


def test_another_members_post_cannot_be_deleted(client, owner, intruder):
    reply = make_reply(make_topic(author=owner), author=owner, body="Keep me.")
    response = client.post(reverse("forum:delete_post", args=[reply.pk]))
    assert response.status_code in (403, 404)
    assert Post.objects.get(pk=reply.pk).deleted_at is None


def test_another_members_idea_cannot_be_edited(client, owner, intruder):
    idea = submitted_idea(creator=owner, title="Owner's idea for a travel lid")
    client.post(reverse("ideas:edit", args=[idea.pk]),
                {"title": "Defaced idea title here", "description": "Defaced description of the idea."})
    idea.refresh_from_db()
    assert idea.title == "Owner's idea for a travel lid"


def test_another_members_idea_in_review_is_not_visible_to_them(client, owner, intruder):
    idea = submitted_idea(creator=owner, title="A secret idea in review")
    assert client.get(reverse("ideas:short", args=[idea.pk])).status_code == 404
    assert "A secret idea in review" not in client.get(reverse("ideas:index")).content.decode()
    assert Idea.objects.filter(pk=idea.pk).exists()


def test_a_customer_cannot_hide_a_review_or_reply_as_the_brand(client, owner, intruder):
    review = write_review(author=owner, rating=2, title="Owner's review", body="It leaks from the lid.")
    response = client.post(reverse("reviews:hide", args=[review.pk]), {"reason": "I dislike it"})
    assert response.status_code == 403
    assert Review.objects.get(pk=review.pk).hidden_at is None
    response = client.post(reverse("reviews:reply", args=[review.pk]), {"body": "Official: ignore this."})
    assert response.status_code == 403
    assert not BrandReply.objects.exists()


def test_another_members_notifications_cannot_be_read_opened_or_marked(client, owner, intruder):
    from community.services.notifications import notify

    notify(recipient=owner, kind="forum.reply", message="Private: your order 1234", url="/forum/")
    notification = Notification.objects.get(recipient=owner)
    assert "Private: your order 1234" not in client.get(reverse("community:notifications")).content.decode()
    assert client.post(reverse("community:notification_open", args=[notification.pk])).status_code == 404
    client.post(reverse("community:notification_read", args=[notification.pk]))
    client.post(reverse("community:notifications_read_all"))
    notification.refresh_from_db()
    owner.refresh_from_db()
    assert notification.read_at is None and owner.unread_notification_count == 1


def test_a_customer_cannot_act_as_a_moderator(client, owner, intruder):
    for name, data in [("moderation:member_suspend", {"days": 7, "reason": "Because"}),
                       ("moderation:member_warn", {"reason": "Because"}),
                       ("moderation:member_trust", {"level": 0, "reason": "Because"})]:
        assert client.post(reverse(name, args=[owner.username]), data).status_code == 403, name
    owner.refresh_from_db()
    assert owner.suspended_until is None


@pytest.fixture
def manager():
    return CommunityManagerFactory()


@pytest.fixture
def topics_to_hide(owner):
    category = CategoryFactory(slug="kitchen")
    make_topic(author=UserFactory(), category=category, title="A visible neighbour topic")
    topic = make_topic(author=owner, category=category, title="Zanzibar hidden title",
                       body="Zanzibar hidden body text")
    reply_topic = make_topic(author=UserFactory(), category=category, title="Open topic with hidden reply")
    reply = make_reply(reply_topic, author=owner, body="Quixotic hidden reply text")
    return topic, reply


def _pages_showing(owner, topic, reply) -> list[str]:
    opening = topic.posts.get()
    return [
        reverse("forum:topic_short", args=[topic.pk]),
        *(reverse(name, args=[post.pk]) for post in (opening, reply)
          for name in ("forum:post_fragment", "forum:post_history", "forum:post")),
        reverse("forum:index"), reverse("forum:category", args=["kitchen"]),
        reverse("forum:search") + "?q=Zanzibar", reverse("forum:search") + "?q=Quixotic",
        reverse("forum:topic_short", args=[reply.topic_id]),
        reverse("community:profile", args=[owner.username]),
        reverse("forum:mention_candidates") + "?q=own",
    ]


def test_hidden_content_leaks_through_no_route(owner, intruder, manager, topics_to_hide,
                                               django_capture_on_commit_callbacks):
    """Every page is read while the content is visible (the caches fill), then hidden as a
    moderator does, then read again by the manager first, who still sees it: neither the
    intruder nor anonymous visitors get it, from a cache or freshly rendered."""
    topic, reply = topics_to_hide
    pages = _pages_showing(owner, topic, reply)
    readers = Readers([manager, owner, intruder])
    for url in pages:
        readers.read(url)
    with django_capture_on_commit_callbacks(execute=True):
        forum_services.hide_post(actor=manager, post=topic.posts.get(), reason="Spam")
        forum_services.hide_post(actor=manager, post=reply, reason="Spam")
    assert readers.clients[-1][1].get(reverse("forum:topic_short", args=[topic.pk])).status_code == 404
    manager_saw = set()
    for url in pages:
        for reader, page in readers.read(url).items():
            shown = "Zanzibar hidden" in page or "Quixotic hidden" in page
            if reader == manager.username and shown:
                manager_saw.add(url)
            elif reader not in (manager.username, owner.username):
                # (The search page echoes the query word, never the hidden text around it.)
                assert not shown, f"{url} as {reader}"
    # The manager's renderings held the hidden text, so a cache mixing readers would leak it.
    assert reverse("forum:topic_short", args=[reply.topic_id]) in manager_saw


def test_a_hidden_review_is_not_shown_on_the_product_page(owner, intruder, manager, site_tree,
                                                         django_capture_on_commit_callbacks):
    """Read while visible (the caches fill), hidden as a moderator does, read again by the
    manager first: neither the intruder nor anonymous visitors get it."""
    from reviews.services import hide_review

    product = make_product(title="Hidden Review Kettle")
    review = write_review(author=owner, product=product, rating=1, title="Zanzibar review",
                          body="Zanzibar review body")
    readers = Readers([manager, intruder])
    assert all("Zanzibar review" in page for page in readers.read(product.url).values())
    with django_capture_on_commit_callbacks(execute=True):
        hide_review(actor=manager, review_id=review.pk, reason="Off-topic")
    pages = readers.read(product.url)
    shown_to = [reader for reader, page in pages.items() if "Zanzibar review" in page]
    assert shown_to in ([], [manager.username]), shown_to
