import datetime

import pytest
from django.utils import timezone

from badges.models import PointsEntry
from badges.services import expiry, wallet
from badges.services.ledger import record_event
from tests.badges.factories import next_source
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Sources of installed models (a content type made inside a rolled-back test transaction
# would stay in ContentType's cache).
SPEND_SOURCE = "badges.challenge"
EARN_SOURCE = "badges.badge"


def _order(member, points, *, now=None):
    return wallet.award_points(user_id=member.pk, points=points, reason="order_paid",
                               source_label=EARN_SOURCE, source_id=next_source(),
                               note="Order #1001", now=now)


def _redeem(member, points, note="Ember mug"):
    return wallet.spend_points(user_id=member.pk, points=points, reason="reward_redeemed",
                               source_label=SPEND_SOURCE, source_id=next_source(), note=note)


def test_the_points_page_shows_both_balances_and_every_reason(client):
    member = UserFactory()
    record_event(kind="reply_created", user_id=member.pk, source_id=next_source())
    _order(member, 120)
    spend = _redeem(member, 100)
    wallet.refund_spent_points(spend_entry_id=spend.pk, note="Ember mug (cancelled)")
    _redeem(member, 50, note="Free shipping code")
    wallet.adjust_points(actor=UserFactory(), user_id=member.pk, points=30,
                         reason="Sorry about the late delivery")
    client.force_login(member)
    html = client.get("/points/").content.decode()
    assert '<strong id="spendable-points" data-points-spendable>102</strong>' in html
    assert '<strong id="lifetime-points" data-points-lifetime>152</strong>' in html
    for text in ("Replied in a topic", "Points for an order", "Order #1001",
                 "Redeemed a reward", "Ember mug", "Refunded: a reward was cancelled",
                 "Free shipping code", "Adjusted by the team", "Sorry about the late delivery"):
        assert text in html


def test_others_see_community_points_but_not_orders_redemptions_or_adjustments(client):
    member = UserFactory()
    record_event(kind="reply_created", user_id=member.pk, source_id=next_source())
    _order(member, 120)
    _redeem(member, 10)
    wallet.adjust_points(actor=UserFactory(), user_id=member.pk, points=5, reason="Private note")
    client.force_login(UserFactory())
    html = client.get(f"/u/{member.username}/").content.decode()
    assert "Replied in a topic" in html
    for private in ("Points for an order", "Order #1001", "Redeemed a reward",
                    "Private note", "Adjusted by the team"):
        assert private not in html


def test_the_points_page_asks_visitors_to_log_in(client):
    response = client.get("/points/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_points_page_query_count_does_not_grow_with_history(client,
                                                                django_assert_num_queries):
    member = UserFactory()
    client.force_login(member)
    _order(member, 10)
    client.get("/points/")
    # session + member, roles (header); balances, levels, the levels' basis, history count +
    # page, rule labels (expiry off: no last-activity query)
    with django_assert_num_queries(8) as first:
        assert client.get("/points/").status_code == 200
    for _ in range(15):
        _order(member, 10)
        _redeem(member, 5)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get("/points/")


def test_with_expiry_on_the_points_page_says_what_expires_and_when(client, settings):
    settings.HEARTH_POINTS_EXPIRY_DAYS = 365
    member = UserFactory()
    earned_at = timezone.now() - datetime.timedelta(days=10)
    _order(member, 80, now=earned_at)
    client.force_login(member)
    html = client.get("/points/").content.decode()
    expected = timezone.localdate(earned_at + datetime.timedelta(days=365))
    assert "Your 80 points to spend expire on" in html
    assert expected.strftime("%Y-%m-%d") in html


def test_with_expiry_off_nothing_expires_and_nothing_is_said(client, settings):
    settings.HEARTH_POINTS_EXPIRY_DAYS = 0
    member = UserFactory()
    _order(member, 80, now=timezone.now() - datetime.timedelta(days=5000))
    assert expiry.expire_inactive_points() == 0
    client.force_login(member)
    assert "expire on" not in client.get("/points/").content.decode()


def test_inactive_members_lose_spendable_points_but_keep_their_level(settings):
    settings.HEARTH_POINTS_EXPIRY_DAYS = 365
    now = timezone.now()
    sleeper, active = UserFactory(), UserFactory()
    _order(sleeper, 300, now=now - datetime.timedelta(days=400))
    _order(active, 300, now=now - datetime.timedelta(days=400))
    _redeem(active, 10)  # spending is activity
    assert expiry.expire_inactive_points(now=now) == 1
    assert expiry.expire_inactive_points(now=now) == 0
    expired = PointsEntry.objects.get(user=sleeper, reason=wallet.POINTS_EXPIRED)
    assert (expired.points, expired.spendable) == (0, -300)
    from badges.selectors import balances_of

    assert balances_of(sleeper.pk) == balances_of(sleeper.pk).__class__(300, 0)
    assert balances_of(active.pk).spendable == 290


def test_members_are_reminded_once_within_the_month_before_expiry(settings, mailoutbox):
    from community.models import Notification

    settings.HEARTH_POINTS_EXPIRY_DAYS = 365
    now = timezone.now()
    due, later = UserFactory(), UserFactory()
    _order(due, 50, now=now - datetime.timedelta(days=350))
    _order(later, 50, now=now - datetime.timedelta(days=300))
    assert expiry.remind_before_expiry(now=now) == 1
    assert expiry.remind_before_expiry(now=now) == 0
    notice = Notification.objects.get(recipient=due, kind=expiry.EXPIRY_KIND)
    assert "Your 50 points expire on" in notice.message
    assert not Notification.objects.filter(recipient=later).exists()
