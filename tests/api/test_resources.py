"""Every resource through the API, per role: what the site shows each reader is what the API
shows them, and the site's services decide every write."""

import pytest
from django.contrib.auth.models import Group

from forum import services as forum_services
from forum.models import Post, Topic
from ideas.models import Support
from ideas.services.moderation import hide_idea
from moderation.services.members import suspend_member
from reviews.models import BrandReply, FollowUp, Review
from reviews.services import hide_review
from rewards.services.redemption import redeem
from tests.api.conftest import problem_of
from tests.factories import UserFactory, make_product
from tests.forum.factories import CategoryFactory, make_reply, make_topic
from tests.ideas.factories import published_idea
from tests.reviews.factories import write_review
from tests.rewards.factories import give_points, key, make_reward
from tests.shop.factories import OrderFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("moderation_relaxed", "site_tree")]


# --- members ---------------------------------------------------------------------------------


def test_a_profile_shows_level_and_badges_and_points_only_to_its_member(api, alice, bob):
    public = api(bob).get("/api/v1/members/alice/").json()
    assert public["username"] == "alice" and public["name"] == "Alice Moreau"
    assert public["points"] is None and isinstance(public["badges"], list)
    assert api(alice).get("/api/v1/members/alice/").json()["points"] == {"lifetime": 0, "spendable": 0}
    assert api(alice).get("/api/v1/me/").json()["points"] == {"lifetime": 0, "spendable": 0}


def test_an_unknown_member_is_a_404_problem(api, alice):
    assert (
        problem_of(api(alice).get("/api/v1/members/nobody/"), 404)["type"] == "urn:hearth:problem:not-found"
    )


# --- forum -----------------------------------------------------------------------------------


def test_a_member_starts_a_topic_in_an_open_category_as_themselves(api, alice, category):
    response = api(alice).post(
        "/api/v1/topics/", {"category": "kitchen", "title": "Which descaler?", "body": "Mine is crusted."}
    )
    assert response.status_code == 201, response.content
    topic = Topic.objects.get(pk=response.json()["id"])
    assert topic.author == alice and topic.category == category


def test_an_invalid_topic_is_refused_with_the_sites_message_and_nothing_is_written(api, alice, category):
    body = problem_of(
        api(alice).post("/api/v1/topics/", {"category": "kitchen", "title": "", "body": "x"}), 400
    )
    assert body["errors"]
    assert not Topic.objects.exists()


def test_hidden_posts_show_only_to_their_author_and_managers(api, alice, bob, manager, category):
    topic = make_topic(author=bob, category=category)
    post = make_reply(topic, author=alice, body="Rude words.")
    forum_services.hide_post(actor=manager, post=post, reason="rude")
    path = f"/api/v1/topics/{topic.pk}/posts/"

    def numbers(client):
        return [p["post_number"] for p in client.get(path).json()["results"]]

    assert numbers(api()) == [1]
    assert numbers(api(bob)) == [1]
    assert numbers(api(alice)) == [1, 2]
    assert numbers(api(manager)) == [1, 2]
    assert problem_of(api(bob).get(f"/api/v1/posts/{post.pk}/"), 404)


def test_a_held_reply_of_a_new_member_stays_hidden_from_others(api, bob, category, settings):
    settings.HEARTH_PREMODERATE = {**settings.HEARTH_PREMODERATE, "forum.post": "new_members"}
    topic = make_topic(author=bob, category=category)
    newcomer = UserFactory(username="newcomer")
    made = api(newcomer).post(f"/api/v1/topics/{topic.pk}/posts/", {"body": "First post, hello."})
    assert made.status_code == 201 and made.json()["is_hidden"] is True
    assert [
        p["post_number"] for p in api(bob).get(f"/api/v1/topics/{topic.pk}/posts/").json()["results"]
    ] == [1]
    assert problem_of(api().get(f"/api/v1/posts/{made.json()['id']}/"), 404)


def test_members_only_categories_stay_closed_to_outsiders(api, alice, bob):
    insiders = Group.objects.create(name="Early access")
    bob.groups.add(insiders)
    lounge = CategoryFactory(name="Lounge", slug="lounge", members_group=insiders)
    topic = make_topic(author=bob, category=lounge, title="The secret quokka kettle")
    for client in (api(), api(alice)):
        assert client.get("/api/v1/topics/").json()["results"] == []
        assert client.get("/api/v1/topics/", {"category": "lounge"}).json()["results"] == []
        problem_of(client.get(f"/api/v1/topics/{topic.pk}/"), 404)
        problem_of(client.get(f"/api/v1/topics/{topic.pk}/posts/"), 404)
    problem_of(api(alice).post(f"/api/v1/topics/{topic.pk}/posts/", {"body": "Let me in"}), 404)
    problem_of(
        api(alice).post(
            "/api/v1/topics/", {"category": "lounge", "title": "Hello there", "body": "Let me in"}
        ),
        404,
    )
    assert Post.objects.filter(topic=topic).count() == 1
    assert [t["id"] for t in api(bob).get("/api/v1/topics/").json()["results"]] == [topic.pk]


def test_a_suspended_member_reads_but_cannot_post(api, alice, bob, manager, category):
    topic = make_topic(author=bob, category=category)
    client = api(alice)
    suspend_member(actor=manager, user=alice, days=3, reason="spam")
    assert client.get(f"/api/v1/topics/{topic.pk}/").status_code == 200
    body = problem_of(client.post(f"/api/v1/topics/{topic.pk}/posts/", {"body": "Still here"}), 403)
    assert "suspended" in body["title"].lower() or "suspended" in body["detail"].lower()
    assert Post.objects.filter(topic=topic).count() == 1


def test_a_locked_topic_refuses_replies_as_on_the_site(api, alice, bob, manager, category):
    topic = make_topic(author=bob, category=category)
    forum_services.lock_topic(actor=manager, topic=topic, locked=True)
    problem_of(api(alice).post(f"/api/v1/topics/{topic.pk}/posts/", {"body": "Hello"}), 400)
    assert Post.objects.filter(topic=topic).count() == 1


def test_visitors_read_but_writing_needs_a_member(api, bob, category):
    topic = make_topic(author=bob, category=category)
    assert api().get(f"/api/v1/topics/{topic.pk}/posts/").status_code == 200
    body = problem_of(api().post(f"/api/v1/topics/{topic.pk}/posts/", {"body": "Hi"}), 401)
    assert body["type"] == "urn:hearth:problem:not-authenticated"


def test_topics_filter_by_category_and_author(api, alice, bob, category):
    other = CategoryFactory(name="Garden", slug="garden")
    mine = make_topic(author=alice, category=category, title="Alice's kettle question")
    make_topic(author=bob, category=other, title="Bob's garden question")
    client = api(alice)
    assert [t["id"] for t in client.get("/api/v1/topics/", {"category": "kitchen"}).json()["results"]] == [
        mine.pk
    ]
    assert [t["id"] for t in client.get("/api/v1/topics/", {"author": "ALICE"}).json()["results"]] == [
        mine.pk
    ]


def test_lists_page_with_a_cursor(api, alice, category):
    topics = [make_topic(author=alice, category=category, title=f"Kettle question {n}") for n in range(3)]
    first = api(alice).get("/api/v1/topics/", {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"] and "cursor=" in first["next"]
    second = api(alice).get(first["next"]).json()
    seen = [t["id"] for t in first["results"] + second["results"]]
    assert sorted(seen) == sorted(t.pk for t in topics)
    assert second["next"] is None


# --- ideas -----------------------------------------------------------------------------------


def test_a_member_supports_and_withdraws_support_and_twice_changes_nothing(api, alice):
    idea = published_idea(title="A travel lid")
    client = api(alice)
    first = client.post(f"/api/v1/ideas/{idea.pk}/support/")
    assert first.status_code == 200, first.content
    assert first.json() == {"idea_id": idea.pk, "supported": True, "changed": True, "support_count": 1}
    assert client.post(f"/api/v1/ideas/{idea.pk}/support/").json()["changed"] is False
    assert client.get(f"/api/v1/ideas/{idea.pk}/").json()["supported"] is True
    gone = client.send("delete", f"/api/v1/ideas/{idea.pk}/support/")
    assert gone.json() == {"idea_id": idea.pk, "supported": False, "changed": True, "support_count": 0}
    assert not Support.objects.exists()


def test_a_creator_cannot_support_their_own_idea(api):
    idea = published_idea()
    body = problem_of(api(idea.creator).post(f"/api/v1/ideas/{idea.pk}/support/"), 403)
    assert "own idea" in body["detail"]


def test_a_hidden_idea_is_missing_for_others_and_listed_for_nobody_but_managers(api, alice, manager):
    idea = published_idea()
    hide_idea(idea, reason="spam", actor=manager)
    problem_of(api(alice).get(f"/api/v1/ideas/{idea.pk}/"), 404)
    problem_of(api(alice).post(f"/api/v1/ideas/{idea.pk}/support/"), 404)
    assert api(alice).get("/api/v1/ideas/").json()["results"] == []
    assert [i["id"] for i in api(manager).get("/api/v1/ideas/").json()["results"]] == [idea.pk]
    assert not Support.objects.exists()


def test_ideas_sort_by_support(api, alice, bob):
    quiet, popular = published_idea(title="Quiet idea"), published_idea(title="Popular idea")
    api(alice).post(f"/api/v1/ideas/{popular.pk}/support/")
    ids = [i["id"] for i in api(bob).get("/api/v1/ideas/", {"sort": "top"}).json()["results"]]
    assert ids == [popular.pk, quiet.pk]


# --- reviews ---------------------------------------------------------------------------------


def test_a_member_reviews_a_product_and_edits_it(api, alice):
    product = make_product(title="Kettle One")
    client = api(alice)
    made = client.post(
        "/api/v1/reviews/",
        {"product": product.pk, "rating": 4, "title": "Good", "body": "Boils fast and quietly."},
    )
    assert made.status_code == 201, made.content
    edited = client.post(
        "/api/v1/reviews/",
        {"product": product.pk, "rating": 5, "title": "Great", "body": "Boils fast and quietly, still."},
    )
    assert edited.status_code == 200 and edited.json()["rating"] == 5
    assert Review.objects.get().rating == 5
    problem_of(
        client.post("/api/v1/reviews/", {"product": product.pk, "rating": 9, "title": "", "body": "x"}), 400
    )
    assert Review.objects.get().rating == 5


def test_hidden_reviews_never_show(api, alice, bob, manager):
    review = write_review(author=bob)
    hide_review(actor=manager, review_id=review.pk, reason="off topic")
    assert api(alice).get("/api/v1/reviews/").json()["results"] == []
    problem_of(api(alice).get(f"/api/v1/reviews/{review.pk}/"), 404)


def test_brand_staff_reply_to_a_review_and_customers_cannot(api, alice, bob, brand):
    review = write_review(author=bob)
    problem_of(
        api(alice, scopes=["read", "write"]).post(f"/api/v1/reviews/{review.pk}/reply/", {"body": "Thanks!"}),
        403,
    )
    assert not BrandReply.objects.exists()
    response = api(brand, scopes=["read", "write", "staff"]).post(
        f"/api/v1/reviews/{review.pk}/reply/", {"body": "Thank you for the kind words.", "confirmed": True}
    )
    assert response.status_code == 200, response.content
    assert response.json()["brand_reply"]["body"] == "Thank you for the kind words."
    listed = api().get("/api/v1/reviews/", {"product": review.product_id}).json()["results"]
    assert listed[0]["brand_reply"]["body"] == "Thank you for the kind words."


def test_follow_ups_are_for_brand_staff_and_managers(api, alice, bob, brand, manager):
    review = write_review(author=bob, rating=1, title="Broke", body="It broke after a week of use.")
    follow_up = FollowUp.objects.get(review=review)
    problem_of(api(alice, scopes=["read"]).get("/api/v1/follow-ups/"), 403)
    problem_of(api(alice, scopes=["read"]).get(f"/api/v1/follow-ups/{follow_up.pk}/"), 403)
    staff = api(brand, scopes=["read", "write", "staff"])
    assert [f["id"] for f in staff.get("/api/v1/follow-ups/").json()["results"]] == [follow_up.pk]
    moved = staff.send(
        "patch", f"/api/v1/follow-ups/{follow_up.pk}/", {"status": "in_progress", "note": "Calling"}
    )
    assert moved.status_code == 200 and moved.json()["status"] == "in_progress"
    bad = staff.send("patch", f"/api/v1/follow-ups/{follow_up.pk}/", {"status": "open"})
    assert problem_of(bad, 400)["errors"]["status"]
    assert FollowUp.objects.get(pk=follow_up.pk).status == "in_progress"
    assert (
        api(manager, scopes=["read", "staff"]).get(f"/api/v1/follow-ups/{follow_up.pk}/").status_code == 200
    )


# --- leaderboards, rewards, own redemptions and orders ----------------------------------------


def test_leaderboards_rank_members_and_show_your_own_row(api, alice, bob):
    give_points(alice, 50)
    board = api(bob).get("/api/v1/leaderboards/all/").json()
    assert board["board"] == "all" and board["page"] == 1
    assert all(set(row) == {"rank", "member", "points"} for row in board["rows"])
    problem_of(api().get("/api/v1/leaderboards/decade/"), 404)


def test_the_rewards_catalogue_lists_live_rewards_only(api, alice):
    live = make_reward(title="Five off")
    hidden = make_reward(title="Gone", live=False)
    assert [r["id"] for r in api().get("/api/v1/rewards/").json()] == [live.pk]
    assert api(alice).get(f"/api/v1/rewards/{live.pk}/").json()["title"] == "Five off"
    problem_of(api(alice).get(f"/api/v1/rewards/{hidden.pk}/"), 404)


def test_members_see_their_own_redemptions_and_orders_only(api, alice, bob):
    reward = make_reward(cost=10)
    give_points(alice, 100)
    redeem(member=alice, reward_id=reward.pk, idempotency_key=key())
    OrderFactory(member=alice, external_id="A-1")
    OrderFactory(member=bob, external_id="B-1")
    mine = api(alice).get("/api/v1/me/redemptions/").json()["results"]
    assert [r["reward_id"] for r in mine] == [reward.pk] and mine[0]["code"]
    assert api(bob).get("/api/v1/me/redemptions/").json()["results"] == []
    assert [o["external_id"] for o in api(alice).get("/api/v1/me/orders/").json()["results"]] == ["A-1"]
    problem_of(api().get("/api/v1/me/orders/"), 401)


# --- the API's own answers -------------------------------------------------------------------


def test_an_unknown_path_and_a_wrong_method_are_problems(api, alice):
    assert problem_of(api(alice).get("/api/v1/nothing/here/"), 404)["type"] == "urn:hearth:problem:not-found"
    body = problem_of(api(alice).send("delete", "/api/v1/topics/"), 405)
    assert body["type"] == "urn:hearth:problem:method-not-allowed"


def test_the_schema_and_the_docs_page_are_served_without_a_cdn(client):
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/topics/" in schema.content and b"/admin/" not in schema.content
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower() and b"/static/drf_spectacular_sidecar/" in docs.content


def test_a_path_with_an_encoded_line_break_is_a_not_found_problem(api):
    response = api().get("/api/v1/topics/%0Aoops/posts/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
