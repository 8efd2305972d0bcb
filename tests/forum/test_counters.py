import threading

import pytest
from django.core.management import call_command
from django.db import connection

from forum import services
from forum.counters import recompute_forum_counters
from forum.models import Category, Like, Post, Topic
from tests.factories import UserFactory
from tests.forum.factories import make_reply, make_topic


@pytest.mark.django_db
def test_recompute_repairs_every_drifted_counter(alice, bob, carol, category):
    topic = make_topic(author=alice, category=category)
    reply = make_reply(topic, author=bob)
    services.like_post(user=alice, post=reply)
    services.like_post(user=carol, post=reply)
    assert recompute_forum_counters() == 0
    Post.objects.filter(pk=reply.pk).update(like_count=9)
    Topic.objects.filter(pk=topic.pk).update(reply_count=5, like_count=0, last_post_author=carol)
    Category.objects.filter(pk=category.pk).update(topic_count=3, post_count=0)
    assert recompute_forum_counters() == 3
    reply.refresh_from_db()
    topic.refresh_from_db()
    category.refresh_from_db()
    assert reply.like_count == 2
    assert (topic.reply_count, topic.like_count, topic.last_post_author) == (1, 2, bob)
    assert (category.topic_count, category.post_count) == (1, 2)
    assert recompute_forum_counters() == 0


@pytest.mark.django_db
def test_recompute_counts_runs_the_forum_recomputer(alice, category, capsys):
    topic = make_topic(author=alice, category=category)
    Topic.objects.filter(pk=topic.pk).update(reply_count=4)
    call_command("recompute_counts")
    assert "forum.counters: 1 row(s) corrected" in capsys.readouterr().out
    call_command("recompute_forum")
    assert "0 row(s) corrected" in capsys.readouterr().out


def _in_threads(functions):
    errors = []
    barrier = threading.Barrier(len(functions))

    def run(fn):
        try:
            barrier.wait()
            fn()
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_likes_are_all_counted_and_never_doubled():
    author = UserFactory()
    likers = [UserFactory() for _ in range(4)]
    topic = make_topic(author=author)
    post = topic.posts.get()
    # Each member likes twice at the same moment as everyone else.
    _in_threads([lambda m=m: services.like_post(user=m, post=post) for m in likers * 2])
    post.refresh_from_db()
    topic.refresh_from_db()
    assert Like.objects.filter(post=post).count() == 4
    assert post.like_count == 4 and topic.like_count == 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_replies_get_distinct_numbers_and_exact_counts():
    author = UserFactory()
    repliers = [UserFactory() for _ in range(4)]
    topic = make_topic(author=author)
    _in_threads([lambda m=m: make_reply(topic, author=m) for m in repliers])
    topic.refresh_from_db()
    numbers = sorted(topic.posts.values_list("post_number", flat=True))
    assert numbers == [1, 2, 3, 4, 5]
    assert topic.reply_count == 4 and topic.last_post_number == 5
    assert Category.objects.get(pk=topic.category_id).post_count == 5
