"""No N+1: every list endpoint costs the same number of queries whatever the page holds
(exact counts, measured with a token whose last use was just recorded).

Each costs the token (with its member) and the reader's roles, then the page: topics 1,
posts 2 (the topic, its posts), ideas 2 (ideas, their images), reviews 3 (the public
products, reviews with authors and replies, authors' roles), follow-ups 1; the rewards
catalogue, redemptions and orders 1 each (no roles: nothing there depends on them)."""

import pytest

from reviews.models import FollowUp
from rewards.services.redemption import redeem
from tests.api.conftest import ApiClient, token_for
from tests.factories import UserFactory, make_product
from tests.forum.factories import make_reply, make_topic
from tests.ideas.factories import published_idea
from tests.reviews.factories import write_review
from tests.rewards.factories import give_points, key, make_reward
from tests.shop.factories import OrderFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("moderation_relaxed", "site_tree")]


def _warm(client, path):
    # The first request records the token's last use (an UPDATE, at most once a minute).
    assert client.get(path).status_code == 200


def _counted(django_assert_num_queries, client, path, count, *, items):
    with django_assert_num_queries(count):
        response = client.get(path)
    assert response.status_code == 200, response.content
    body = response.json()
    rows = body if isinstance(body, list) else body.get("results", body.get("rows"))
    assert len(rows) == items


def test_topics_and_posts(django_assert_num_queries, alice, category):
    client = ApiClient(token_for(alice)[1])
    topic = make_topic(author=UserFactory(), category=category)
    _warm(client, "/api/v1/topics/")
    _counted(django_assert_num_queries, client, "/api/v1/topics/", 3, items=1)
    _counted(django_assert_num_queries, client, f"/api/v1/topics/{topic.pk}/posts/", 4, items=1)
    for n in range(4):
        make_topic(author=UserFactory(), category=category, title=f"Another kettle question {n}")
        make_reply(topic, author=UserFactory())
    _counted(django_assert_num_queries, client, "/api/v1/topics/", 3, items=5)
    _counted(django_assert_num_queries, client, f"/api/v1/topics/{topic.pk}/posts/", 4, items=5)


def test_ideas(django_assert_num_queries, alice):
    client = ApiClient(token_for(alice)[1])
    published_idea(title="First idea")
    _warm(client, "/api/v1/ideas/")
    _counted(django_assert_num_queries, client, "/api/v1/ideas/", 4, items=1)
    for n in range(3):
        published_idea(title=f"Idea number {n}")
    _counted(django_assert_num_queries, client, "/api/v1/ideas/", 4, items=4)


def test_reviews_and_follow_ups(django_assert_num_queries, brand):
    client = ApiClient(token_for(brand, scopes=["read", "staff"])[1])
    write_review(product=make_product(title="K0", sku="K0"), rating=1, body="It broke after one week.")
    _warm(client, "/api/v1/reviews/")
    _counted(django_assert_num_queries, client, "/api/v1/reviews/", 4, items=1)
    _counted(django_assert_num_queries, client, "/api/v1/follow-ups/", 3, items=1)
    for n in range(1, 4):
        write_review(
            product=make_product(title=f"K{n}", sku=f"K{n}"), rating=1, body="It broke after a week."
        )
    assert FollowUp.objects.count() == 4
    _counted(django_assert_num_queries, client, "/api/v1/reviews/", 4, items=4)
    _counted(django_assert_num_queries, client, "/api/v1/follow-ups/", 3, items=4)


def test_leaderboards_rewards_redemptions_and_orders(django_assert_num_queries, alice):
    client = ApiClient(token_for(alice)[1])
    reward = make_reward(cost=1)
    give_points(alice, 100)
    redeem(member=alice, reward_id=reward.pk, idempotency_key=key())
    OrderFactory(member=alice)
    _warm(client, "/api/v1/rewards/")
    _counted(django_assert_num_queries, client, "/api/v1/rewards/", 2, items=1)
    _counted(django_assert_num_queries, client, "/api/v1/me/redemptions/", 2, items=1)
    _counted(django_assert_num_queries, client, "/api/v1/me/orders/", 2, items=1)
    _counted(django_assert_num_queries, client, "/api/v1/leaderboards/all/", 3, items=1)
    for _ in range(3):
        make_reward(cost=1)
        redeem(member=alice, reward_id=reward.pk, idempotency_key=key())
        OrderFactory(member=alice)
        give_points(UserFactory(), 10)
    _counted(django_assert_num_queries, client, "/api/v1/rewards/", 2, items=4)
    _counted(django_assert_num_queries, client, "/api/v1/me/redemptions/", 2, items=4)
    _counted(django_assert_num_queries, client, "/api/v1/me/orders/", 2, items=4)
    _counted(django_assert_num_queries, client, "/api/v1/leaderboards/all/", 3, items=4)
