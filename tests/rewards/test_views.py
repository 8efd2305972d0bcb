import re

import pytest
from wagtail.images import get_image_model

from badges.selectors import balances_of
from rewards.models import Redemption, Reward
from tests.factories import UserFactory, image_upload
from tests.rewards.factories import ADDRESS, give_points, key, level, make_reward

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("levels")]


def _image():
    from wagtail.models import Collection

    if not Collection.get_first_root_node():  # flushed by an earlier transactional test
        Collection.add_root(name="Root")
    return get_image_model().objects.create(title="A kettle", file=image_upload("kettle.png"))


def _catalogue(member=None):
    rewards = [make_reward(cost=100, image=_image()),
               make_reward(cost=200, min_level=level("Gold"), title="Gold kettle"),
               make_reward(kind=Reward.Kind.GIFT, cost=50, stock=0, title="Sold-out mug"),
               make_reward(kind=Reward.Kind.INCREMENTAL, cost=100, title="Money off"),
               make_reward(kind=Reward.Kind.DONATION, cost=100, title="Plant a tree")]
    return rewards


def test_the_catalogue_shows_a_member_their_balance_and_why_each_reward_is_out_of_reach(
        client, django_assert_num_queries):
    member = UserFactory()
    give_points(member, 150)
    code, gold, mug, money, tree = _catalogue()
    client.force_login(member)
    client.get("/rewards/")  # renditions are made on the first view
    # member, roles, levels, balances, the levels' basis, own redemptions, rewards, images,
    # renditions (the session comes from the cache)
    with django_assert_num_queries(9):
        html = client.get("/rewards/").content.decode()
    assert 'id="spendable-points">150<' in html
    assert "level <strong>Bronze</strong>" in html
    card = lambda reward: html.split(f'id="reward-{reward.pk}"')[1].split("reward-card")[0]  # noqa: E731
    assert "You can redeem this." in card(code)
    assert "For Gold members and above; you are Bronze." in card(gold)
    assert "Out of stock." in card(mug)
    assert "You can redeem this." in card(money)
    for _ in range(3):
        make_reward(cost=100, image=_image())
    client.get("/rewards/")
    with django_assert_num_queries(9):
        client.get("/rewards/")


def test_a_visitor_sees_the_catalogue_and_is_asked_to_log_in(client, django_assert_num_queries):
    _catalogue()
    client.get("/rewards/")
    with django_assert_num_queries(4):  # levels, rewards, images, renditions
        html = client.get("/rewards/").content.decode()
    assert html.count("Log in to redeem rewards.") == 5


def test_a_reward_page_and_its_confirmation_show_the_cost_and_the_balance_after(
        client, django_assert_num_queries):
    member = UserFactory()
    give_points(member, 350)
    reward = make_reward(cost=120)
    client.force_login(member)
    # member, roles, reward (no image: no image query), levels, balances, the levels' basis,
    # own redemptions
    with django_assert_num_queries(7):
        html = client.get(f"/rewards/{reward.pk}/").content.decode()
    assert f'href="/rewards/{reward.pk}/confirm/"' in html
    with django_assert_num_queries(7):
        html = client.get(f"/rewards/{reward.pk}/confirm/").content.decode()
    assert re.search(r'id="confirm-cost">120 points<', html)
    assert re.search(r'id="confirm-after">230<', html)
    assert 'name="idempotency_key"' in html


def test_posting_the_confirmation_twice_redeems_once_and_lands_on_my_rewards(client):
    member = UserFactory()
    give_points(member, 350)
    reward = make_reward(cost=120)
    client.force_login(member)
    form = {"idempotency_key": key()}
    first = client.post(f"/rewards/{reward.pk}/confirm/", form)
    second = client.post(f"/rewards/{reward.pk}/confirm/", form)
    redemption = Redemption.objects.get(member=member)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/rewards/mine/#redemption-{redemption.pk}"
    assert balances_of(member.pk).spendable == 230
    html = client.get("/rewards/mine/").content.decode()
    assert redemption.code in html


def test_a_refused_redemption_shows_the_reason_on_the_confirmation_and_keeps_the_address(client):
    member = UserFactory()
    give_points(member, 100)
    reward = make_reward(kind=Reward.Kind.GIFT, cost=300, stock=3)
    client.force_login(member)
    response = client.post(f"/rewards/{reward.pk}/confirm/", {"idempotency_key": key(), **ADDRESS})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This needs 300 points and you have 100 to spend." in html
    assert 'value="1 Kettle Lane"' in html or "1 Kettle Lane</textarea>" in html
    assert not Redemption.objects.exists()


def test_a_bronze_member_posting_for_a_gold_reward_is_told_why(client):
    member = UserFactory()
    give_points(member, 200)
    reward = make_reward(cost=100, min_level=level("Gold"))
    client.force_login(member)
    response = client.post(f"/rewards/{reward.pk}/confirm/", {"idempotency_key": key()})
    assert response.status_code == 403
    assert "This reward is for Gold members and above; you are Bronze." in response.content.decode()
    assert balances_of(member.pk).spendable == 200


def test_an_incremental_discount_is_checked_on_the_server_and_keeps_the_points_typed(client):
    member = UserFactory()
    give_points(member, 1000)
    reward = make_reward(kind=Reward.Kind.INCREMENTAL, cost=100, min_steps=1, max_steps=5)
    client.force_login(member)
    for bad, message in (("150", "steps of 100"), ("9000", "at most 500"), ("-5", "greater than"),
                         ("abc", "whole number")):
        response = client.post(f"/rewards/{reward.pk}/confirm/",
                               {"idempotency_key": key(), "points": bad})
        assert response.status_code == 400
        html = response.content.decode()
        assert message in html and f'value="{bad}"' in html
    html = client.get(f"/rewards/{reward.pk}/confirm/", {"points": "300"}).content.decode()
    assert re.search(r'id="confirm-after">700<', html)
    response = client.post(f"/rewards/{reward.pk}/confirm/", {"idempotency_key": key(), "points": "300"})
    assert response.status_code == 302
    assert Redemption.objects.get(member=member).amount == 3


def test_my_rewards_lists_only_the_members_own_redemptions_and_is_never_cached(
        client, django_assert_num_queries):
    member, other = UserFactory(), UserFactory()
    for m in (member, other):
        give_points(m, 500)
    from rewards.services.redemption import redeem

    mine = redeem(member=member, reward_id=make_reward(cost=100).pk, idempotency_key=key())
    theirs = redeem(member=other, reward_id=make_reward(cost=100).pk, idempotency_key=key())
    client.force_login(member)
    with django_assert_num_queries(3):  # member, roles, redemptions with their rewards
        response = client.get("/rewards/mine/")
    html = response.content.decode()
    assert mine.code in html and theirs.code not in html
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_levels_page_shows_what_each_level_unlocks(client, django_assert_num_queries):
    from rewards.models import LevelPerk

    gold = level("Gold")
    entry = make_reward(cost=0, title="Gold welcome code")
    LevelPerk.objects.create(level=gold, description="Early access to new products.",
                             entry_reward=entry)
    make_reward(cost=300, min_level=gold, title="Gold-only grinder")
    # levels, the levels' basis, perks with entry rewards, reserved rewards
    with django_assert_num_queries(4):
        html = client.get("/rewards/levels/").content.decode()
    section = html.split(f'id="level-{gold.pk}"')[1].split("</li>\n")[0]
    assert "Early access to new products." in section
    assert "Gold welcome code" in section and "Gold-only grinder" in section


def test_a_cause_page_shows_its_running_total_publicly(client, django_assert_num_queries):
    from rewards.services.redemption import redeem

    reward = make_reward(kind=Reward.Kind.DONATION, cost=100)
    for _ in range(3):
        member = UserFactory()
        give_points(member, 100)
        redeem(member=member, reward_id=reward.pk, idempotency_key=key())
    with django_assert_num_queries(3):  # cause, its rewards, the total
        html = client.get(reward.cause.get_absolute_url()).content.decode()
    assert 'id="cause-total">7.50<' in html
    assert "by 3 members" in html


def test_an_unknown_or_unpublished_reward_is_not_found(client):
    hidden = make_reward(cost=10, live=False)
    assert client.get(f"/rewards/{hidden.pk}/").status_code == 404
    assert client.get("/rewards/999999/").status_code == 404
    assert client.get("/rewards/causes/nothing/").status_code == 404


def test_a_suspended_member_is_refused_a_redemption_and_keeps_their_points(client):
    from tests.badges.factories import suspend

    member = UserFactory()
    give_points(member, 500)
    reward = make_reward(cost=100)
    suspend(member)
    client.force_login(member)
    assert "Your account is suspended." in client.get(f"/rewards/{reward.pk}/").content.decode()
    response = client.post(f"/rewards/{reward.pk}/confirm/", {"idempotency_key": key()})
    assert response.status_code == 403
    assert "you can redeem rewards again when the suspension ends" in response.content.decode()
    assert balances_of(member.pk).spendable == 500
    assert not Redemption.objects.exists()
