"""Every moderation URL for every role, generated from moderation/urls.py so that a new view
cannot escape it: a pattern with an argument this test does not know fails the test."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from community.models import User
from community.roles import BRAND_STAFF, COMMUNITY_MANAGERS
from moderation import urls as moderation_urls
from moderation.models import QueueItem, Suspension
from tests.factories import UserFactory
from tests.moderation.factories import at_level, flag_profile, member_at

pytestmark = pytest.mark.django_db

# The views every signed-in member may use; all others are for community managers only.
MEMBER_VIEWS = {"flag"}
ROLES = ["anonymous", "tl0", "tl1", "tl2", "tl3", "tl4", "brand_staff", "community_manager", "superuser"]


def make_user(role: str):
    if role == "anonymous":
        return None
    if role.startswith("tl"):
        return member_at(int(role[2:]), username=f"{role}-member")
    user = UserFactory(username=role.replace("_", "-"))
    if role == "superuser":
        user.is_superuser = user.is_staff = True
        user.save()
    else:
        user.groups.add(Group.objects.get(name=BRAND_STAFF if role == "brand_staff" else COMMUNITY_MANAGERS))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def world():
    target = at_level(UserFactory(username="target"), 0)
    flag_profile(target, by=member_at(1))
    suspension = Suspension.objects.create(user=target, reason="Testing")
    return {
        "item_id": QueueItem.objects.get().pk,
        "username": target.username,
        "suspension_id": suspension.pk,
        "content_type_id": ContentType.objects.get_for_model(User).pk,
        "object_id": target.pk,
    }


def all_urls(world):
    urls = []
    for pattern in moderation_urls.urlpatterns:
        names = list(pattern.pattern.converters)
        missing = [name for name in names if name not in world]
        assert not missing, f"add {missing} to the authorization test's world for {pattern.name}"
        kwargs = {name: world[name] for name in names}
        urls.append((pattern.name, reverse(f"moderation:{pattern.name}", kwargs=kwargs)))
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_every_moderation_url_admits_only_the_roles_it_should(client, world, role):
    user = make_user(role)
    if user:
        client.force_login(user)
    for name, url in all_urls(world):
        response = client.get(url)
        method = "GET"
        if response.status_code == 405:
            response = client.post(url, {})
            method = "POST"
        status = response.status_code
        where = f"{role} {method} {url}"
        if role == "anonymous":
            assert status == 302 and "/accounts/login/" in response["Location"], where
        elif role in {"community_manager", "superuser"} or name in MEMBER_VIEWS:
            assert status in {200, 302, 400}, f"{where}: {status}"
            if status == 302:
                assert "/accounts/login/" not in response["Location"], where
        else:
            assert status == 403, f"{where}: {status}"
