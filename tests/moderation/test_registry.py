"""A content type with extra actions, as forum topics will register lock/pin/move."""

import pytest
from django import forms
from django.contrib.auth.models import Group

from moderation.models import ModerationAction, QueueItem
from moderation.registry import (
    ExtraAction,
    ModerationAdapter,
    NotModeratable,
    adapter_for,
    register,
    unregister,
)
from moderation.services.flags import flag_content
from moderation.services.limits import ActionRefused
from moderation.services.queue import act_on_item
from tests.factories import CommunityManagerFactory, UserFactory

pytestmark = pytest.mark.django_db
STATE: dict[int, dict] = {}


class MoveForm(forms.Form):
    category = forms.CharField(label="Move to category")


def rename(obj, *, actor, data):
    STATE.setdefault(obj.pk, {})["category"] = data["category"]
    return f"Moved to {data['category']}"


def lock(obj, *, actor, data):
    STATE.setdefault(obj.pk, {})["locked"] = True
    return "Locked"


@pytest.fixture
def groups_are_moderated():
    register(Group, ModerationAdapter(
        label="group", author=lambda obj: None, excerpt=lambda obj: obj.name, url=lambda obj: "/",
        is_hidden=lambda obj: False, hide=lambda obj, **kw: None, restore=lambda obj, **kw: None,
        delete=lambda obj, **kw: None,
        extra_actions=[ExtraAction("move", "Move", rename, form=MoveForm),
                       ExtraAction("lock", "Lock", lock,
                                   available=lambda obj: not STATE.get(obj.pk, {}).get("locked"))],
    ))
    STATE.clear()
    yield
    unregister(Group)


def test_unregistered_models_cannot_be_flagged():
    with pytest.raises(NotModeratable):
        adapter_for(Group)
    with pytest.raises(ActionRefused, match="cannot be flagged"):
        flag_content(flagger=UserFactory(), obj=Group.objects.create(name="g"), reason="spam")


def test_extra_actions_run_through_the_adapter_and_are_logged(groups_are_moderated):
    group = Group.objects.create(name="Off topic")
    flag_content(flagger=UserFactory(), obj=group, reason="off_topic")
    item = QueueItem.objects.get()
    manager = CommunityManagerFactory()
    outcome = act_on_item(actor=manager, item_id=item.pk, action="extra", extra_name="lock",
                          version=item.version)
    assert outcome.message == "Locked" and STATE[group.pk]["locked"]
    with pytest.raises(ActionRefused, match="not available"):
        act_on_item(actor=manager, item_id=item.pk, action="extra", extra_name="lock",
                    version=outcome.item.version)
    entry = ModerationAction.objects.get(action="extra")
    assert entry.extra["name"] == "lock" and entry.label == "Lock"


def test_extra_action_forms_are_shown_and_validated_on_the_item_page(groups_are_moderated, client):
    group = Group.objects.create(name="Misplaced")
    flag_content(flagger=UserFactory(), obj=group, reason="off_topic")
    item = QueueItem.objects.get()
    client.force_login(CommunityManagerFactory())
    page = client.get(f"/moderation/items/{item.pk}/").content.decode()
    assert "Move to category" in page
    url = f"/moderation/items/{item.pk}/act/"
    move = {"action": "extra", "extra": "move", "version": item.version}
    response = client.post(url, {**move, "move-category": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    client.post(url, {**move, "move-category": "Kettles"})
    assert STATE[group.pk]["category"] == "Kettles"
