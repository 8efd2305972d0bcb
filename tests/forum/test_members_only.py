"""Members-only categories: a category whose ``members_group`` is set exists only for that
group's members, community managers, brand staff and staff accounts. The rule is one filter
(``forum.visibility.category_open_q``) with a per-object form (``category_open_to``); the
pages, search, notifications and the admin follow it. Every forum URL is walked by role in
``tests/security/test_members_only_walk.py``."""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.urls import reverse

from community.models import Notification, User
from forum import rules, services, tasks
from forum.models import Category, Post, Topic
from forum.visibility import category_open_to, readers_q
from tests.factories import BrandStaffFactory, CommunityManagerFactory, UserFactory
from tests.forum.factories import CategoryFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db

# Every signed-in page: the user row, and the roles query, which also brings the member's
# group ids (community.roles.viewer_group_ids): no query is added for the rule itself.
SIGNED_IN = 2
SECRET = "Quokka prototype first look"


def fresh(user):
    """The member as the next request loads them (roles and groups are kept per request)."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def insiders(db):
    return Group.objects.create(name="Early access")


@pytest.fixture
def lounge(insiders):
    return CategoryFactory(name="Insiders lounge", slug="insiders-lounge", members_group=insiders)


@pytest.fixture
def readers(insiders):
    insider = UserFactory(username="insider")
    insider.groups.add(insiders)
    staff_account = UserFactory(username="staffer", is_staff=True)
    return {"visitor": AnonymousUser(), "member": UserFactory(username="outsider"), "insider": insider,
            "brand staff": BrandStaffFactory(), "staff account": staff_account,
            "community manager": CommunityManagerFactory()}


SEES_LOUNGE = {"insider", "brand staff", "staff account", "community manager"}


@pytest.fixture
def secret_topic(lounge, readers):
    topic = make_topic(author=readers["insider"], category=lounge, title=SECRET,
                       body="Lighter, with a simmer ring.")
    make_reply(topic, author=readers["brand staff"], body="Ask us anything about the quokka.")
    return topic


def test_a_members_only_category_is_open_to_its_group_and_staff_only(lounge, readers):
    open_category = CategoryFactory(slug="kitchen")
    for name, reader in readers.items():
        reader = fresh(reader) if reader.is_authenticated else reader
        assert category_open_to(reader, open_category), name
        assert category_open_to(reader, lounge) == (name in SEES_LOUNGE), name
    listed = {name for name, reader in readers.items()
              if Category.objects.open_to(reader).filter(pk=lounge.pk).exists()}
    assert listed == SEES_LOUNGE


def test_an_inactive_insider_and_another_groups_member_do_not_enter(lounge, insiders, readers):
    other = UserFactory()
    other.groups.add(Group.objects.create(name="Beta testers"))
    inactive = readers["insider"]
    inactive.is_active = False
    inactive.save()
    assert not category_open_to(fresh(other), lounge)
    assert category_open_to(fresh(inactive), lounge)  # the group rule; log-in refuses them
    assert not rules.can_start_topic(fresh(inactive), lounge)


def test_the_querysets_and_the_per_object_checks_agree_in_both_kinds_of_category(
        lounge, readers, secret_topic):
    open_topic = make_topic(author=readers["member"], category=CategoryFactory(slug="kitchen"))
    make_reply(open_topic, author=readers["insider"])
    topics = list(Topic.objects.select_related("category"))
    posts = list(Post.objects.select_related("topic__category"))
    for name, reader in readers.items():
        reader = fresh(reader) if reader.is_authenticated else reader
        assert ({t.pk for t in Topic.objects.visible_to(reader)}
                == {t.pk for t in topics if rules.can_see_topic(reader, t)}), name
        assert ({p.pk for p in Post.objects.visible_to(reader)}
                == {p.pk for p in posts if rules.can_see_post(reader, p)}), name
        sees_secret = Topic.objects.visible_to(reader).filter(pk=secret_topic.pk).exists()
        assert sees_secret == (name in SEES_LOUNGE), name
        assert Topic.objects.readable_by(reader).filter(pk=secret_topic.pk).exists() == sees_secret
    assert not Topic.objects.readable().filter(pk=secret_topic.pk).exists()


def test_the_per_object_check_costs_no_query_once_the_category_is_loaded(
        lounge, readers, secret_topic, django_assert_num_queries):
    members = [fresh(r) for r in readers.values() if r.is_authenticated] + [AnonymousUser()]
    posts = list(Post.objects.select_related("topic__category"))
    for member in members:
        rules.can_see_topic(member, secret_topic)  # a request reads its reader's roles once
    with django_assert_num_queries(0):
        for member, post in itertools.product(members, posts):
            rules.can_see_post(member, post)


# --- Pages ---------------------------------------------------------------------------------

def test_an_outsider_meets_missing_pages_and_sees_the_category_nowhere(client, readers, secret_topic):
    client.force_login(readers["member"])
    post = secret_topic.posts.get(post_number=2)
    for url in (reverse("forum:category", args=["insiders-lounge"]),
                reverse("forum:new_topic", args=["insiders-lounge"]),
                secret_topic.get_absolute_url(), reverse("forum:topic_unread", args=[secret_topic.pk]),
                reverse("forum:post", args=[post.pk]), reverse("forum:post_fragment", args=[post.pk]),
                reverse("forum:post_history", args=[post.pk])):
        assert client.get(url).status_code == 404, url
    for url in (reverse("forum:reply", args=[secret_topic.pk]), reverse("forum:like", args=[post.pk]),
                reverse("forum:watch", args=[secret_topic.pk])):
        assert client.post(url, {"body": "Let me in", "watching": "1"}).status_code == 404, url
    assert Post.objects.filter(topic=secret_topic).count() == 2 and not post.likes.exists()
    for url in (reverse("forum:index"), reverse("forum:search") + "?q=quokka"):
        page = client.get(url).content.decode()
        assert "Insiders lounge" not in page and SECRET not in page, url
        assert "anything about the quokka" not in page, url


def test_an_outsider_cannot_flag_members_only_posts_or_topics_and_an_insider_can(
        client, readers, secret_topic):
    from django.contrib.contenttypes.models import ContentType

    post = secret_topic.posts.get(post_number=2)
    urls = [reverse("moderation:flag", args=[ContentType.objects.get_for_model(obj).pk, obj.pk])
            for obj in (post, secret_topic)]
    client.force_login(readers["member"])
    for url in urls:
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "spam"}).status_code == 404
    client.force_login(readers["insider"])
    assert client.get(urls[0]).status_code == 200


def test_an_insider_reads_posts_and_finds_the_category(client, readers, secret_topic, insiders):
    from rewards.models import Reward

    Reward.objects.create(title="Early access to new products", kind=Reward.Kind.EARLY_ACCESS,
                          cost=200, group=insiders, access_days=30)
    client.force_login(readers["insider"])
    index = client.get(reverse("forum:index")).content.decode()
    assert "Insiders lounge" in index and "Members only" in index
    page = client.get(reverse("forum:category", args=["insiders-lounge"])).content.decode()
    assert SECRET in page
    assert "Members only: opened by Early access to new products." in page
    found = client.get(reverse("forum:search") + "?q=quokka").content.decode()
    assert "<mark>Quokka</mark> prototype first look" in found
    response = client.post(reverse("forum:reply", args=[secret_topic.pk]), {"body": "Count me in!"})
    assert response.status_code == 302
    assert secret_topic.posts.filter(body="Count me in!").exists()


def test_a_members_only_category_without_a_reward_names_its_group(client, readers, secret_topic):
    client.force_login(readers["community manager"])
    page = client.get(reverse("forum:category", args=["insiders-lounge"])).content.decode()
    assert "Members only: opened by Early access." in page
    assert SECRET in client.get(secret_topic.get_absolute_url()).content.decode()


def test_the_category_page_costs_one_more_query_only_when_members_only(
        client, readers, secret_topic, django_assert_num_queries):
    open_category = CategoryFactory(slug="kitchen")
    make_topic(author=readers["insider"], category=open_category)
    client.force_login(readers["insider"])
    with django_assert_num_queries(SIGNED_IN + 3):
        client.get(reverse("forum:category", args=["kitchen"]))
    # What opens the category (community.group_access: the rewards that give its group).
    with django_assert_num_queries(SIGNED_IN + 4):
        client.get(reverse("forum:category", args=["insiders-lounge"]))


def test_leaving_the_group_closes_the_category_on_the_next_request(client, readers, secret_topic, insiders):
    insider = readers["insider"]
    client.force_login(insider)
    assert client.get(secret_topic.get_absolute_url()).status_code == 200  # fills the post caches
    insider.groups.remove(insiders)
    assert client.get(secret_topic.get_absolute_url()).status_code == 404
    assert client.get(reverse("forum:category", args=["insiders-lounge"])).status_code == 404
    assert "Insiders lounge" not in client.get(reverse("forum:index")).content.decode()


# --- Notifications -------------------------------------------------------------------------

def test_notifications_name_a_members_only_topic_to_its_readers_only(readers, secret_topic, insiders, commit):
    outsider, insider = readers["member"], readers["insider"]
    watcher = UserFactory(username="watcher")
    watcher.groups.add(insiders)
    services.watch_topic(user=fresh(watcher), topic=Topic.objects.select_related("category")
                         .get(pk=secret_topic.pk), watching=True)
    watcher.groups.remove(insiders)  # their early access ended before the reply
    with commit():
        reply = make_reply(secret_topic, author=readers["brand staff"],
                           body=f"News for @{outsider.username} and @{insider.username}")
    told = set(Notification.objects.values_list("recipient__username", "kind"))
    assert ("insider", "forum.mention") in told
    assert not {name for name, _ in told} & {"outsider", "watcher"}
    assert tasks.notify_mentions(reply.pk) == 0  # and a second run tells nobody


def test_readers_of_a_category_are_the_members_the_rule_lets_in(lounge, readers):
    let_in = set(User.objects.filter(readers_q(lounge)).values_list("username", flat=True))
    expected = {fresh(r).username for name, r in readers.items() if name in SEES_LOUNGE}
    assert let_in & {fresh(r).username for r in readers.values() if r.is_authenticated} == expected
    assert User.objects.filter(readers_q(CategoryFactory(slug="open"))).count() == User.objects.count()


# --- Admin ---------------------------------------------------------------------------------

def test_staff_make_a_category_members_only_in_the_admin(
        client, insiders, django_capture_on_commit_callbacks):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    category = CategoryFactory(name="Kitchen", slug="kitchen")
    make_topic(author=UserFactory(), category=category)
    client.force_login(root)
    url = reverse("forum_categories:edit", args=[category.pk])
    assert 'name="members_group"' in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, {"name": "Kitchen", "slug": "kitchen", "description": "",
                                     "members_group": insiders.pk})
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.members_group == insiders
    assert len(callbacks) >= 2  # the topic's version and the listings' (services.category_changed)
