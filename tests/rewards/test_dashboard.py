import pytest

from rewards.services.redemption import redeem
from tests.factories import BrandStaffFactory, UserFactory
from tests.rewards.factories import give_points, key, make_pool, make_reward

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_liability_redemptions_and_what_runs_low(client):
    member = UserFactory()
    give_points(member, 1000)
    mug = make_reward(title="Ember mug", cost=100, code_pool=make_pool(codes=3, low_threshold=5))
    make_reward(title="Travel kettle", kind="gift", cost=300, stock=2)
    redeem(member=member, reward_id=mug.pk, idempotency_key=key())
    redeem(member=member, reward_id=mug.pk, idempotency_key=key())
    client.force_login(BrandStaffFactory())
    html = client.get("/staff/loyalty/").content.decode()
    assert '<span class="stat-number" id="stat-liability">800</span>' in html
    assert '<span class="stat-number" id="stat-redemptions">2</span>' in html
    assert '<th scope="col">Ember mug</th>' in html  # the chart's series
    assert "code left of 3" in html or "codes left of 3" in html
    assert "Travel kettle</a>: 2 left" in html
    assert 'id="stat-referrals">0</span>' in html


def test_the_dashboard_query_count_does_not_grow_with_redemptions(client, django_assert_num_queries):
    staff = BrandStaffFactory()
    client.force_login(staff)
    client.get("/staff/loyalty/")
    # session + member, roles; liability, redemptions per week, pools, low stock, pending
    # gifts, referrals held
    with django_assert_num_queries(8) as first:
        assert client.get("/staff/loyalty/").status_code == 200
    member = UserFactory()
    give_points(member, 5000)
    for i in range(6):
        reward = make_reward(title=f"Reward {i}", cost=100)
        redeem(member=member, reward_id=reward.pk, idempotency_key=key())
    with django_assert_num_queries(len(first.captured_queries)):
        client.get("/staff/loyalty/")


def test_members_may_not_see_the_dashboard(client):
    client.force_login(UserFactory())
    assert client.get("/staff/loyalty/").status_code == 403
