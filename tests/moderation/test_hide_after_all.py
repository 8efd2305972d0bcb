"""A manager who restored an item (or dismissed its flags) can hide it after all."""

import pytest

from community.models import Notification
from moderation.models import ModerationAction, QueueItem
from moderation.services.limits import ActionRefused
from moderation.services.queue import ModerationConflict, act_on_item
from tests.factories import CommunityManagerFactory, UserFactory
from tests.moderation.factories import flag_profile, member_at

pytestmark = pytest.mark.django_db


def restored_profile_item(action: str = "restore"):
    target = UserFactory(bio="Visit my shop")
    for flagger in (member_at(1), member_at(1)):
        flag_profile(target, by=flagger)
    item = QueueItem.objects.get(object_id=target.pk, status="pending")
    manager = CommunityManagerFactory()
    act_on_item(actor=manager, item_id=item.pk, action=action, version=item.version)
    item.refresh_from_db()
    return target, item, manager


@pytest.mark.parametrize("first", ["restore", "dismiss"])
def test_hiding_after_all_hides_the_content_tells_the_author_and_logs_both_decisions(first):
    target, item, manager = restored_profile_item(first)
    outcome = act_on_item(actor=manager, item_id=item.pk, action="hide", version=item.version,
                          reason="Links to a shop after all")
    target.refresh_from_db()
    assert target.profile_hidden_at is not None
    assert outcome.item.status == QueueItem.Status.REJECTED
    assert outcome.item.resolution == "hidden after all"
    assert "Hidden after all" in outcome.message
    assert Notification.objects.filter(recipient=target, kind="moderation.content_actioned",
                                       message__contains="Links to a shop after all").exists()
    hide = ModerationAction.objects.get(action="hide")
    assert hide.actor == manager and hide.reason == "Links to a shop after all"
    assert hide.extra["after"] == ("approved" if first == "restore" else "ignored")
    assert ModerationAction.objects.filter(action="restore" if first == "restore" else "dismiss").exists()


def test_hiding_after_all_needs_a_reason_and_the_version_the_manager_saw():
    _target, item, manager = restored_profile_item()
    with pytest.raises(ActionRefused):
        act_on_item(actor=manager, item_id=item.pk, action="hide", version=item.version, reason=" ")
    with pytest.raises(ModerationConflict):
        act_on_item(actor=manager, item_id=item.pk, action="hide", version=item.version - 1, reason="Spam")


def test_a_hidden_item_cannot_be_hidden_twice_and_other_actions_stay_closed():
    _target, item, manager = restored_profile_item()
    act_on_item(actor=manager, item_id=item.pk, action="hide", version=item.version, reason="Spam")
    item.refresh_from_db()
    for action in ("hide", "restore", "delete"):
        with pytest.raises(ModerationConflict):
            act_on_item(actor=manager, item_id=item.pk, action=action, version=item.version, reason="Spam")
    assert ModerationAction.objects.filter(action="hide").count() == 1


def test_a_newer_item_waiting_for_the_same_content_is_where_to_act():
    target, item, manager = restored_profile_item()
    flag_profile(target, by=member_at(1))
    with pytest.raises(ActionRefused, match="newer item"):
        act_on_item(actor=manager, item_id=item.pk, action="hide", version=item.version, reason="Spam")


def test_the_item_page_offers_hide_it_after_all_and_the_form_hides_it(client):
    target, item, manager = restored_profile_item()
    client.force_login(manager)
    page = client.get(f"/moderation/items/{item.pk}/").content.decode()
    assert "Hide it after all" in page and 'id="hide-after-all"' in page
    refused = client.post(f"/moderation/items/{item.pk}/act/",
                          {"action": "hide", "version": item.version, "reason": ""})
    assert refused.status_code == 400
    assert "Give the reason the member will see." in refused.content.decode()
    response = client.post(f"/moderation/items/{item.pk}/act/",
                           {"action": "hide", "version": item.version, "reason": "Spam after all"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.profile_hidden_at is not None
    after = client.get(f"/moderation/items/{item.pk}/").content.decode()
    assert "Hide it after all" not in after


def test_members_cannot_hide_after_all(client):
    _target, item, _manager = restored_profile_item()
    client.force_login(UserFactory())
    response = client.post(f"/moderation/items/{item.pk}/act/",
                           {"action": "hide", "version": item.version, "reason": "Spam"})
    assert response.status_code == 403
