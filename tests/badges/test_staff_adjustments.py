import pytest

from badges.models import PointsAdjustment
from badges.selectors import balances_of
from moderation.models import ModerationAction
from tests.factories import BrandStaffFactory, CommunityManagerFactory, UserFactory

pytestmark = pytest.mark.django_db


def _post(client, **data):
    return client.post("/staff/loyalty/points/", data)


def test_brand_staff_grant_points_with_a_reason_the_member_reads(client):
    from community.models import Notification

    staff, member = BrandStaffFactory(), UserFactory(username="erin")
    client.force_login(staff)
    response = _post(client, username="Erin", points="200", reason="Welcome to the programme")
    assert response.status_code == 302
    assert balances_of(member.pk) == balances_of(member.pk).__class__(200, 200)
    action = ModerationAction.objects.get(action=ModerationAction.Kind.POINTS)
    assert (action.actor, action.target_user, action.reason) == (staff, member,
                                                                "Welcome to the programme")
    assert action.extra == {"points": 200}
    notice = Notification.objects.get(recipient=member)
    assert notice.message == "The team added 200 points: Welcome to the programme"
    client.force_login(member)
    assert "Welcome to the programme" in client.get("/points/").content.decode()


def test_a_deduction_beyond_the_spendable_balance_is_refused_and_keeps_the_form(client):
    manager = CommunityManagerFactory()
    UserFactory(username="frank")
    client.force_login(manager)
    _post(client, username="frank", points="50", reason="Grant")
    response = _post(client, username="frank", points="-80", reason="Duplicate order")
    html = response.content.decode()
    assert response.status_code == 200
    assert "deduct at most 50" in html
    assert 'value="Duplicate order"' in html
    assert PointsAdjustment.objects.count() == 1
    assert ModerationAction.objects.filter(action=ModerationAction.Kind.POINTS).count() == 1


@pytest.mark.parametrize(("data", "message"), [
    ({"username": "nobody", "points": "5", "reason": "x"}, "No member is called"),
    ({"username": "gina", "points": "0", "reason": "x"}, "other than zero"),
    ({"username": "gina", "points": "ten", "reason": "x"}, "Enter a whole number"),
    ({"username": "gina", "points": "99999999999", "reason": "x"}, "less than or equal to"),
    ({"username": "gina", "points": "5", "reason": ""}, "This field is required"),
])
def test_bad_adjustments_get_a_clear_message_and_change_nothing(client, data, message):
    UserFactory(username="gina")
    client.force_login(BrandStaffFactory())
    response = _post(client, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PointsAdjustment.objects.exists()


def test_members_may_not_adjust_points(client):
    member = UserFactory()
    client.force_login(member)
    assert _post(client, username=member.username, points="500", reason="me").status_code == 403
    assert not PointsAdjustment.objects.exists()
