import pytest

from moderation.models import ModerationAction, QueueItem
from moderation.services.members import lift_suspension, suspend_member, warn_member
from moderation.services.queue import act_on_item
from moderation.services.rings import report_suspected_ring
from moderation.services.trust import set_trust_override
from tests.factories import CommunityManagerFactory, UserFactory
from tests.moderation.factories import flag_profile

pytestmark = pytest.mark.django_db


def test_every_moderator_action_is_recorded_with_who_what_which_when_and_why():
    manager = CommunityManagerFactory()
    targets = [UserFactory(bio=f"bio {n}") for n in range(4)]
    for target in targets:
        flag_profile(target)
    items = {item.object_id: item for item in QueueItem.objects.all()}
    for target, action in zip(targets, ["dismiss", "restore", "hide", "delete"], strict=True):
        item = items[target.pk]
        act_on_item(actor=manager, item_id=item.pk, action=action, version=item.version,
                    reason=f"why {action}")
    member = UserFactory()
    warn_member(actor=manager, user=member, reason="why warn")
    suspension = suspend_member(actor=manager, user=member, days=1, reason="why suspend")
    lift_suspension(actor=manager, suspension_id=suspension.pk, reason="why lift")
    set_trust_override(actor=manager, user=member, level=3, reason="why trust")
    recorded = ModerationAction.objects.filter(actor=manager)
    assert sorted(recorded.values_list("action", flat=True)) == sorted(
        ["dismiss", "restore", "hide", "delete", "warn", "suspend", "lift", "trust"])
    for entry in recorded:
        assert entry.reason == f"why {entry.action}"
        assert entry.target_user is not None and entry.created_at is not None
    hidden = recorded.get(action="hide")
    assert hidden.object_id == targets[2].pk and hidden.snapshot.endswith("bio 2")


def test_a_failed_action_leaves_no_log_row():
    flag_profile(UserFactory())
    item = QueueItem.objects.get()
    with pytest.raises(Exception):  # noqa: B017 - any refusal
        act_on_item(actor=CommunityManagerFactory(), item_id=item.pk, action="hide", version=item.version)
    assert not ModerationAction.objects.exclude(action="auto_hide").exists()


def test_reporting_the_same_ring_twice_updates_one_row():
    a, b = UserFactory(), UserFactory()
    report_suspected_ring(user_ids=[a.pk, b.pk], evidence={"likes": 10})
    ring = report_suspected_ring(user_ids=[b.pk, a.pk], evidence={"likes": 25})
    assert ring.times_reported == 2 and ring.evidence == {"likes": 25}
    assert ring.user_ids == sorted([a.pk, b.pk])
