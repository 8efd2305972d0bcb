"""A display name (and photo) hidden by moderators is shown nowhere to anyone but the member
and community managers: not next to their posts, reviews, ideas and comments, not in the
mention list, not on any page of the site.

The page test walks every GET URL of the URLconf (tests/security/urlwalk.py) as each role
that may not see the name, so a page added later is covered without being listed here.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from community.services.accounts import update_profile
from moderation.models import QueueItem
from moderation.profiles import PROFILE_ADAPTER
from moderation.services.queue import act_on_item
from tests.factories import CommunityManagerFactory, UserFactory
from tests.forum.factories import make_reply, make_topic
from tests.moderation.factories import at_level
from tests.security.urlwalk import walk_urls
from tests.security.walker import RoleClient
from tests.security.world import make_roles, make_world

# On the production path (tests/security/conftest.py): every cache on, production middleware.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("production_path")]

HIDDEN_NAME = "Zanzibar Quillfeather"


def _hide_profile(member, manager) -> None:
    """As a moderator does it: from the queue item of a flag on the profile."""
    item = QueueItem.objects.filter(object_id=member.pk, content_type__model="user").latest("pk")
    act_on_item(actor=manager, item_id=item.pk, action="hide", version=item.version, reason="Impersonation")
    member.refresh_from_db()
    assert member.profile_hidden_at is not None


@pytest.fixture
def hidden_world():
    world = make_world()
    roles = make_roles()
    owner = world["owner"]
    owner.display_name = HIDDEN_NAME
    owner.save(update_fields=["display_name"])
    # A reply quoting the owner: the quote header names them too.
    make_reply(world["topic"], author=roles["customer"], body="Quoting the owner", reply_to=world["reply"])
    _hide_profile(owner, roles["manager"])
    return world, roles


def test_the_public_name_of_a_hidden_profile_is_the_username(hidden_world):
    world, _roles = hidden_world
    owner = world["owner"]
    assert owner.name == owner.username
    assert owner.own_name == HIDDEN_NAME
    assert not owner.public_avatar


@pytest.mark.parametrize("role", ["anonymous", "customer", "brand_staff"])
def test_no_page_of_the_site_shows_a_hidden_display_name(hidden_world, role):
    world, roles = hidden_world
    client = RoleClient(roles[role])
    shown_on = []
    for url in walk_urls(world):
        if url.group:  # the admin sites: staff screens, walked by the authorization test
            continue
        answer, response = client.request("GET", url.path)
        if answer == "error":
            continue  # server errors are the malformed-request walk's business
        if HIDDEN_NAME in response.content.decode(errors="replace"):
            shown_on.append(url.path)
    assert not shown_on, f"{HIDDEN_NAME!r} shown to {role} on {shown_on}"


def test_the_mention_list_offers_the_username_only(hidden_world, client):
    world, roles = hidden_world
    client.force_login(roles["customer"])
    members = client.get(reverse("forum:mention_candidates") + "?q=walk-own").json()["members"]
    assert members == [{"username": world["owner"].username, "display_name": ""}]


def test_the_member_and_managers_still_see_the_chosen_name(hidden_world, client):
    world, roles = hidden_world
    owner = world["owner"]
    for viewer in (owner, roles["manager"]):
        client.force_login(viewer)
        assert HIDDEN_NAME in client.get(reverse("community:profile", args=[owner.username])).content.decode()


def test_posts_show_the_name_again_once_moderators_restore_the_profile(hidden_world, client):
    world, roles = hidden_world
    owner = world["owner"]
    topic = make_topic(author=owner, title="After the restore")
    assert HIDDEN_NAME not in client.get(topic.get_absolute_url()).content.decode()
    PROFILE_ADAPTER.restore(owner, actor=roles["manager"])
    client.force_login(roles["customer"])
    assert HIDDEN_NAME in client.get(topic.get_absolute_url()).content.decode()


def _hidden_by_a_manager(member):
    PROFILE_ADAPTER.hide(member, reason="Impersonation", actor=CommunityManagerFactory())


def _renamed_by_themselves(member):
    update_profile(user=member, display_name="Plain Name", bio="")


@pytest.mark.parametrize("change", [_hidden_by_a_manager, _renamed_by_themselves],
                         ids=["hidden by a manager", "renamed by the member"])
def test_a_changed_name_leaves_every_cached_anonymous_page_at_once(
        change, django_capture_on_commit_callbacks):
    author = at_level(UserFactory(username="cached-author", display_name=HIDDEN_NAME), 2)
    topic = make_topic(author=author, title="Read before the name changed")
    pages = [topic.get_absolute_url(), reverse("forum:index")]
    anonymous = Client()
    for url in pages:
        anonymous.get(url)
        # The second visit comes from the page cache, with the name still there.
        assert HIDDEN_NAME in anonymous.get(url).content.decode(), url
    with django_capture_on_commit_callbacks(execute=True):
        change(author)
    shown_on = [url for url in pages if HIDDEN_NAME in anonymous.get(url).content.decode()]
    assert not shown_on, f"{HIDDEN_NAME!r} still served from the page cache on {shown_on}"
