import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from badges.models import PointsEntry
from badges.selectors import balances_of
from badges.services.wallet import NotEnoughPoints
from community.models import Notification
from community.refusals import Invalid
from rewards.models import DiscountCode, Redemption, Reward
from rewards.services._common import LevelTooLow, LimitReached, NotAvailable, OutOfStock, PoolEmpty
from rewards.services.access import end_expired_access
from rewards.services.redemption import Choice, redeem
from tests.factories import UserFactory
from tests.rewards.factories import ADDRESS, give_points, key, level, make_pool, make_reward

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("levels")]


def _nothing_changed(member, reward, *, spendable, stock=None):
    assert balances_of(member.pk).spendable == spendable
    assert not Redemption.objects.filter(member=member, reward=reward).exists()
    reward.refresh_from_db()
    assert reward.stock == stock


def test_redeeming_a_discount_code_spends_the_cost_and_gives_one_code_from_the_pool():
    member = UserFactory()
    give_points(member, 300)
    reward = make_reward(cost=120, stock=5)
    redemption = redeem(member=member, reward_id=reward.pk, idempotency_key=key())
    assert redemption.state == Redemption.State.ISSUED
    assert redemption.code.startswith(f"{reward.code_pool.prefix}-")
    assert DiscountCode.objects.get(redemption=redemption).code == redemption.code
    assert redemption.points == 120 and redemption.amount == Decimal("5.00")
    b = balances_of(member.pk)
    assert (b.lifetime, b.spendable) == (300, 180)  # lifetime points stay
    entry = PointsEntry.objects.get(pk=redemption.spend_entry_id)
    assert (entry.reason, entry.spendable, entry.source_id, entry.note) == (
        "reward_redeemed", -120, redemption.pk, reward.title)
    reward.refresh_from_db()
    assert reward.stock == 4


def test_the_same_idempotency_key_twice_is_one_redemption():
    member = UserFactory()
    give_points(member, 300)
    reward = make_reward(cost=100)
    same = key()
    first = redeem(member=member, reward_id=reward.pk, idempotency_key=same)
    second = redeem(member=member, reward_id=reward.pk, idempotency_key=same)
    assert first.pk == second.pk
    assert balances_of(member.pk).spendable == 200
    assert DiscountCode.objects.filter(redemption__isnull=False).count() == 1


def test_a_key_reused_for_another_reward_is_refused():
    member = UserFactory()
    give_points(member, 300)
    same = key()
    redeem(member=member, reward_id=make_reward(cost=100).pk, idempotency_key=same)
    with pytest.raises(Invalid):
        redeem(member=member, reward_id=make_reward(cost=100).pk, idempotency_key=same)
    assert balances_of(member.pk).spendable == 200


def test_a_malformed_key_is_refused_before_anything_happens():
    member = UserFactory()
    give_points(member, 300)
    reward = make_reward(cost=100)
    with pytest.raises(Invalid, match="expired"):
        redeem(member=member, reward_id=reward.pk, idempotency_key="x")
    _nothing_changed(member, reward, spendable=300)


def test_too_few_points_are_refused_with_the_numbers_and_nothing_is_taken():
    member = UserFactory()
    give_points(member, 50)
    reward = make_reward(cost=100, stock=3)
    with pytest.raises(NotEnoughPoints, match="needs 100 points and you have 50"):
        redeem(member=member, reward_id=reward.pk, idempotency_key=key())
    _nothing_changed(member, reward, spendable=50, stock=3)
    assert not DiscountCode.objects.filter(redemption__isnull=False).exists()


def test_out_of_stock_is_refused_and_nothing_is_spent():
    member = UserFactory()
    give_points(member, 300)
    reward = make_reward(cost=100, stock=0)
    with pytest.raises(OutOfStock, match="Nothing was spent"):
        redeem(member=member, reward_id=reward.pk, idempotency_key=key())
    _nothing_changed(member, reward, spendable=300, stock=0)


def test_an_empty_pool_is_refused_and_neither_points_nor_stock_are_taken():
    member = UserFactory()
    give_points(member, 300)
    reward = make_reward(cost=100, stock=3, code_pool=make_pool(codes=0))
    with pytest.raises(PoolEmpty):
        redeem(member=member, reward_id=reward.pk, idempotency_key=key())
    _nothing_changed(member, reward, spendable=300, stock=3)


def test_a_bronze_member_is_refused_a_gold_reward_in_words():
    member = UserFactory()
    give_points(member, 200)
    reward = make_reward(cost=100, min_level=level("Gold"))
    with pytest.raises(LevelTooLow) as refused:
        redeem(member=member, reward_id=reward.pk, idempotency_key=key())
    assert refused.value.message == "This reward is for Gold members and above; you are Bronze."
    _nothing_changed(member, reward, spendable=200)


def test_a_gold_member_may_redeem_a_silver_reward():
    member = UserFactory()
    give_points(member, 1200)
    reward = make_reward(cost=100, min_level=level("Silver"))
    assert redeem(member=member, reward_id=reward.pk, idempotency_key=key()).pk


def test_the_per_member_limit_holds_and_a_cancelled_redemption_does_not_count():
    member = UserFactory()
    give_points(member, 1000)
    reward = make_reward(kind=Reward.Kind.GIFT, cost=100, per_member_limit=1, stock=5)
    first = redeem(member=member, reward_id=reward.pk, idempotency_key=key(),
                   choice=Choice(address=ADDRESS))
    with pytest.raises(LimitReached, match="already redeemed this reward once"):
        redeem(member=member, reward_id=reward.pk, idempotency_key=key(),
               choice=Choice(address=ADDRESS))
    Redemption.objects.filter(pk=first.pk).update(state=Redemption.State.CANCELLED)
    assert redeem(member=member, reward_id=reward.pk, idempotency_key=key(),
                  choice=Choice(address=ADDRESS)).pk


def test_a_reward_outside_its_window_or_not_live_is_not_available():
    member = UserFactory()
    give_points(member, 1000)
    now = timezone.now()
    later = make_reward(cost=10, starts_at=now + datetime.timedelta(days=1))
    over = make_reward(cost=10, ends_at=now - datetime.timedelta(days=1),
                       starts_at=now - datetime.timedelta(days=3))
    hidden = make_reward(cost=10, live=False)
    for reward in (later, over, hidden):
        with pytest.raises(NotAvailable):
            redeem(member=member, reward_id=reward.pk, idempotency_key=key())
    assert balances_of(member.pk).spendable == 1000


def test_an_incremental_discount_takes_points_in_steps_within_its_bounds():
    member = UserFactory()
    give_points(member, 2000)
    reward = make_reward(kind=Reward.Kind.INCREMENTAL, cost=100, min_steps=2, max_steps=5)
    for points, message in ((150, "steps of 100"), (100, "at least 200"), (600, "at most 500"),
                            (None, "how many")):
        with pytest.raises(Invalid, match=message):
            redeem(member=member, reward_id=reward.pk, idempotency_key=key(),
                   choice=Choice(points=points))
    redemption = redeem(member=member, reward_id=reward.pk, idempotency_key=key(),
                        choice=Choice(points=300))
    assert (redemption.points, redemption.amount, redemption.currency) == (300, Decimal("3.00"), "EUR")
    assert redemption.code.startswith("HEARTH-")
    assert balances_of(member.pk).spendable == 1700


def test_a_gift_needs_an_address_and_waits_to_be_shipped():
    member = UserFactory()
    give_points(member, 500)
    reward = make_reward(kind=Reward.Kind.GIFT, cost=200, stock=2)
    with pytest.raises(Invalid, match="full address"):
        redeem(member=member, reward_id=reward.pk, idempotency_key=key(),
               choice=Choice(address={"ship_name": "Ada"}))
    _nothing_changed(member, reward, spendable=500, stock=2)
    redemption = redeem(member=member, reward_id=reward.pk, idempotency_key=key(),
                        choice=Choice(address=ADDRESS))
    assert redemption.state == Redemption.State.PENDING
    assert (redemption.ship_city, redemption.ship_country) == ("Springfield", "France")
    assert redemption.code == ""


def test_early_access_puts_the_member_in_the_group_until_it_ends():
    member = UserFactory()
    give_points(member, 500)
    reward = make_reward(kind=Reward.Kind.EARLY_ACCESS, cost=100, access_days=7)
    now = timezone.now()
    redemption = redeem(member=member, reward_id=reward.pk, idempotency_key=key(), now=now)
    assert member.groups.filter(pk=reward.group_id).exists()
    assert redemption.access_until == now + datetime.timedelta(days=7)
    assert end_expired_access(now=now + datetime.timedelta(days=6)) == 0
    assert end_expired_access(now=now + datetime.timedelta(days=8)) == 1
    assert not member.groups.filter(pk=reward.group_id).exists()
    redemption.refresh_from_db()
    assert redemption.state == Redemption.State.EXPIRED
    assert end_expired_access(now=now + datetime.timedelta(days=9)) == 0


def test_ending_early_access_keeps_a_membership_the_member_had_before():
    member = UserFactory()
    give_points(member, 500)
    reward = make_reward(kind=Reward.Kind.EARLY_ACCESS, cost=100, access_days=1)
    member.groups.add(reward.group)
    now = timezone.now()
    redeem(member=member, reward_id=reward.pk, idempotency_key=key(), now=now)
    end_expired_access(now=now + datetime.timedelta(days=2))
    assert member.groups.filter(pk=reward.group_id).exists()


def test_a_donation_adds_to_the_cause_and_says_thank_you(django_capture_on_commit_callbacks):
    from rewards.selectors import donated_to

    member, other = UserFactory(), UserFactory()
    for m in (member, other):
        give_points(m, 500)
    reward = make_reward(kind=Reward.Kind.DONATION, cost=250)
    with django_capture_on_commit_callbacks(execute=True):
        redeem(member=member, reward_id=reward.pk, idempotency_key=key())
    redeem(member=other, reward_id=reward.pk, idempotency_key=key())
    assert donated_to([reward.cause_id]) == {reward.cause_id: Decimal("5.00")}
    notice = Notification.objects.get(recipient=member, kind="rewards.redemption")
    assert notice.message == f"Thank you: your points became a donation to {reward.cause}."


def test_the_code_is_notified_and_emailed_once_per_redemption(django_capture_on_commit_callbacks):
    member = UserFactory()
    give_points(member, 300)
    reward = make_reward(cost=100)
    with django_capture_on_commit_callbacks(execute=True):
        redemption = redeem(member=member, reward_id=reward.pk, idempotency_key=key())
    notice = Notification.objects.get(recipient=member, kind="rewards.redemption")
    assert notice.message == f"Your code for {reward.title}: {redemption.code}"
    assert notice.url == f"/rewards/mine/#redemption-{redemption.pk}"
    assert any(redemption.code in message.body for message in mail.outbox)
    from rewards.services.notices import notify_redemption

    assert notify_redemption(redemption_id=redemption.pk) is False


def test_a_member_who_turned_reward_emails_off_is_not_emailed(django_capture_on_commit_callbacks):
    from community.models import NotificationPreference

    member = UserFactory()
    NotificationPreference.objects.create(user=member, kind="rewards.redemption", email=False)
    give_points(member, 300)
    with django_capture_on_commit_callbacks(execute=True):
        redeem(member=member, reward_id=make_reward(cost=100).pk, idempotency_key=key())
    assert Notification.objects.filter(recipient=member, kind="rewards.redemption").exists()
    assert mail.outbox == []
