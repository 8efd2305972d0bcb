"""The forum's one visibility rule per content type: the querysets (pages, search, the topic
websocket, notification tasks) and the per-object checks (``forum.rules``) give the same
answer for every state of topic and post and every kind of reader."""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import timezone

from community.predicates import matches
from community.roles import is_community_manager
from forum import rules
from forum.models import Post, Topic
from tests.factories import CommunityManagerFactory, UserFactory
from tests.forum.factories import CategoryFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db

STATES = {"live": {}, "hidden": {"is_hidden": True}, "deleted": {"deleted_at": True},
          "hidden and deleted": {"is_hidden": True, "deleted_at": True}}


def _apply(model, pk, state):
    fields = {name: timezone.now() if name == "deleted_at" else value for name, value in state.items()}
    if fields:
        model.objects.filter(pk=pk).update(**fields)


@pytest.fixture
def forum_in_every_state():
    """A topic in each state, each with a reply in each state; the readers who matter."""
    topic_author, post_author = UserFactory(), UserFactory()
    category = CategoryFactory()
    for topic_state in STATES.values():
        topic = make_topic(author=topic_author, category=category)
        for post_state in STATES.values():
            _apply(Post, make_reply(topic, author=post_author).pk, post_state)
        _apply(Topic, topic.pk, topic_state)
    readers = {"visitor": AnonymousUser(), "member": UserFactory(), "topic author": topic_author,
               "post author": post_author, "community manager": CommunityManagerFactory()}
    return readers


def test_the_topic_querysets_and_the_per_topic_check_agree_for_every_reader(forum_in_every_state):
    topics = list(Topic.objects.all())
    assert len(topics) == len(STATES)
    for name, reader in forum_in_every_state.items():
        listed = set(Topic.objects.visible_to(reader).values_list("pk", flat=True))
        checked = {topic.pk for topic in topics if rules.can_see_topic(reader, topic)}
        assert listed == checked, name


def test_the_post_querysets_and_the_per_post_check_agree_for_every_reader(forum_in_every_state):
    posts = list(Post.objects.select_related("topic"))
    assert len(posts) == len(STATES) * (len(STATES) + 1)
    for name, reader in forum_in_every_state.items():
        listed = set(Post.objects.visible_to(reader).values_list("pk", flat=True))
        checked = {post.pk for post in posts if rules.can_see_post(reader, post)}
        assert listed == checked, name


def test_what_anyone_may_read_is_what_a_visitor_sees_less_the_deleted(forum_in_every_state):
    visitor = forum_in_every_state["visitor"]
    posts = list(Post.objects.select_related("topic"))
    readable = set(Post.objects.readable().values_list("pk", flat=True))
    assert readable == {post.pk for post in posts
                        if rules.can_see_post(visitor, post) and post.deleted_at is None}
    assert all(not p.is_hidden and not p.topic.is_hidden and p.topic.deleted_at is None
               for p in Post.objects.readable().select_related("topic"))
    assert set(Topic.objects.readable()) == set(Topic.objects.visible_to(visitor))


def test_hidden_content_is_seen_by_its_author_and_community_managers_only(forum_in_every_state):
    readers = forum_in_every_state
    hidden_reply = Post.objects.get(is_hidden=True, deleted_at__isnull=True, post_number__gt=1,
                                    topic__is_hidden=False, topic__deleted_at__isnull=True)
    seen_by = {name for name, reader in readers.items() if rules.can_see_post(reader, hidden_reply)}
    assert seen_by == {"post author", "community manager"}
    hidden_topic = Topic.objects.get(is_hidden=True, deleted_at__isnull=True)
    seen_by = {name for name, reader in readers.items() if rules.can_see_topic(reader, hidden_topic)}
    assert seen_by == {"topic author", "community manager"}
    deleted_topic = Topic.objects.get(is_hidden=False, deleted_at__isnull=False)
    seen_by = {name for name, reader in readers.items() if rules.can_see_topic(reader, deleted_topic)}
    assert seen_by == {"community manager"}


def test_the_per_object_check_costs_no_query_once_the_topic_is_loaded(
        forum_in_every_state, django_assert_num_queries):
    # The rule reads the topic's category (members-only or not): load it with the topic.
    posts = list(Post.objects.select_related("topic__category"))
    for reader in forum_in_every_state.values():
        is_community_manager(reader)  # a request knows its reader's permissions already
    with django_assert_num_queries(0):
        for reader, post in itertools.product(forum_in_every_state.values(), posts):
            rules.can_see_post(reader, post)


class Row:
    def __init__(self, **fields):
        self.__dict__.update(fields)


def test_a_filter_is_answered_for_one_object_as_the_database_would():
    row = Row(is_hidden=False, deleted_at=None, author_id=3, topic=Row(is_hidden=True))
    assert matches(row, Q())
    assert matches(row, Q(is_hidden=False, deleted_at__isnull=True))
    assert not matches(row, Q(topic__is_hidden=False))
    assert matches(row, Q(topic__is_hidden=False) | Q(author_id=3))
    assert matches(row, ~Q(author_id=4) & Q(author_id__exact=3))


def test_a_filter_with_a_lookup_it_cannot_answer_is_refused():
    with pytest.raises(ValueError, match="gt"):
        matches(Row(score=3), Q(score__gt=2))
