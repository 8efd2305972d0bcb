import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from community.models import Notification, User
from moderation import signals
from moderation.models import Flag, ModerationAction, QueueItem, Suspension
from moderation.services.limits import ActionRefused
from moderation.services.queue import ModerationConflict, act_on_item, bulk_act
from tests.factories import CommunityManagerFactory, UserFactory
from tests.moderation.factories import flag_profile, member_at, restore_migration_data

pytestmark = pytest.mark.django_db


def hidden_profile_item(*flaggers):
    target = UserFactory(bio="Visit my shop")
    for flagger in flaggers or (member_at(1), member_at(1)):
        flag_profile(target, by=flagger)
    return target, QueueItem.objects.get(object_id=target.pk, status="pending")


def test_restoring_shows_the_content_again_and_dismisses_the_flags_with_notifications():
    alice, bob = member_at(1), member_at(1)
    target, item = hidden_profile_item(alice, bob)
    manager = CommunityManagerFactory()
    outcome = act_on_item(actor=manager, item_id=item.pk, action="restore", version=item.version)
    target.refresh_from_db()
    assert target.profile_hidden_at is None
    assert outcome.item.status == QueueItem.Status.APPROVED
    assert set(Flag.objects.values_list("status", flat=True)) == {"dismissed"}
    assert Notification.objects.filter(recipient=target, message__contains="restored").exists()
    for flagger in (alice, bob):
        assert Notification.objects.filter(recipient=flagger, kind="moderation.flag_outcome",
                                           message__contains="restored").exists()
    entry = ModerationAction.objects.get(action="restore")
    assert entry.actor == manager and entry.target_user == target and "Visit my shop" in entry.snapshot


def test_hiding_needs_a_reason_and_tells_the_author_and_upholds_the_flags(django_capture_on_commit_callbacks):
    target = UserFactory()
    flagger = member_at(1)
    flag_profile(target, by=flagger)
    item = QueueItem.objects.get()
    manager = CommunityManagerFactory()
    with pytest.raises(ActionRefused, match="reason"):
        act_on_item(actor=manager, item_id=item.pk, action="hide", version=item.version)
    upheld = []
    signals.flag_upheld.connect(lambda **kw: upheld.append(kw), weak=False, dispatch_uid="q1")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            act_on_item(actor=manager, item_id=item.pk, action="hide", version=item.version,
                        reason="Advertising is not allowed")
    finally:
        signals.flag_upheld.disconnect(dispatch_uid="q1")
    target.refresh_from_db()
    assert target.profile_hidden_reason == "Advertising is not allowed"
    assert Notification.objects.get(recipient=target, message__contains="hid your profile").message.endswith(
        "Advertising is not allowed")
    assert Notification.objects.filter(recipient=flagger, message__contains="agreed").exists()
    assert upheld == [{"signal": signals.flag_upheld, "sender": None, "flag_id": Flag.objects.get().pk,
                       "flagger_id": flagger.pk, "author_id": target.pk, "actor_id": manager.pk}]


def test_deleting_keeps_the_removed_text_in_the_log():
    target = UserFactory(display_name="Spam King", bio="cheap pills")
    flag_profile(target)
    item = QueueItem.objects.get()
    act_on_item(actor=CommunityManagerFactory(), item_id=item.pk, action="delete", version=item.version,
                reason="Spam account")
    target.refresh_from_db()
    assert target.bio == "" and target.display_name == ""
    assert User.objects.filter(pk=target.pk).exists()  # nothing hard-deleted
    assert "cheap pills" in ModerationAction.objects.get(action="delete").snapshot


def test_dismissing_restores_auto_hidden_content_and_lowers_the_flaggers_accuracy():
    alice, bob = member_at(1), member_at(1)
    target, item = hidden_profile_item(alice, bob)
    act_on_item(actor=CommunityManagerFactory(), item_id=item.pk, action="dismiss", version=item.version)
    target.refresh_from_db()
    assert target.profile_hidden_at is None
    assert QueueItem.objects.get().status == QueueItem.Status.IGNORED
    from moderation.services.flags import flag_weight
    assert flag_weight(flagger=alice) < 1


def test_warning_and_suspending_from_the_queue_leave_the_item_open_and_are_logged():
    target, item = hidden_profile_item()
    manager = CommunityManagerFactory()
    act_on_item(actor=manager, item_id=item.pk, action="warn", version=item.version, reason="Please stop")
    item.refresh_from_db()
    act_on_item(actor=manager, item_id=item.pk, action="suspend", version=item.version,
                reason="Spamming", data={"days": 7})
    item.refresh_from_db()
    assert item.status == "pending"
    assert Notification.objects.filter(recipient=target, kind="moderation.warning").exists()
    suspension = Suspension.objects.get(user=target)
    assert (suspension.ends_at - suspension.starts_at).days == 7
    assert list(ModerationAction.objects.filter(actor=manager).values_list("action", flat=True)) == [
        "suspend", "warn"]


def test_editing_through_the_adapter_is_recorded():
    target, item = hidden_profile_item()
    act_on_item(actor=CommunityManagerFactory(), item_id=item.pk, action="edit", version=item.version,
                data={"display_name": "Renamed", "bio": "Cleaned up"})
    target.refresh_from_db()
    assert target.bio == "Cleaned up"
    assert ModerationAction.objects.get(action="edit").extra == {"changed": ["bio", "display_name"]}


def test_only_community_managers_can_act():
    _target, item = hidden_profile_item()
    with pytest.raises(PermissionDenied):
        act_on_item(actor=member_at(4), item_id=item.pk, action="restore", version=item.version)


def test_the_second_of_two_moderators_gets_a_clear_message_and_nothing_is_applied_twice():
    # Deterministic version of the race: both loaded the page at the same version.
    alice = member_at(1)
    target, item = hidden_profile_item(alice, member_at(1))
    first, second = CommunityManagerFactory(display_name="Maya"), CommunityManagerFactory()
    seen_version = item.version
    act_on_item(actor=first, item_id=item.pk, action="restore", version=seen_version)
    with pytest.raises(ModerationConflict, match="Maya already handled this item"):
        act_on_item(actor=second, item_id=item.pk, action="hide", version=seen_version, reason="Nope")
    target.refresh_from_db()
    assert target.profile_hidden_at is None
    assert ModerationAction.objects.exclude(action="auto_hide").count() == 1
    assert Notification.objects.filter(recipient=alice, kind="moderation.flag_outcome").count() == 1


def test_an_action_on_a_page_loaded_before_another_moderators_edit_is_refused():
    _target, item = hidden_profile_item()
    manager = CommunityManagerFactory()
    act_on_item(actor=manager, item_id=item.pk, action="warn", version=item.version, reason="Careful")
    with pytest.raises(ModerationConflict, match="after you opened the page"):
        act_on_item(actor=manager, item_id=item.pk, action="warn", version=item.version, reason="Careful")
    assert ModerationAction.objects.filter(action="warn").count() == 1


def test_bulk_actions_apply_to_each_item_and_report_conflicts():
    items = [hidden_profile_item()[1] for _ in range(3)]
    manager = CommunityManagerFactory()
    stale = items[0]
    act_on_item(actor=manager, item_id=stale.pk, action="dismiss", version=stale.version)
    done, problems = bulk_act(actor=manager, versions={i.pk: i.version for i in items}, action="restore")
    assert done == 2
    assert len(problems) == 1 and "already handled" in problems[0]
    assert QueueItem.objects.filter(status="approved").count() == 2


def test_bulk_hide_needs_a_reason():
    item = hidden_profile_item()[1]
    with pytest.raises(ActionRefused, match="reason"):
        bulk_act(actor=CommunityManagerFactory(), versions={item.pk: item.version}, action="hide")


@pytest.mark.stack
@pytest.mark.django_db(transaction=True)
def test_two_moderators_acting_at_the_same_moment_apply_one_action_on_postgresql():
    assert connection.vendor == "postgresql"
    restore_migration_data()
    alice = member_at(1)
    target, item = hidden_profile_item(alice, member_at(1))
    moderators = [CommunityManagerFactory(), CommunityManagerFactory()]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def act(moderator, action):
        from django.db import connections

        try:
            barrier.wait()
            act_on_item(actor=moderator, item_id=item.pk, action=action, version=item.version,
                        reason="Spam")
            results.append("applied")
        except ModerationConflict:
            results.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(moderators[0], "restore")),
               threading.Thread(target=act, args=(moderators[1], "hide"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["applied", "conflict"]
    assert ModerationAction.objects.filter(action__in=["restore", "hide"]).count() == 1
    assert Notification.objects.filter(recipient=alice, kind="moderation.flag_outcome").count() == 1
