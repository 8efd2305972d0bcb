"""Levels by spend in the last 12 months (badges.services.levels), as the shop's orders and
refunds come and age, the basis switches, and the daily run lowers lapsed levels."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from badges import signals
from badges.models import Level, LevelSettings, MemberLevel, UserPoints
from badges.selectors import level_standing, points_page
from badges.services import inbox, levels
from badges.services.wallet import award_points
from community.models import Notification
from rewards.models import LevelPerk, Redemption
from shop import services
from shop.models import Order
from shop.parsing import parse_order, parse_refund
from tests.factories import UserFactory
from tests.parallel import errors_of, run_at_once
from tests.rewards.factories import make_reward
from tests.shop.factories import order_payload, refund_payload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("badge_defaults_db")]

NOW = timezone.now().replace(microsecond=0)


@pytest.fixture
def badge_defaults_db(db):
    from tests.badges.conftest import restore_badge_defaults

    restore_badge_defaults()


def set_basis(basis: str) -> None:
    settings_row = LevelSettings.load()
    settings_row.basis = basis
    settings_row.save()


def level(name: str) -> Level:
    return Level.objects.get(name=name)


def pay(member, total: str, *, days_ago: float = 1, order_id: str | None = None) -> Order:
    paid_at = NOW - datetime.timedelta(days=days_ago)
    payload = order_payload(email=member.email, total=total, paid_at=paid_at.isoformat())
    if order_id:
        payload["id"] = order_id
    return services.record_order(data=parse_order(payload), source=Order.Source.WEBHOOK).obj


def refund(order: Order, amount: str) -> None:
    services.record_refund(data=parse_refund(refund_payload(order_id=order.external_id,
                                                            amount=amount)))


def spend_level(member):
    return MemberLevel.objects.filter(user=member).values_list("spend", "level__name").first()


@pytest.fixture
def heard():
    changes = []

    def on_changed(sender, **payload):
        changes.append((payload["old_level_id"], payload["new_level_id"], payload["raised"]))

    signals.level_changed.connect(on_changed, dispatch_uid="test.level_changed")
    yield changes
    signals.level_changed.disconnect(dispatch_uid="test.level_changed")


def test_a_paid_order_raises_the_level_by_spend_as_a_level_up_with_notice_and_entry_reward(
        django_capture_on_commit_callbacks, heard):
    set_basis(LevelSettings.SPEND)
    silver = level("Silver")
    LevelPerk.objects.create(level=silver, entry_reward=make_reward(cost=0, title="Silver hello"))
    member = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        pay(member, "300.00")
    assert spend_level(member) == (Decimal("300.00"), "Silver")
    assert Notification.objects.filter(
        recipient=member, kind="badges.level_up",
        message="You reached Silver level with 300.00 EUR spent in the last 12 months.").exists()
    assert Redemption.objects.filter(member=member, reward__title="Silver hello").count() == 1
    assert (level("Bronze").pk, silver.pk, True) in heard


def test_under_the_spend_basis_points_alone_raise_no_level(django_capture_on_commit_callbacks):
    set_basis(LevelSettings.SPEND)
    member = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        award_points(user_id=member.pk, points=2000, reason="test_grant",
                     source_label="community.user", source_id=1)
    assert not Notification.objects.filter(recipient=member, kind="badges.level_up").exists()
    assert level_standing(user_id=member.pk, points=2000, levels=list(Level.objects.all())).level \
        == level("Bronze")


def test_a_refund_lowers_the_spend_and_the_level_without_taking_back_rewards(
        django_capture_on_commit_callbacks, heard):
    set_basis(LevelSettings.SPEND)
    gold = level("Gold")
    LevelPerk.objects.create(level=gold, entry_reward=make_reward(cost=0, title="Gold hello"))
    member = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        order = pay(member, "1200.00")
    assert spend_level(member) == (Decimal("1200.00"), "Gold")
    with django_capture_on_commit_callbacks(execute=True):
        refund(order, "300.00")
    assert spend_level(member) == (Decimal("900.00"), "Silver")
    assert heard[-1] == (gold.pk, level("Silver").pk, False)
    # The Gold reward stays the member's; the drop is not announced as a level reached.
    assert Redemption.objects.filter(member=member, reward__title="Gold hello").count() == 1
    assert Notification.objects.filter(recipient=member, kind="badges.level_up").count() == 1
    # Paying again brings Gold back without a second reward or notice.
    with django_capture_on_commit_callbacks(execute=True):
        pay(member, "200.00")
    assert spend_level(member) == (Decimal("1100.00"), "Gold")
    assert Redemption.objects.filter(member=member, reward__title="Gold hello").count() == 1


def test_the_daily_run_lowers_levels_whose_spend_aged_out_and_keeps_lifetime_points(
        django_capture_on_commit_callbacks, heard):
    set_basis(LevelSettings.SPEND)
    member, steady = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        pay(member, "300.00", days_ago=360)
        pay(steady, "300.00", days_ago=10)
    inbox.drain()
    points_before = UserPoints.objects.get(user=member).total
    assert spend_level(member) == (Decimal("300.00"), "Silver")
    assert levels.relevel_lapsed(now=NOW + datetime.timedelta(days=4)) == 0  # still in
    with django_capture_on_commit_callbacks(execute=True):
        changed = levels.relevel_lapsed(now=NOW + datetime.timedelta(days=6))
    assert changed == 1
    assert spend_level(member) == (Decimal("0.00"), "Bronze")
    assert spend_level(steady) == (Decimal("300.00"), "Silver")
    assert UserPoints.objects.get(user=member).total == points_before == 300
    assert heard[-1][2] is False
    # Nothing left to lapse: the next run is a no-op.
    assert levels.relevel_lapsed(now=NOW + datetime.timedelta(days=7)) == 0


def test_the_daily_run_does_nothing_under_the_points_basis():
    member = UserFactory()
    pay(member, "300.00", days_ago=360)
    assert levels.relevel_lapsed(now=NOW + datetime.timedelta(days=30)) == 0
    assert not MemberLevel.objects.exists()


def test_switching_the_basis_relevels_everyone_both_ways(django_capture_on_commit_callbacks):
    gold = level("Gold")
    LevelPerk.objects.create(level=gold, entry_reward=make_reward(cost=0, title="Gold hello"))
    pointy, shopper = UserFactory(), UserFactory()
    award_points(user_id=pointy.pk, points=1200, reason="test_grant",
                 source_label="community.user", source_id=1)
    pay(shopper, "1500.00")
    inbox.drain()
    # Under points both are Gold: 1200 points, and 1500 order points.
    with django_capture_on_commit_callbacks(execute=True):
        set_basis(LevelSettings.SPEND)  # the setting's save owes relevel_everyone
    assert spend_level(pointy) == (Decimal("0.00"), "Bronze")
    assert spend_level(shopper) == (Decimal("1500.00"), "Gold")
    assert UserPoints.objects.get(user=pointy).total == 1200  # points stay
    with django_capture_on_commit_callbacks(execute=True):
        set_basis(LevelSettings.POINTS)
    assert not MemberLevel.objects.exists()
    standing = level_standing(user_id=pointy.pk, points=1200, levels=list(Level.objects.all()))
    assert standing.level == gold and not standing.by_spend


def test_a_switch_raises_members_through_the_level_up_path(django_capture_on_commit_callbacks):
    silver = level("Silver")
    LevelPerk.objects.create(level=silver, entry_reward=make_reward(cost=0, title="Silver hello"))
    # An order whose points were never given (as before a low earning rate): no points, so
    # Bronze by points, and Silver by its 260.00 spend once levels come from spend.
    member2 = UserFactory()
    pay(member2, "260.00")
    with django_capture_on_commit_callbacks(execute=True):
        set_basis(LevelSettings.SPEND)
    assert spend_level(member2) == (Decimal("260.00"), "Silver")
    assert Redemption.objects.filter(member=member2, reward__title="Silver hello").count() == 1
    assert Notification.objects.filter(recipient=member2, kind="badges.level_up").count() == 1


def test_recompute_reports_and_repairs_drifted_spend_levels(django_capture_on_commit_callbacks,
                                                            capsys):
    set_basis(LevelSettings.SPEND)
    member = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        pay(member, "300.00")
    MemberLevel.objects.filter(user=member).update(spend=Decimal("5.00"), level=None)
    assert levels.recompute_levels() == 1
    assert spend_level(member) == (Decimal("300.00"), "Silver")
    assert levels.recompute_levels() == 0
    MemberLevel.objects.filter(user=member).update(spend=Decimal("1.00"))
    call_command("recompute_counts")
    assert "badges.spend_levels: 1 row(s) corrected" in capsys.readouterr().out


def test_levels_must_keep_one_order_by_points_and_by_spend():
    silver = level("Silver")
    silver.min_spend = Decimal("2000.00")  # above Gold's 1000.00 spend
    with pytest.raises(ValidationError) as refused:
        silver.full_clean()
    assert "same order by spend as by points" in str(refused.value)
    silver.min_spend = Decimal("-1")
    with pytest.raises(ValidationError):
        silver.full_clean()
    silver.min_spend = Decimal("400.00")
    silver.full_clean()


def test_a_reward_for_gold_follows_the_spend_level_under_the_spend_basis(
        django_capture_on_commit_callbacks):
    from community.refusals import NotPermitted
    from rewards.services.redemption import redeem

    set_basis(LevelSettings.SPEND)
    gold = level("Gold")
    reward = make_reward(cost=10, min_level=gold, title="Gold grinder")
    member = UserFactory()
    award_points(user_id=member.pk, points=6000, reason="test_grant",
                 source_label="community.user", source_id=3)
    with pytest.raises(NotPermitted) as refused:
        redeem(member=member, reward_id=reward.pk, idempotency_key="key-000001")
    assert "you are Bronze" in refused.value.message
    with django_capture_on_commit_callbacks(execute=True):
        pay(member, "1000.00")
    assert redeem(member=member, reward_id=reward.pk, idempotency_key="key-000002").pk


def test_the_points_page_says_the_basis_and_the_spend_left_to_the_next_level(
        client, django_capture_on_commit_callbacks, django_assert_num_queries):
    set_basis(LevelSettings.SPEND)
    member = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        pay(member, "880.00")
    inbox.drain()
    client.force_login(member)
    client.get("/points/")
    # session + member, roles; balances, levels, the basis, the spend level, history count +
    # page, rule labels
    with django_assert_num_queries(9):
        html = client.get("/points/").content.decode()
    assert 'id="points-level">Silver<' in html
    assert "Levels come from what you spent in our shop in the last 12 months" in html
    assert 'id="level-spend">880.00 EUR spent in the last 12 months<' in html
    assert "120.00 EUR more spent in 12 months to reach Gold" in html
    data = points_page(member=member)
    assert data.standing.percent == int(100 * (880 - 250) / (1000 - 250))


def test_the_levels_page_and_profile_show_spend_progress_under_the_spend_basis(
        client, django_capture_on_commit_callbacks, django_assert_num_queries):
    set_basis(LevelSettings.SPEND)
    member = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        pay(member, "880.00")
    client.force_login(member)
    client.get("/rewards/levels/")
    # member, roles; levels, balances, the basis, the spend level, own redemptions, perks,
    # reserved rewards
    with django_assert_num_queries(9):
        html = client.get("/rewards/levels/").content.decode()
    assert 'id="viewer-level">Silver<' in html
    assert 'id="levels-to-next">120.00 EUR more spent in 12 months to reach Gold<' in html
    assert "from 1000.00 EUR spent in 12 months" in html
    profile = client.get(f"/u/{member.username}/").content.decode()
    assert "Levels come from spend in our shop in the last 12 months." in profile
    assert "1000.00 EUR spent in 12 months for Gold" in profile


def test_the_levels_page_under_the_points_basis_still_speaks_in_points(client):
    member = UserFactory()
    award_points(user_id=member.pk, points=300, reason="test_grant",
                 source_label="community.user", source_id=4)
    client.force_login(member)
    html = client.get("/rewards/levels/").content.decode()
    assert "Levels come from your lifetime points" in html
    assert 'id="levels-to-next">700 more points to reach Gold<' in html


@pytest.mark.stack
@pytest.mark.django_db(transaction=True)
def test_two_orders_paid_at_once_both_count_toward_the_spend_on_postgresql():
    from django.db import connection

    from tests.badges.conftest import restore_badge_defaults

    assert connection.vendor == "postgresql"
    restore_badge_defaults()
    set_basis(LevelSettings.SPEND)
    member = UserFactory()
    outcomes = run_at_once(lambda i: pay(member, "150.00", order_id=f"AT-ONCE-{i}"), 2)
    assert errors_of(outcomes) == []
    assert spend_level(member) == (Decimal("300.00"), "Silver")
    assert Notification.objects.filter(recipient=member, kind="badges.level_up").count() == 1


def test_the_daily_lapse_is_a_beat_job_that_runs_in_process_as_embedded_mode_runs_it(
        settings, django_capture_on_commit_callbacks):
    from celery import current_app

    entry = settings.CELERY_BEAT_SCHEDULE["badges.relevel_lapsed"]
    assert entry["task"] == "badges.tasks.relevel_lapsed"
    assert entry["schedule"] == datetime.timedelta(hours=24)
    set_basis(LevelSettings.SPEND)
    member = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        order = pay(member, "300.00", days_ago=360)
    assert spend_level(member) == (Decimal("300.00"), "Silver")
    # Six days pass: the order is now 366 days old.
    Order.objects.filter(pk=order.pk).update(paid_at=NOW - datetime.timedelta(days=366))
    # As community.scheduler.EmbeddedScheduler runs a due job: apply() in this process.
    current_app.loader.import_default_modules()
    with django_capture_on_commit_callbacks(execute=True):
        assert current_app.tasks[entry["task"]].apply().get() == 1
    assert spend_level(member) == (Decimal("0.00"), "Bronze")
