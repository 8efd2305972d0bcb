"""A members-only forum category exists only for its group's members and staff: every forum
URL pattern (walked from the URLconf, so a view added later is covered) answers an outsider
about a members-only topic, post or category exactly as it answers about one that does not
exist, and an insider or staff member as it answers about an open one. Every other page of
the site is read by insiders and staff first, then by outsiders (anonymous twice, the second
from the page cache): none shows the category or its topics to an outsider.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from community.models import User
from forum import services as forum_services
from forum.models import Category
from tests.forum.factories import CategoryFactory, make_reply, make_topic
from tests.security.urlwalk import walk_urls
from tests.security.walker import RoleClient
from tests.security.world import make_roles, make_world

# On the production path (tests/security/conftest.py): every cache on, production middleware.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("production_path")]

SECRET_TITLE = "Marmoset launch plans"
SECRET_REPLY = "Wombat colourway arrives in spring"
LOUNGE_NAME = "Quillback lounge"
# The URL keywords that name forum content.
FORUM_KEYWORDS = {"topic_id", "post_id", "slug"}
# Staff roles and insiders answer the same about members-only and open content.
PRIVILEGED = ("insider", "brand_staff", "manager", "superuser")
OUTSIDERS = ("anonymous", "customer", "suspended")


@pytest.fixture
def lounge_world():
    world = make_world()
    roles = make_roles()
    group = Group.objects.create(name="Walk insiders")
    lounge = CategoryFactory(name=LOUNGE_NAME, slug="quillback", members_group=group)
    owner = world["owner"]
    owner.groups.add(group)
    owner = User.objects.get(pk=owner.pk)
    topic = make_topic(author=owner, category=lounge, title=SECRET_TITLE)
    reply = make_reply(topic, author=owner, body=SECRET_REPLY)
    insider = User.objects.create_user(username="walk-insider", email="insider@example.com")
    insider.groups.add(group)
    roles["insider"] = User.objects.get(pk=insider.pk)
    secret = {**world, "topic_id": topic.pk, "post_id": reply.pk, "category_slug": lounge.slug,
              "topic_slug": topic.slug}
    missing = {**world, "topic_id": 987_654_321, "post_id": 987_654_321,
               "category_slug": "no-such-category", "topic_slug": "no-such-topic"}
    return world, secret, missing, roles, lounge


def _forum_urls(world: dict) -> dict[str, str]:
    return {url.key: url.path for url in walk_urls(world)
            if url.key.startswith("forum:") and FORUM_KEYWORDS & set(url.keywords)}


def test_every_forum_url_answers_outsiders_as_if_members_only_content_did_not_exist(lounge_world):
    world, secret, missing, roles, _lounge = lounge_world
    clients = {role: RoleClient(user) for role, user in roles.items()}
    open_urls, secret_urls, missing_urls = _forum_urls(world), _forum_urls(secret), _forum_urls(missing)
    assert set(secret_urls) == set(open_urls) == set(missing_urls)
    assert len(secret_urls) >= 15, "the walk found fewer forum URLs than the forum has"
    differences = []
    for key in sorted(secret_urls):
        for method in ("GET", "POST"):
            for role in PRIVILEGED + OUTSIDERS:
                got, _ = clients[role].request(method, secret_urls[key])
                if role in OUTSIDERS:
                    expected, _ = clients[role].request(method, missing_urls[key])
                    like = "a missing one"
                else:
                    # An insider is a member like the customer on open content.
                    as_role = "customer" if role == "insider" else role
                    expected, _ = clients[as_role].request(method, open_urls[key])
                    like = f"open content for {as_role}"
                if got != expected or got == "error":
                    differences.append(f"{method} {secret_urls[key]} [{key}] as {role}: {got}, "
                                       f"but {expected} for {like}")
    assert not differences, "\n".join(differences)


def test_no_page_of_the_site_shows_members_only_content_to_outsiders(lounge_world):
    world, secret, _missing, roles, _lounge = lounge_world
    readers = [(role, RoleClient(roles[role])) for role in PRIVILEGED]
    readers += [(role, RoleClient(roles[role])) for role in OUTSIDERS]
    readers.append(("anonymous again", RoleClient(None)))
    extra = [reverse("forum:search") + "?q=marmoset", reverse("forum:search") + "?q=wombat",
             reverse("forum:index") + "?page=1",
             reverse("forum:topic", kwargs={"topic_id": secret["topic_id"], "slug": secret["topic_slug"]})]
    paths = [url.path for url in walk_urls(world) if not url.group] + extra
    shown, seen_by_insider = [], set()
    for path in paths:
        for role, client in readers:
            answer, response = client.request("GET", path)
            if answer == "error" or not hasattr(response, "content"):
                continue
            page = response.content.decode(errors="replace")
            leaked = [text for text in (SECRET_TITLE, SECRET_REPLY, LOUNGE_NAME) if text in page]
            if role == "insider":
                seen_by_insider.update(leaked)
            elif role not in PRIVILEGED and leaked:
                shown.append(f"{path} as {role}: {leaked}")
    assert not shown, "members-only content shown to outsiders:\n" + "\n".join(shown)
    assert seen_by_insider == {SECRET_TITLE, SECRET_REPLY, LOUNGE_NAME}


def test_making_a_category_members_only_leaves_every_cached_anonymous_page_at_once(
        django_capture_on_commit_callbacks):
    from django.test import Client

    from tests.factories import UserFactory
    from tests.moderation.factories import at_level

    category = CategoryFactory(name=LOUNGE_NAME, slug="quillback")
    topic = make_topic(author=at_level(UserFactory(), 2), category=category, title=SECRET_TITLE)
    pages = [topic.get_absolute_url(), reverse("forum:index"), category.get_absolute_url()]
    anonymous = Client()
    for url in pages:
        anonymous.get(url)
        assert SECRET_TITLE in anonymous.get(url).content.decode(), url  # from the page cache
    with django_capture_on_commit_callbacks(execute=True):
        Category.objects.filter(pk=category.pk).update(members_group=Group.objects.create(name="Later"))
        forum_services.category_changed(category=Category.objects.get(pk=category.pk))
    still = [url for url in pages if SECRET_TITLE in anonymous.get(url).content.decode()]
    assert not still, f"still served from the page cache: {still}"
    assert anonymous.get(topic.get_absolute_url()).status_code == 404
