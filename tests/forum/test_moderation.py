"""The forum and moderation together: flags on posts, what hidden and held posts show to
whom on every route, moderator actions through the forum's adapters, limits and trust."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache

from community.models import Notification
from forum import services
from forum.models import Post, PostRevision, Topic
from moderation.models import DailyActivity, MemberTrust, ModerationAction, QueueItem
from moderation.registry import adapter_for
from moderation.services import ActionRefused, flag_content
from moderation.services.queue import ModerationConflict, act_on_item
from moderation.services.trust import apply_reported_activity, reading_seconds
from tests.factories import UserFactory
from tests.forum.factories import CategoryFactory, make_reply, make_topic
from tests.moderation.factories import at_level, member_at

pytestmark = pytest.mark.django_db


def flag_twice(post, reason="spam"):
    """Two members at TL1 flag ``post``: enough weight to hide it pending review."""
    for _ in range(2):
        flag_content(flagger=member_at(1), obj=post, reason=reason)
    post.refresh_from_db()
    return QueueItem.objects.get(object_id=post.pk, content_type=ContentType.objects.get_for_model(Post),
                                 status="pending")


def page_text(client, user, url):
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    return client.get(url).content.decode()


# --- Flags and what hidden posts show ---------------------------------------------------

def test_two_flags_hide_a_reply_pending_review_and_its_author_is_told(alice, bob, category):
    topic = make_topic(author=alice, category=category)
    reply = make_reply(topic, author=bob, body="Buy cheap watches at my shop")
    flag_content(flagger=member_at(1), obj=reply, reason="spam")
    reply.refresh_from_db()
    assert not reply.is_hidden  # one flag alone does not hide
    flag_content(flagger=member_at(1), obj=reply, reason="abusive")
    reply.refresh_from_db()
    assert reply.is_hidden and "A community manager will review it soon" in reply.hidden_reason
    assert QueueItem.objects.get(object_id=reply.pk).hidden_pending_review
    assert Notification.objects.filter(recipient=bob, message__contains="hidden pending review").exists()
    assert ModerationAction.objects.filter(action="auto_hide", object_id=reply.pk).count() == 1


def test_a_hidden_post_shows_its_author_why_managers_a_marker_and_others_nothing(
    client, alice, bob, carol, manager, category
):
    topic = make_topic(author=alice, category=category)
    reply = make_reply(topic, author=bob, body="Buy cheap watches at my shop")
    flag_twice(reply)
    url = topic.get_absolute_url()
    author_page = page_text(client, bob, url)
    assert "Buy cheap watches" in author_page and "Hidden automatically after several members flagged it" \
        in author_page and "only you and the community managers can see it" in author_page
    manager_page = page_text(client, manager, url)
    assert "Buy cheap watches" in manager_page and "Hidden from members" in manager_page
    for reader in (carol, None):
        page = page_text(client, reader, url)
        assert "Buy cheap watches" not in page
        assert client.get(f"/forum/p/{reply.pk}/").status_code == 404  # deep link
        assert client.get(f"/forum/p/{reply.pk}/fragment/").status_code == 404  # live fragment


def test_a_hidden_post_stays_out_of_search_quotes_last_post_and_mentions(
    client, alice, bob, carol, category
):
    topic = make_topic(author=alice, category=category)
    reply = make_reply(topic, author=bob, body="Zanzibar kettles @carol are the best")
    quoting = make_reply(topic, author=alice, body="I disagree.", reply_to=reply)
    Notification.objects.all().delete()
    flag_twice(reply)
    client.force_login(carol)
    assert "are the best" not in client.get("/forum/search/?q=Zanzibar").content.decode()
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "Zanzibar" not in page and "The quoted post is no longer available" in page
    assert quoting.pk  # the quoting reply itself is still there
    topic.refresh_from_db()
    assert topic.last_post_author == alice  # the hidden reply is not the "last post"
    # An edit that would re-send mentions sends nothing while the post is hidden.
    services.apply_edit(editor=bob, post=reply, body="Zanzibar kettles @carol are great", title=None)
    assert not Notification.objects.filter(recipient=carol, kind="forum.mention").exists()


def test_flag_button_is_offered_on_others_posts_only_and_never_to_visitors(client, alice, bob, category):
    topic = make_topic(author=alice, category=category)
    make_reply(topic, author=bob)
    assert "Flag this post" not in page_text(client, None, topic.get_absolute_url())
    page = page_text(client, bob, topic.get_absolute_url())
    assert page.count("Flag this post") == 1  # alice's opening post, not bob's own reply


def test_flagging_from_the_page_needs_a_note_for_other_and_keeps_the_choice(client, alice, bob, category):
    topic = make_topic(author=alice, category=category)
    post = topic.posts.get()
    url = f"/flag/{ContentType.objects.get_for_model(Post).pk}/{post.pk}/"
    client.force_login(bob)
    response = client.post(url, {"reason": "other", "note": "", "next": topic.get_absolute_url()})
    assert response.status_code == 400
    assert 'value="other" id="id_reason_3" checked' in response.content.decode() or \
        'checked' in response.content.decode().split('value="other"')[1][:60]
    response = client.post(url, {"reason": "other", "note": "Off-site sales",
                                 "next": topic.get_absolute_url()})
    assert response.status_code == 302 and response["Location"] == topic.get_absolute_url()
    assert QueueItem.objects.get(object_id=post.pk).flags.get().note == "Off-site sales"


# --- Moderator actions through the adapters ---------------------------------------------

def test_hiding_an_opening_post_from_the_queue_hides_the_topic_and_restoring_brings_it_back(
    client, alice, carol, manager, category
):
    topic = make_topic(author=alice, category=category, title="Cheap watches for sale")
    item = flag_twice(topic.posts.get())
    act_on_item(actor=manager, item_id=item.pk, action="hide", version=item.version, reason="Advertising")
    topic.refresh_from_db()
    assert topic.is_hidden
    assert topic.posts.get().hidden_reason == "Advertising"
    assert client.get(topic.get_absolute_url()).status_code == 404
    client.force_login(carol)
    assert "Cheap watches" not in client.get(category.get_absolute_url()).content.decode()
    # Restoring (a new flag item, e.g. after an appeal) through the adapter shows it again.
    adapter_for(Post).restore(topic.posts.get(), actor=manager)
    topic.refresh_from_db()
    assert not topic.is_hidden
    assert client.get(topic.get_absolute_url()).status_code == 200


def test_deleting_from_the_queue_soft_deletes_and_keeps_the_text_in_the_log(alice, bob, manager, category):
    topic = make_topic(author=alice, category=category)
    reply = make_reply(topic, author=bob, body="Rude words here")
    item = flag_twice(reply)
    act_on_item(actor=manager, item_id=item.pk, action="delete", version=item.version, reason="Abuse")
    reply.refresh_from_db()
    assert reply.deleted_at is not None and reply.deleted_by == manager
    assert "Rude words here" in ModerationAction.objects.get(action="delete").snapshot


def test_a_moderator_edit_is_in_the_posts_edit_history(alice, bob, manager, category):
    topic = make_topic(author=alice, category=category)
    reply = make_reply(topic, author=bob, body="Call me on 555-0100")
    item = flag_twice(reply)
    form = adapter_for(Post).edit_form({"body": "[phone number removed]"}, obj=reply)
    assert form.is_valid()
    act_on_item(actor=manager, item_id=item.pk, action="edit", version=item.version, data=form.cleaned_data)
    reply.refresh_from_db()
    assert reply.body == "[phone number removed]" and reply.edit_count == 1
    revision = PostRevision.objects.get(post=reply)
    assert revision.body == "Call me on 555-0100" and revision.editor == manager
    assert not adapter_for(Post).edit_form({"body": "  "}, obj=reply).is_valid()


def test_topic_actions_lock_pin_and_move_from_the_queue(alice, manager, category):
    topic = make_topic(author=alice, category=category)
    other = CategoryFactory(name="Off-topic", slug="off-topic")
    post = Post.objects.select_related("topic").get(topic=topic)
    item = flag_twice(post)
    adapter = adapter_for(Post)
    assert {a.name for a in adapter.extra_actions if a.available(post)} == {"lock", "pin", "move"}
    for name in ("lock", "pin"):
        item.refresh_from_db()
        act_on_item(actor=manager, item_id=item.pk, action="extra", extra_name=name, version=item.version)
    item.refresh_from_db()
    act_on_item(actor=manager, item_id=item.pk, action="extra", extra_name="move", version=item.version,
                data={"category": other})
    topic.refresh_from_db()
    assert topic.is_locked and topic.is_pinned and topic.category == other
    category.refresh_from_db()
    other.refresh_from_db()
    assert (category.topic_count, other.topic_count) == (0, 0)  # hidden topics are not counted
    assert ModerationAction.objects.filter(action="extra").count() == 3
    reply = make_reply(topic, author=manager)
    assert not [a for a in adapter.extra_actions if a.available(reply)]  # replies: no topic actions


def test_two_moderators_on_the_same_post_the_second_is_told_and_nothing_is_applied_twice(
    alice, bob, manager, category
):
    second = UserFactory(is_superuser=True)
    topic = make_topic(author=alice, category=category)
    reply = make_reply(topic, author=bob)
    item = flag_twice(reply)
    act_on_item(actor=manager, item_id=item.pk, action="restore", version=item.version)
    with pytest.raises(ModerationConflict, match="already handled"):
        act_on_item(actor=second, item_id=item.pk, action="hide", version=item.version, reason="Spam")
    reply.refresh_from_db()
    assert not reply.is_hidden
    assert ModerationAction.objects.filter(object_id=reply.pk, actor__isnull=False).count() == 1


def test_adapter_callables_are_idempotent(alice, bob, category):
    topic = make_topic(author=alice, category=category)
    reply = make_reply(topic, author=bob)
    adapter = adapter_for(Post)
    for _ in range(2):
        adapter.hide(reply, reason="Spam", actor=None)
    for _ in range(2):
        adapter.delete(reply, actor=None)
    reply.refresh_from_db()
    topic.refresh_from_db()
    assert reply.is_hidden and reply.deleted_at is not None and topic.reply_count == 0


# --- Limits and pre-moderation -----------------------------------------------------------

def test_a_new_member_cannot_post_links_and_keeps_what_they_typed(client, moderation_on, alice, category):
    topic = make_topic(author=at_level(alice, 1), category=category)
    newcomer = UserFactory(username="newbie")
    client.force_login(newcomer)
    response = client.post(f"/forum/t/{topic.pk}/reply/", {
        "body": "See https://spam.example for details", "token": "3f1c9a8e-1111-4222-8333-444455556666"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "New members cannot post links or images yet" in page
    assert "See https://spam.example for details" in page
    assert not Post.objects.filter(author=newcomer).exists()


def test_the_fourth_topic_on_a_members_first_day_is_refused_with_when(moderation_on, category):
    moderation_on.HEARTH_PREMODERATE = {"forum.topic": "off", "forum.post": "off"}
    member = UserFactory()
    for n in range(3):
        make_topic(author=member, category=category, title=f"My question number {n}")
    with pytest.raises(ActionRefused, match="3 times on their first day. You can again in"):
        make_topic(author=member, category=category, title="My question number 4")


def test_a_suspended_member_cannot_reply_or_like(moderation_on, alice, bob, manager, category):
    from moderation.services.members import suspend_member

    topic = make_topic(author=at_level(alice, 1), category=category)
    suspend_member(actor=manager, user=at_level(bob, 2), days=3, reason="Rudeness")
    with pytest.raises(ActionRefused, match="suspended until .*Rudeness"):
        make_reply(topic, author=bob)
    with pytest.raises(ActionRefused, match="suspended"):
        services.like_post(user=bob, post=topic.posts.get())


def test_a_new_members_reply_is_held_and_appears_when_approved(
    client, moderation_on, commit, alice, carol, manager, category
):
    topic = make_topic(author=at_level(alice, 1), category=category)
    newcomer = UserFactory(username="newbie")
    with commit():
        reply = make_reply(topic, author=newcomer, body="My first words here")
    reply.refresh_from_db()
    assert reply.is_hidden
    assert not Notification.objects.filter(recipient=alice, kind="forum.reply").exists()
    assert "My first words here" in page_text(client, newcomer, topic.get_absolute_url())
    assert "My first words here" in page_text(client, manager, topic.get_absolute_url())
    assert "My first words here" not in page_text(client, carol, topic.get_absolute_url())
    item = QueueItem.objects.get(object_id=reply.pk, kind="premoderation")
    with commit():
        act_on_item(actor=manager, item_id=item.pk, action="restore", version=item.version)
    assert "My first words here" in page_text(client, carol, topic.get_absolute_url())
    # The watcher hears of the reply once it is approved, and only once.
    assert Notification.objects.filter(recipient=alice, kind="forum.reply").count() == 1


def test_a_new_members_topic_is_held_with_its_opening_post(moderation_on, category):
    topic = make_topic(author=UserFactory(), category=category)
    topic.refresh_from_db()
    assert topic.is_hidden
    assert QueueItem.objects.filter(object_id=topic.posts.get().pk, kind="premoderation").exists()


def test_a_member_at_tl1_posts_straight_away(moderation_on, alice, bob, category):
    topic = make_topic(author=at_level(alice, 1), category=category)
    reply = make_reply(topic, author=at_level(bob, 1))
    reply.refresh_from_db()
    assert not topic.is_hidden and not reply.is_hidden


def test_spam_signals_flag_a_post(moderation_on, alice, category):
    topic = make_topic(author=at_level(alice, 1), category=category)
    spammer = at_level(UserFactory(), 1)
    for _ in range(3):
        last = make_reply(topic, author=spammer, body="Best prices on watches, visit our shop today")
    assert QueueItem.objects.get(object_id=last.pk).flags.filter(signal="repeated_text").exists()


# --- Activity and trust levels -----------------------------------------------------------

def test_reading_a_topic_reports_entering_it_the_new_posts_and_the_days_visit(
    client, commit, alice, bob, carol, category
):
    topic = make_topic(author=alice, category=category)
    for _ in range(3):
        make_reply(topic, author=bob)
    client.force_login(carol)
    with commit():
        client.get(topic.get_absolute_url())
    trust = MemberTrust.objects.get(user=carol)
    assert (trust.topics_entered, trust.posts_read, trust.days_visited) == (1, 4, 1)
    with commit():
        client.get(topic.get_absolute_url())  # nothing new: nothing counted
        client.get("/forum/")
    trust.refresh_from_db()
    assert (trust.topics_entered, trust.posts_read, trust.days_visited) == (1, 4, 1)
    make_reply(topic, author=bob)
    with commit():
        client.get(topic.get_absolute_url())
    trust.refresh_from_db()
    assert (trust.topics_entered, trust.posts_read) == (1, 5)
    assert DailyActivity.objects.get(user=carol).posts_read == 5


def test_reading_time_is_bounded_by_the_time_between_page_views(carol):
    assert reading_seconds(user=carol, words=4000, posts=10) == 60  # first view: at most a minute
    assert reading_seconds(user=carol, words=4000, posts=10) <= 1  # a page flicked past
    cache.set(f"moderation:last-page-view:{carol.pk}", 0)  # long ago
    assert reading_seconds(user=carol, words=400, posts=2) == 100
    assert reading_seconds(user=carol, words=0, posts=0) == 0


def test_enough_reading_promotes_a_new_member_to_tl1(commit, carol):
    assert apply_reported_activity(user_id=carol.pk, token="a", amounts={
        "topic_entered": 5, "post_read": 30, "seconds_reading": 600})
    assert MemberTrust.objects.get(user=carol).level == 1
    assert Notification.objects.filter(recipient=carol, kind="moderation.trust_level").exists()
    # A redelivered task counts nothing twice.
    assert not apply_reported_activity(user_id=carol.pk, token="a", amounts={"post_read": 30})
    assert MemberTrust.objects.get(user=carol).posts_read == 30


def test_likes_and_first_replies_in_a_topic_count_for_trust(commit, alice, bob, category):
    topic = make_topic(author=alice, category=category)
    with commit():
        make_reply(topic, author=bob)
        make_reply(topic, author=bob)
        services.like_post(user=bob, post=topic.posts.get(post_number=1))
    bob_trust, alice_trust = MemberTrust.objects.get(user=bob), MemberTrust.objects.get(user=alice)
    assert (bob_trust.topics_replied, bob_trust.likes_given) == (1, 1)
    assert alice_trust.likes_received == 1


# --- The queue with forum items ------------------------------------------------------------

def test_the_queue_page_costs_the_same_queries_for_one_or_many_forum_items(
    client, django_assert_num_queries, manager, category
):
    def add_items(numbers):
        for n in numbers:
            author = UserFactory()
            topic = make_topic(author=author, category=category, title=f"Watches for sale {n}")
            flag_content(flagger=member_at(1), obj=topic.posts.get(), reason="spam")
            reply = make_reply(topic, author=author, body=f"Reply {n}")
            flag_content(flagger=member_at(1), obj=reply, reason="off_topic")

    client.force_login(manager)
    add_items(range(1))
    client.get("/moderation/")  # warm the content type cache
    with django_assert_num_queries(6) as one:
        page = client.get("/moderation/").content.decode()
    assert "Watches for sale 0" in page and "Reply 0" in page
    add_items(range(1, 5))
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get("/moderation/").content.decode()
    assert QueueItem.objects.filter(status="pending").count() == 10
    assert "Watches for sale 4" in page and "Reply 4" in page
    assert Topic.objects.count() == 5


def test_a_new_member_is_told_at_once_that_their_topic_waits_for_approval(client, moderation_on, category):
    client.force_login(UserFactory())
    response = client.post(f"/forum/c/{category.slug}/new/", {
        "title": "My very first question", "body": "Hello everyone",
        "token": "3f1c9a8e-1111-4222-8333-444455556677"}, follow=True)
    page = response.content.decode()
    assert "Your topic is saved. Waiting for a community manager&#x27;s approval." in page
    assert "Hello everyone" in page


@pytest.mark.stack
@pytest.mark.django_db(transaction=True)
def test_two_managers_acting_on_a_post_at_the_same_moment_apply_one_decision():
    from django.db import connection

    from tests.moderation.factories import restore_migration_data
    from tests.moderation.test_concurrency import run_together

    assert connection.vendor == "postgresql"
    restore_migration_data()
    author = at_level(UserFactory(), 1)
    topic = make_topic(author=author, category=CategoryFactory(slug="kitchen"))
    reply = make_reply(topic, author=author, body="Cheap watches")
    item = flag_twice(reply)
    first, second = UserFactory(is_superuser=True), UserFactory(is_superuser=True)
    results = run_together([
        lambda: act_on_item(actor=first, item_id=item.pk, action="restore", version=item.version),
        lambda: act_on_item(actor=second, item_id=item.pk, action="hide", version=item.version,
                            reason="Advertising"),
    ])
    assert sum(isinstance(result, ModerationConflict) for result in results) == 1
    item.refresh_from_db()
    reply.refresh_from_db()
    assert reply.is_hidden is (item.resolution == "hidden")
    assert ModerationAction.objects.filter(item=item, actor__isnull=False).count() == 1


def test_a_held_reply_that_the_spam_filter_also_flags_keeps_its_hold(moderation_on, alice, category):
    topic = make_topic(author=at_level(alice, 1), category=category)
    newcomer = UserFactory()
    text = "Unbeatable offers on watches and kettles, write to me for the price list today. " * 4
    for _ in range(3):
        last = make_reply(topic, author=newcomer, body=text)
    last.refresh_from_db()
    item = QueueItem.objects.get(object_id=last.pk, status="pending")
    assert item.kind == "premoderation" and item.score >= 2
    assert last.is_hidden and last.hidden_reason == "Waiting for a community manager's approval."
    assert not ModerationAction.objects.filter(action="auto_hide", object_id=last.pk).exists()
