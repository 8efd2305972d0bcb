from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import Notification
from moderation.models import ModerationAction, QueueItem
from moderation.services.flags import hold_for_approval, needs_approval
from moderation.services.queue import act_on_item, notify_stalled_items
from moderation.tasks import notify_stalled_items as stall_task
from tests.factories import CommunityManagerFactory, UserFactory
from tests.moderation.factories import flag_profile, member_at

pytestmark = pytest.mark.django_db


def test_content_types_are_premoderated_per_setting(settings):
    from community.models import User

    settings.HEARTH_PREMODERATE = {"community.user": "new_members"}
    assert needs_approval(user=member_at(0), obj_or_model=User)
    assert not needs_approval(user=member_at(1), obj_or_model=User)
    assert not needs_approval(user=CommunityManagerFactory(), obj_or_model=User)
    settings.HEARTH_PREMODERATE = {"community.user": "everyone"}
    assert needs_approval(user=member_at(3), obj_or_model=User)
    settings.HEARTH_PREMODERATE = {}
    assert not needs_approval(user=member_at(0), obj_or_model=User)


def test_held_content_is_hidden_queued_and_its_author_told_until_a_manager_approves_it():
    member = UserFactory(bio="My first words")
    item = hold_for_approval(obj=member)
    member.refresh_from_db()
    assert item.kind == QueueItem.Kind.PREMODERATION and member.profile_hidden_at is not None
    assert Notification.objects.filter(recipient=member, message__contains="waiting for").exists()
    assert hold_for_approval(obj=member).pk == item.pk  # holding twice queues once
    act_on_item(actor=CommunityManagerFactory(), item_id=item.pk, action="restore", version=item.version)
    member.refresh_from_db()
    assert member.profile_hidden_at is None
    assert Notification.objects.filter(recipient=member, message__contains="approved").exists()
    assert list(ModerationAction.objects.values_list("action", flat=True)) == ["approve", "hold"]


def test_items_waiting_past_the_stall_time_notify_every_manager_once(settings):
    settings.HEARTH_MODERATION_STALL_MINUTES = 60
    managers = [CommunityManagerFactory(), CommunityManagerFactory()]
    flag_profile(UserFactory())
    flag_profile(UserFactory())
    old, fresh = QueueItem.objects.order_by("pk")
    QueueItem.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=61))
    assert notify_stalled_items() == 1
    assert stall_task.delay().get() == 0  # idempotent: the alarm rings once per item
    for manager in managers:
        assert Notification.objects.filter(recipient=manager, kind="moderation.stalled").count() == 1
    assert QueueItem.objects.get(pk=fresh.pk).stall_notified_at is None


def test_resolved_items_do_not_raise_the_stall_alarm(settings):
    settings.HEARTH_MODERATION_STALL_MINUTES = 1
    CommunityManagerFactory()
    flag_profile(UserFactory())
    QueueItem.objects.update(created_at=timezone.now() - timedelta(hours=3), status="ignored")
    assert notify_stalled_items() == 0


def test_the_stall_alarm_reaches_managers_by_group_superusers_and_nobody_else(settings):
    from community.models import User
    from moderation.selectors import community_managers

    settings.HEARTH_MODERATION_STALL_MINUTES = 1
    manager = CommunityManagerFactory()
    admin = UserFactory(is_superuser=True)
    customer, inactive = UserFactory(), CommunityManagerFactory(is_active=False)
    assert set(community_managers()) == {manager, User.objects.get(pk=admin.pk)}
    flag_profile(UserFactory())
    QueueItem.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    notify_stalled_items()
    stalled = Notification.objects.filter(kind="moderation.stalled")
    recipients = set(stalled.values_list("recipient", flat=True))
    assert recipients == {manager.pk, admin.pk}
    assert customer.pk not in recipients and inactive.pk not in recipients
