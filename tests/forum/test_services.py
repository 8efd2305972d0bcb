import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from community.models import Notification
from forum import services, signals
from forum.models import Category, Like, Post, PostRevision, Topic, TopicReadState, TopicSubscription
from tests.factories import BrandStaffFactory
from tests.forum.factories import CategoryFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db


def refresh(*objects):
    for obj in objects:
        obj.refresh_from_db()


class Recorder:
    def __init__(self, signal):
        self.calls = []
        signal.connect(self, weak=False)
        self.signal = signal

    def __call__(self, sender, **payload):
        payload.pop("signal", None)
        self.calls.append(payload)


@pytest.fixture
def record():
    recorders = []

    def make(signal):
        recorder = Recorder(signal)
        recorders.append(recorder)
        return recorder

    yield make
    for recorder in recorders:
        recorder.signal.disconnect(recorder)


# --- Starting topics -----------------------------------------------------------------------

def test_starting_a_topic_creates_the_opening_post_and_counts_it(alice, category):
    topic = make_topic(author=alice, category=category, title="Kettle shows E3 on the display")
    refresh(category)
    first = topic.posts.get()
    assert first.post_number == 1 and first.author == alice
    assert (category.topic_count, category.post_count) == (1, 1)
    assert topic.last_post_number == 1 and topic.reply_count == 0
    assert topic.slug == "kettle-shows-e3-on-the-display"
    assert TopicSubscription.objects.get(topic=topic, user=alice).is_watching


def test_topic_title_and_body_limits_are_refused_with_clear_messages(alice, category):
    with pytest.raises(ValidationError, match="too short"):
        make_topic(author=alice, category=category, title="Help")
    with pytest.raises(ValidationError, match="too long"):
        make_topic(author=alice, category=category, title="x" * 151)
    with pytest.raises(ValidationError, match="empty posts"):
        make_topic(author=alice, category=category, body="   \n ")
    with pytest.raises(ValidationError, match="too long"):
        make_topic(author=alice, category=category, body="x" * 20_001)
    assert not Topic.objects.exists()


def test_members_cannot_start_topics_in_a_restricted_category(alice):
    announcements = CategoryFactory(slug="announcements", is_restricted=True)
    with pytest.raises(PermissionDenied):
        make_topic(author=alice, category=announcements)


def test_brand_staff_and_managers_can_start_topics_in_a_restricted_category(manager):
    announcements = CategoryFactory(slug="announcements", is_restricted=True)
    make_topic(author=BrandStaffFactory(), category=announcements)
    make_topic(author=manager, category=announcements)
    assert announcements.topics.count() == 2


def test_resubmitting_the_new_topic_form_returns_the_same_topic(alice, category):
    token = uuid.uuid4()
    first = services.start_topic(author=alice, category=category, title="Grinder settings for V60",
                                 body="Which one?", client_token=token)
    again = services.start_topic(author=alice, category=category, title="Grinder settings for V60",
                                 body="Which one?", client_token=token)
    refresh(category)
    assert first == again and Topic.objects.count() == 1 and category.topic_count == 1


def test_topic_created_is_sent_after_commit_with_ids(
    alice, category, record, django_capture_on_commit_callbacks
):
    recorder = record(signals.topic_created)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        topic = make_topic(author=alice, category=category)
    assert recorder.calls == []  # nothing is announced before commit
    for callback in callbacks:
        callback()
    assert recorder.calls == [{"topic_id": topic.pk, "post_id": topic.posts.get().pk,
                               "category_id": category.pk, "author_id": alice.pk}]


# --- Replies -------------------------------------------------------------------------------

def test_replies_get_consecutive_numbers_and_move_the_counters(alice, bob, category):
    topic = make_topic(author=alice, category=category)
    first = make_reply(topic, author=bob)
    second = make_reply(topic, author=alice)
    refresh(topic, category)
    assert (first.post_number, second.post_number) == (2, 3)
    assert topic.reply_count == 2 and topic.last_post_number == 3
    assert topic.last_post_author == alice and topic.last_post_at == second.created_at
    assert category.post_count == 3


def test_a_double_submitted_reply_creates_one_post(alice, bob, category):
    topic = make_topic(author=alice, category=category)
    token = uuid.uuid4()
    one = services.post_reply(author=bob, topic=topic, body="Same answer", client_token=token)
    two = services.post_reply(author=bob, topic=topic, body="Same answer", client_token=token)
    refresh(topic)
    assert one == two
    assert topic.posts.count() == 2 and topic.reply_count == 1


def test_a_locked_topic_refuses_replies_with_a_clear_message(alice, bob, manager, category):
    topic = make_topic(author=alice, category=category)
    services.lock_topic(actor=manager, topic=topic, locked=True)
    refresh(topic)
    with pytest.raises(ValidationError, match="locked"):
        make_reply(topic, author=bob)
    make_reply(topic, author=manager)  # managers may still add a closing note
    assert topic.posts.count() == 2


def test_only_community_managers_lock_and_pin(alice, category):
    topic = make_topic(author=alice, category=category)
    with pytest.raises(PermissionDenied):
        services.lock_topic(actor=alice, topic=topic, locked=True)
    with pytest.raises(PermissionDenied):
        services.pin_topic(actor=alice, topic=topic, pinned=True)


def test_a_reply_cannot_quote_a_post_of_another_topic(alice, bob, category):
    topic = make_topic(author=alice, category=category)
    other = make_topic(author=alice, category=category, title="Another topic here")
    with pytest.raises(ValidationError, match="quote"):
        make_reply(topic, author=bob, reply_to=other.posts.get())


def test_replying_watches_the_topic_but_respects_an_earlier_unwatch(alice, bob, category):
    topic = make_topic(author=alice, category=category)
    make_reply(topic, author=bob)
    assert TopicSubscription.objects.get(topic=topic, user=bob).is_watching
    services.watch_topic(user=bob, topic=topic, watching=False)
    make_reply(topic, author=bob)
    assert not TopicSubscription.objects.get(topic=topic, user=bob).is_watching


def test_watchers_are_notified_of_a_reply_except_its_author(alice, bob, carol, category, commit):
    topic = make_topic(author=alice, category=category, title="Lantern will not charge")
    services.watch_topic(user=carol, topic=topic, watching=True)
    with commit():
        reply = make_reply(topic, author=bob, body="Use a PD power bank.")
    notified = Notification.objects.filter(kind="forum.reply", url=reply.get_absolute_url())
    assert sorted(n.recipient.username for n in notified) == ["alice", "carol"]
    assert "Lantern will not charge" in notified.first().message


def test_mentioned_members_get_a_mention_instead_of_a_reply_notification(alice, bob, carol, category, commit):
    topic = make_topic(author=alice, category=category)
    with commit():
        make_reply(topic, author=bob, body="@alice and @carol, have a look. @nobody too.")
    kinds = set(Notification.objects.filter(kind__startswith="forum.").values_list(
        "recipient__username", "kind"))
    assert kinds == {("alice", "forum.mention"), ("carol", "forum.mention")}


def test_editing_in_a_new_mention_notifies_only_the_new_member(alice, bob, carol, category, commit):
    topic = make_topic(author=alice, category=category)
    with commit():
        reply = make_reply(topic, author=bob, body="Thanks @alice")
    with commit():
        services.edit_post(editor=bob, post=reply, body="Thanks @alice and @carol")
    mentions = Notification.objects.filter(kind="forum.mention")
    assert sorted(mentions.values_list("recipient__username", flat=True)) == ["alice", "carol"]


def test_post_created_carries_ids(alice, bob, category, record, commit):
    recorder = record(signals.post_created)
    topic = make_topic(author=alice, category=category)
    with commit():
        with_quote = make_reply(topic, author=bob, reply_to=topic.posts.get())
    assert recorder.calls == [{"post_id": with_quote.pk, "topic_id": topic.pk, "author_id": bob.pk,
                               "post_number": 2, "reply_to_id": topic.posts.get(post_number=1).pk}]


# --- Editing and deleting ------------------------------------------------------------------

def test_editing_keeps_the_earlier_text_as_a_revision(alice, bob, category, record, commit):
    recorder = record(signals.post_edited)
    topic = make_topic(author=alice, category=category)
    reply = make_reply(topic, author=bob, body="First version")
    with commit():
        services.edit_post(editor=bob, post=reply, body="Second version")
        services.edit_post(editor=bob, post=reply, body="Second version")  # unchanged: nothing recorded
    refresh(reply)
    assert reply.body == "Second version" and reply.edit_count == 1 and reply.edited_at
    assert list(PostRevision.objects.values_list("number", "body")) == [(1, "First version")]
    assert recorder.calls == [{"post_id": reply.pk, "topic_id": topic.pk, "author_id": bob.pk,
                               "editor_id": bob.pk, "revision_number": 1}]


def test_members_cannot_edit_or_delete_others_posts_but_managers_can(alice, bob, manager, category):
    topic = make_topic(author=alice, category=category)
    reply = make_reply(topic, author=bob)
    with pytest.raises(PermissionDenied):
        services.edit_post(editor=alice, post=reply, body="Hijacked")
    with pytest.raises(PermissionDenied):
        services.delete_post(actor=alice, post=reply)
    services.edit_post(editor=manager, post=reply, body="Removed a phone number")
    services.delete_post(actor=manager, post=reply)
    refresh(reply)
    assert reply.is_deleted and reply.deleted_by == manager


def test_editing_the_opening_post_can_change_the_title(alice, category):
    topic = make_topic(author=alice, category=category)
    services.edit_post(editor=alice, post=topic.posts.get(), body="New body", title="A clearer title now")
    refresh(topic)
    assert topic.title == "A clearer title now"


def test_deleting_a_reply_leaves_a_placeholder_and_rebuilds_the_counters(
    alice, bob, carol, category, record, commit
):
    recorder = record(signals.post_deleted)
    topic = make_topic(author=alice, category=category)
    reply = make_reply(topic, author=bob)
    last = make_reply(topic, author=carol)
    services.like_post(user=alice, post=last)
    with commit():
        services.delete_post(actor=carol, post=last)
        services.delete_post(actor=carol, post=last)  # twice changes nothing
    refresh(topic, category, last)
    assert last.is_deleted and Post.objects.filter(pk=last.pk).exists()
    assert topic.reply_count == 1 and topic.like_count == 0
    assert topic.last_post_author == bob and topic.last_post_at == reply.created_at
    assert topic.last_post_number == 3  # numbers are never reused
    assert category.post_count == 2
    assert len(recorder.calls) == 1 and recorder.calls[0]["actor_id"] == carol.pk


def test_deleting_the_opening_post_deletes_the_topic(alice, bob, category):
    topic = make_topic(author=alice, category=category)
    make_reply(topic, author=bob)
    services.delete_post(actor=alice, post=topic.posts.get(post_number=1))
    refresh(topic, category)
    assert topic.is_deleted
    assert (category.topic_count, category.post_count) == (0, 0)
    assert not Topic.objects.visible_to(bob).exists()


def test_deleting_the_accepted_answer_unsolves_the_topic(alice, bob, category):
    topic = make_topic(author=alice, category=category)
    answer = make_reply(topic, author=bob)
    services.accept_answer(actor=alice, post=answer)
    services.delete_post(actor=bob, post=answer)
    refresh(topic)
    assert topic.accepted_answer is None


def test_hiding_a_post_removes_it_from_counts_and_from_other_readers(alice, bob, carol, manager, category):
    topic = make_topic(author=alice, category=category)
    reply = make_reply(topic, author=bob)
    services.hide_post(actor=manager, post=reply, reason="Spam")
    refresh(topic, category)
    assert topic.reply_count == 0 and category.post_count == 1
    assert not Post.objects.visible_to(carol).filter(pk=reply.pk).exists()
    assert Post.objects.visible_to(bob).filter(pk=reply.pk).exists()  # the author sees why
    assert Post.objects.visible_to(manager).filter(pk=reply.pk).exists()
    with pytest.raises(PermissionDenied):
        services.hide_post(actor=alice, post=reply, reason="I do not like it")
    services.unhide_post(actor=manager, post=reply)
    refresh(topic)
    assert topic.reply_count == 1


# --- Likes ---------------------------------------------------------------------------------

def test_a_like_counts_once_and_can_be_withdrawn(alice, bob, category, record, commit):
    liked, unliked = record(signals.post_liked), record(signals.post_unliked)
    topic = make_topic(author=alice, category=category)
    reply = make_reply(topic, author=bob)
    with commit():
        assert services.like_post(user=alice, post=reply) is True
        assert services.like_post(user=alice, post=reply) is False
    refresh(reply, topic)
    assert reply.like_count == 1 and topic.like_count == 1
    with commit():
        assert services.unlike_post(user=alice, post=reply) is True
        assert services.unlike_post(user=alice, post=reply) is False
    refresh(reply, topic)
    assert reply.like_count == 0 and topic.like_count == 0
    assert len(liked.calls) == 1 and len(unliked.calls) == 1
    assert liked.calls[0] == {"post_id": reply.pk, "topic_id": topic.pk, "author_id": bob.pk,
                              "actor_id": alice.pk}


def test_liking_ones_own_post_is_refused(alice, category):
    topic = make_topic(author=alice, category=category)
    with pytest.raises(PermissionDenied, match="own post"):
        services.like_post(user=alice, post=topic.posts.get())
    assert not Like.objects.exists()


def test_liking_a_deleted_post_is_refused(alice, bob, category):
    topic = make_topic(author=alice, category=category)
    reply = make_reply(topic, author=bob)
    services.delete_post(actor=bob, post=reply)
    refresh(reply)
    with pytest.raises(PermissionDenied):
        services.like_post(user=alice, post=reply)


def test_the_author_is_notified_of_a_like_once(alice, bob, category, commit):
    topic = make_topic(author=alice, category=category)
    reply = make_reply(topic, author=bob)
    with commit():
        services.like_post(user=alice, post=reply)
        services.unlike_post(user=alice, post=reply)
        services.like_post(user=alice, post=reply)
    assert Notification.objects.filter(recipient=bob, kind="forum.like").count() == 1


# --- Accepted answers ----------------------------------------------------------------------

def test_the_topic_author_accepts_a_reply_and_its_author_is_told(alice, bob, category, record, commit):
    recorder = record(signals.answer_accepted)
    topic = make_topic(author=alice, category=category)
    answer = make_reply(topic, author=bob)
    with commit():
        assert services.accept_answer(actor=alice, post=answer) is True
        assert services.accept_answer(actor=alice, post=answer) is False
    refresh(topic)
    assert topic.is_solved and topic.accepted_answer == answer
    assert Notification.objects.filter(recipient=bob, kind="forum.accepted").count() == 1
    assert recorder.calls == [{"topic_id": topic.pk, "post_id": answer.pk, "answer_author_id": bob.pk,
                               "topic_author_id": alice.pk, "actor_id": alice.pk,
                               "previous_post_id": None}]


def test_others_cannot_accept_an_answer_but_a_manager_can(alice, bob, carol, manager, category):
    topic = make_topic(author=alice, category=category)
    answer = make_reply(topic, author=bob)
    with pytest.raises(PermissionDenied):
        services.accept_answer(actor=carol, post=answer)
    with pytest.raises(PermissionDenied):
        services.accept_answer(actor=bob, post=answer)
    services.accept_answer(actor=manager, post=answer)
    refresh(topic)
    assert topic.accepted_answer == answer


def test_the_opening_post_cannot_be_the_answer(alice, category):
    topic = make_topic(author=alice, category=category)
    with pytest.raises(ValidationError, match="opening post"):
        services.accept_answer(actor=alice, post=topic.posts.get())


def test_unaccepting_clears_the_answer(alice, bob, category):
    topic = make_topic(author=alice, category=category)
    services.accept_answer(actor=alice, post=make_reply(topic, author=bob))
    assert services.unaccept_answer(actor=alice, topic=topic) is True
    refresh(topic)
    assert not topic.is_solved


# --- Read positions ------------------------------------------------------------------------

def test_the_read_position_only_moves_forward(alice, bob, category):
    topic = make_topic(author=alice, category=category)
    services.mark_topic_read(user=bob, topic=topic, post_number=40)
    services.mark_topic_read(user=bob, topic=topic, post_number=20)
    services.mark_topic_read(user=bob, topic=topic, post_number=41)
    assert TopicReadState.objects.get(user=bob, topic=topic).last_read_post_number == 41


def test_marking_read_is_one_query(alice, bob, category, django_assert_num_queries):
    topic = make_topic(author=alice, category=category)
    with django_assert_num_queries(1):
        services.mark_topic_read(user=bob, topic=topic, post_number=3)


def test_categories_keep_their_counts_as_plain_rows():
    assert Category._meta.get_field("topic_count").editable is False


def test_re_reading_a_page_sends_no_statement(alice, bob, category, django_assert_num_queries):
    """The topic page loads the reader's position with the topic: when the page moves it
    nowhere, nothing is sent to the database."""
    from forum import selectors

    topic = make_topic(author=alice, category=category)
    services.mark_topic_read(user=bob, topic=topic, post_number=3)
    loaded = selectors.topic_for_reader(user=bob, topic_id=topic.pk)
    assert loaded.last_read == 3
    with django_assert_num_queries(0):
        services.mark_topic_read(user=bob, topic=loaded, post_number=3)
        services.mark_topic_read(user=bob, topic=loaded, post_number=2)
    with django_assert_num_queries(1):
        services.mark_topic_read(user=bob, topic=loaded, post_number=4)
    assert TopicReadState.objects.get(user=bob, topic=topic).last_read_post_number == 4
