import pytest

from badges.models import PointsEntry
from badges.selectors import balances_of
from community.models import Notification
from community.refusals import Conflict, Invalid, NotPermitted
from moderation.models import ModerationAction
from rewards.models import Redemption, Reward
from rewards.services import fulfilment
from rewards.services.redemption import Choice, redeem
from tests.factories import BrandStaffFactory, CommunityManagerFactory, UserFactory
from tests.rewards.factories import ADDRESS, give_points, key, make_pool, make_reward

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("levels")]


def _gift_redeemed(points=300, cost=200, stock=3):
    member = UserFactory()
    give_points(member, points)
    reward = make_reward(kind=Reward.Kind.GIFT, cost=cost, stock=stock, title="Ember mug")
    redemption = redeem(member=member, reward_id=reward.pk, idempotency_key=key(),
                        choice=Choice(address=ADDRESS))
    return member, reward, redemption


def test_staff_ship_a_gift_with_a_tracking_note_the_member_is_told(django_capture_on_commit_callbacks):
    member, reward, redemption = _gift_redeemed()
    staff = BrandStaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        fulfilment.ship(actor=staff, redemption_id=redemption.pk, tracking_note="DHL 123456")
    redemption.refresh_from_db()
    assert (redemption.state, redemption.tracking_note) == (Redemption.State.SHIPPED, "DHL 123456")
    action = ModerationAction.objects.get(object_id=redemption.pk)
    assert (action.actor, action.target_user, action.label) == (staff, member, "Shipped a reward")
    assert Notification.objects.get(recipient=member, message__contains="has shipped").message == \
        "Ember mug has shipped: DHL 123456"


def test_cancelling_a_gift_refunds_its_points_returns_its_stock_and_is_audited():
    member, reward, redemption = _gift_redeemed()
    manager = CommunityManagerFactory()
    assert balances_of(member.pk).spendable == 100
    fulfilment.cancel(actor=manager, redemption_id=redemption.pk, reason="Out of mugs in that colour")
    redemption.refresh_from_db()
    reward.refresh_from_db()
    assert redemption.state == Redemption.State.CANCELLED
    assert balances_of(member.pk).spendable == 300
    assert reward.stock == 3
    refund = PointsEntry.objects.get(reverses_id=redemption.spend_entry_id)
    assert refund.spendable == 200
    assert ModerationAction.objects.get(object_id=redemption.pk).label == \
        "Cancelled a reward, points refunded"


def test_a_gift_is_cancelled_or_shipped_once():
    member, reward, redemption = _gift_redeemed()
    staff = BrandStaffFactory()
    fulfilment.cancel(actor=staff, redemption_id=redemption.pk, reason="Sorry")
    with pytest.raises(Conflict, match="already cancelled"):
        fulfilment.cancel(actor=staff, redemption_id=redemption.pk, reason="Again")
    with pytest.raises(Conflict):
        fulfilment.ship(actor=staff, redemption_id=redemption.pk, tracking_note="x")
    assert balances_of(member.pk).spendable == 300
    assert PointsEntry.objects.filter(reverses_id=redemption.spend_entry_id).count() == 1


def test_members_may_not_fulfil_and_a_note_is_required():
    member, reward, redemption = _gift_redeemed()
    with pytest.raises(NotPermitted):
        fulfilment.ship(actor=member, redemption_id=redemption.pk, tracking_note="x")
    with pytest.raises(NotPermitted):
        fulfilment.cancel(actor=UserFactory(), redemption_id=redemption.pk, reason="x")
    with pytest.raises(Invalid):
        fulfilment.ship(actor=BrandStaffFactory(), redemption_id=redemption.pk, tracking_note=" ")
    redemption.refresh_from_db()
    assert redemption.state == Redemption.State.PENDING


def test_the_staff_page_lists_pending_gifts_low_pools_and_low_stock(client, django_assert_num_queries):
    _gift_redeemed()
    _gift_redeemed()
    pool = make_pool(codes=2, name="Ten off")
    make_reward(cost=10, code_pool=pool, stock=1, title="Almost gone")
    client.force_login(BrandStaffFactory())
    # member, roles, pending gifts, pools with counts, low stock
    with django_assert_num_queries(5):
        html = client.get("/rewards/staff/").content.decode()
    assert html.count("Ember mug") >= 2
    assert "Ten off: <strong>2</strong> codes left of 2 (warning below 20)" in html
    assert "Almost gone</a>: 1 left" in html


def test_staff_forms_on_the_page_ship_cancel_and_keep_what_was_typed_when_refused(client):
    member, reward, redemption = _gift_redeemed()
    client.force_login(BrandStaffFactory())
    response = client.post(f"/rewards/staff/{redemption.pk}/cancel/", {"reason": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    response = client.post(f"/rewards/staff/{redemption.pk}/ship/", {"tracking_note": "UPS 42"})
    assert response.status_code == 302
    redemption.refresh_from_db()
    assert redemption.state == Redemption.State.SHIPPED


def test_a_customer_cannot_open_or_use_the_staff_page(client):
    member, reward, redemption = _gift_redeemed()
    client.force_login(member)
    assert client.get("/rewards/staff/").status_code == 403
    assert client.post(f"/rewards/staff/{redemption.pk}/cancel/", {"reason": "mine"}).status_code == 403
    redemption.refresh_from_db()
    assert redemption.state == Redemption.State.PENDING
