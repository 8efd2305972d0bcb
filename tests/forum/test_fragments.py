"""The topic page's cached post fragments (forum.fragments): what every reader sees alike is
cached; what differs per reader, and hidden or deleted posts, never are."""

import pickle

import pytest
from django.core.cache import cache

from community.fragments import time_ago
from forum import services
from forum.fragments import attach_post_fragments
from tests.forum.factories import make_reply, make_topic

pytestmark = pytest.mark.django_db


def cached_fragments() -> list[str]:
    """Every post fragment in the (local-memory) test cache, its pieces joined."""
    values = []
    for key, raw in list(cache._cache.items()):
        if ":frag:post:" in key:
            values.append("".join(pickle.loads(raw)))  # noqa: S301 - the test process's own cache
    return values


def page(client, topic) -> str:
    response = client.get(topic.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_posts_are_cached_once_and_the_page_stays_the_same(client, alice, bob, category):
    topic = make_topic(author=alice, category=category, body="Opening words")
    make_reply(topic, author=bob, body="A **bold** reply")
    client.force_login(bob)
    first = page(client, topic)
    assert len(cached_fragments()) == 2
    second = page(client, topic)
    assert "A <strong>bold</strong> reply" in second and "Opening words" in second
    assert len(cached_fragments()) == 2
    # The relative time is rendered on every request, never frozen in the cache.
    assert all("<time" not in html for html in cached_fragments())
    assert first.count("<time") >= 2 and second.count("<time") >= 2


def test_a_cached_post_renders_exactly_as_an_uncached_one(alice, bob, category):
    from django.template.loader import render_to_string

    from forum import selectors

    topic = make_topic(author=alice, category=category)
    make_reply(topic, author=bob, body="Same either way")
    loaded = selectors.topic_for_reader(user=bob, topic_id=topic.pk)
    reply = selectors.topic_page_posts(user=bob, topic=loaded, page=1)[1]
    uncached = render_to_string("forum/includes/post_content.html", {"post": reply})
    attach_post_fragments([reply])
    assert reply.cached_html == uncached
    assert str(time_ago(reply.created_at)) in uncached


def test_an_edit_shows_at_once(client, alice, bob, category):
    topic = make_topic(author=alice, category=category)
    reply = make_reply(topic, author=bob, body="Version one")
    client.force_login(alice)
    assert "Version one" in page(client, topic)
    services.edit_post(editor=bob, post=reply, body="Version two")
    html = page(client, topic)
    assert "Version two" in html and "Version one" not in html
    assert "edited" in html


def test_a_like_changes_the_page_and_who_liked_is_per_reader(client, alice, bob, carol, category):
    topic = make_topic(author=alice, category=category)
    reply = make_reply(topic, author=bob)
    client.force_login(carol)
    assert 'aria-label="Like this post (0 likes)"' in page(client, topic)
    services.like_post(user=carol, post=reply)
    assert 'aria-label="Withdraw your like (1 like)"' in page(client, topic)
    client.force_login(alice)
    assert 'aria-label="Like this post (1 like)"' in page(client, topic)


def test_hidden_and_deleted_posts_are_never_cached(client, alice, bob, manager, category):
    topic = make_topic(author=alice, category=category)
    hidden = make_reply(topic, author=bob, body="Something rude")
    services.hide_post(actor=manager, post=hidden, reason="Rude")
    hidden.refresh_from_db()
    attach_post_fragments([hidden])
    assert not hasattr(hidden, "cached_html")
    for reader in (manager, bob, alice):
        client.force_login(reader)
        page(client, topic)
    assert not any("Something rude" in html for html in cached_fragments())
    client.force_login(alice)
    assert "Something rude" not in page(client, topic)


def test_staff_and_members_share_no_controls_through_the_cache(client, alice, bob, manager, category):
    topic = make_topic(author=alice, category=category)
    make_reply(topic, author=bob, body="Plain reply")
    client.force_login(manager)
    as_manager = page(client, topic)
    assert as_manager.count(">Edit</a>") == 2  # managers may edit every post
    client.force_login(alice)
    as_alice = page(client, topic)
    assert as_alice.count(">Edit</a>") == 1  # her own opening post only
    assert "Accept as answer" in as_alice
    client.force_login(manager)
    assert page(client, topic).count(">Edit</a>") == 2
    for html in cached_fragments():
        assert "Edit" not in html and "Delete" not in html and "Accept" not in html
        assert "Flag this" not in html and "csrfmiddlewaretoken" not in html



def _squash(html: str) -> str:
    import re

    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()


def test_the_post_actions_tag_renders_what_the_reference_template_does(rf, alice, bob, manager, category):
    """``{% post_actions %}`` (Python, for speed) against forum/includes/post_actions.html for
    every state a reader can be in: liked or not, may like, reply, accept, edit, flag."""
    from django.contrib.auth.models import AnonymousUser
    from django.middleware.csrf import get_token
    from django.template import engines

    from forum import selectors
    from forum.templatetags.forum_tags import post_actions

    topic = make_topic(author=alice, category=category)
    reply = make_reply(topic, author=bob)
    services.like_post(user=alice, post=reply)
    services.accept_answer(actor=alice, post=reply)
    engine = engines["django"].engine
    reference = engine.get_template("forum/includes/post_actions.html")
    for reader in (alice, bob, manager, AnonymousUser()):
        request = rf.get("/")
        request.user = reader
        token = get_token(request)
        loaded = selectors.topic_for_reader(user=reader, topic_id=topic.pk)
        for post in selectors.topic_page_posts(user=reader, topic=loaded, page=1):
            for can_reply in (True, False):
                from django.template import Context

                values = {"post": post, "user": reader, "request": request, "csrf_token": token,
                          "can_reply": can_reply}
                ours = post_actions(Context(values), post)
                theirs = reference.render(Context(values))
                assert _squash(ours) == _squash(theirs), (reader, post.post_number)


def test_the_live_fragment_shares_the_cached_content_and_keeps_per_reader_actions(
    client, alice, bob, carol, category
):
    """What each open page fetches when told of a new post: the content is rendered once
    for every reader, the like button and edit links for each."""
    topic = make_topic(author=alice, category=category)
    reply = make_reply(topic, author=bob, body="Fresh reply")
    url = f"/forum/p/{reply.pk}/fragment/"
    client.force_login(bob)
    own = client.get(url).content.decode()
    assert "Fresh reply" in own and ">Edit</a>" in own and "Flag this" not in own
    assert len(cached_fragments()) == 1
    client.force_login(carol)
    other = client.get(url).content.decode()
    assert "Fresh reply" in other and ">Edit</a>" not in other and "Flag this" in other
    assert len(cached_fragments()) == 1


def test_the_relative_time_reads_as_the_time_include_renders_it(alice, category):
    from django.template.loader import render_to_string

    topic = make_topic(author=alice, category=category)
    expected = render_to_string("includes/time_ago.html", {"when": topic.created_at})
    assert str(time_ago(topic.created_at)) == expected.strip()
    assert str(time_ago(topic.created_at)) == str(time_ago(topic.created_at))


def test_the_topic_list_shows_each_topics_times_as_the_time_include_renders_them(client, alice, category):
    from django.template.loader import render_to_string

    topic = make_topic(author=alice, category=category, title="Kettle descaling")
    topic.refresh_from_db()
    html = client.get(category.get_absolute_url()).content.decode()
    for when in (topic.created_at, topic.last_post_at):
        assert render_to_string("includes/time_ago.html", {"when": when}).strip() in html


@pytest.mark.parametrize("slug", ["kettle-descaling", "topic", "a_b-9"])
def test_a_topics_address_is_the_one_its_route_reverses_to(alice, category, slug):
    from django.urls import reverse

    topic = make_topic(author=alice, category=category)
    topic.slug = slug
    assert topic.get_absolute_url() == reverse("forum:topic", kwargs={"topic_id": topic.pk, "slug": slug})


# --- A page of posts cached under the topic's version (forum.fragments.page_of_posts) --------

def cached_pages() -> list[dict]:
    """Every cached page of posts in the (local-memory) test cache."""
    return [pickle.loads(raw) for key, raw in list(cache._cache.items())  # noqa: S301 - our own cache
            if ":frag:topic-page:" in key]


def cached_page_html() -> str:
    return "".join("".join(entry[3]) for page in cached_pages() for entry in page.values())


def test_a_page_of_posts_is_cached_once_and_holds_nothing_of_any_reader(
    client, alice, bob, manager, category
):
    topic = make_topic(author=alice, category=category, body="Opening words")
    reply = make_reply(topic, author=bob, body="A reply")
    services.like_post(user=alice, post=reply)
    for reader in (manager, alice, bob):
        client.force_login(reader)
        page(client, topic)
    assert len(cached_pages()) == 1
    html = cached_page_html()
    assert "Opening words" in html and "A reply" in html
    for per_reader in ("Edit", "Delete", "Accept", "Flag this", "csrfmiddlewaretoken", "like-button",
                       "Quote", "<time", "forum-post-actions"):
        assert per_reader not in html


def test_who_liked_a_post_is_never_read_from_a_page_another_reader_filled(
    client, alice, bob, carol, category
):
    topic = make_topic(author=alice, category=category)
    reply = make_reply(topic, author=bob)
    services.like_post(user=carol, post=reply)
    client.force_login(carol)
    assert 'aria-label="Withdraw your like (1 like)"' in page(client, topic)
    assert cached_pages()
    client.force_login(alice)
    html = page(client, topic)
    assert 'aria-label="Like this post (1 like)"' in html and "is-liked" not in html


def test_edit_and_accept_controls_are_never_read_from_a_page_another_reader_filled(
    client, alice, bob, carol, manager, category
):
    topic = make_topic(author=alice, category=category)
    make_reply(topic, author=bob, body="Bob's reply")
    client.force_login(manager)
    assert page(client, topic).count(">Edit</a>") == 2
    client.force_login(bob)
    as_bob = page(client, topic)
    assert as_bob.count(">Edit</a>") == 1 and "Accept as answer" not in as_bob
    client.force_login(carol)
    as_carol = page(client, topic)
    assert ">Edit</a>" not in as_carol and "Accept as answer" not in as_carol
    client.force_login(alice)
    assert "Accept as answer" in page(client, topic)


def test_a_hidden_post_a_manager_saw_is_never_shown_to_a_member_from_the_cache(
    client, alice, bob, carol, manager, category
):
    topic = make_topic(author=alice, category=category)
    hidden = make_reply(topic, author=bob, body="Something rude")
    make_reply(topic, author=carol, body="Something kind")
    services.hide_post(actor=manager, post=hidden, reason="Rude")
    client.force_login(manager)
    as_manager = page(client, topic)
    assert "Something rude" in as_manager and "Hidden from members" in as_manager
    assert "Something rude" not in cached_page_html()
    client.force_login(carol)
    as_carol = page(client, topic)
    assert "Something rude" not in as_carol and "Something kind" in as_carol
    client.force_login(bob)  # the author sees their hidden post, with its notice for them
    as_bob = page(client, topic)
    assert "Something rude" in as_bob and "only you and the community managers" in as_bob
    client.logout()
    assert "Something rude" not in page(client, topic)


def test_a_post_hidden_after_its_page_was_cached_is_gone_for_members_at_once(
    client, alice, bob, carol, manager, category
):
    topic = make_topic(author=alice, category=category)
    reply = make_reply(topic, author=bob, body="Fine at first")
    client.force_login(carol)
    assert "Fine at first" in page(client, topic)
    # Test transactions never commit: the topic's version is not bumped, the cached page stays.
    services.hide_post(actor=manager, post=reply, reason="Spam")
    assert "Fine at first" not in page(client, topic)
    client.force_login(manager)
    assert "Fine at first" in page(client, topic)


def test_a_quote_of_a_hidden_post_shows_only_to_those_who_may_see_it(
    client, alice, bob, carol, manager, category
):
    topic = make_topic(author=alice, category=category)
    quoted = make_reply(topic, author=bob, body="The quoted words")
    make_reply(topic, author=carol, body="Quoting it", reply_to=quoted)
    services.hide_post(actor=manager, post=quoted, reason="Rude")
    client.force_login(manager)
    assert "The quoted words" in page(client, topic)
    client.force_login(alice)
    as_alice = page(client, topic)
    assert "The quoted words" not in as_alice and "The quoted post is no longer available." in as_alice
    assert "Quoting it" in as_alice
    assert "The quoted words" not in cached_page_html()


def test_a_page_of_posts_reads_as_each_post_rendered_by_the_post_template(
    rf, alice, bob, carol, manager, category
):
    """The cached pieces with each reader's actions around them against
    forum/includes/post.html (the reference, used for posts rendered for one reader), for
    readers in every role, from the cache and not."""
    from django.contrib.auth.models import AnonymousUser
    from django.middleware.csrf import get_token
    from django.template.loader import render_to_string

    from forum import selectors
    from forum.fragments import page_of_posts

    topic = make_topic(author=alice, category=category)
    first = topic.posts.get()
    reply = make_reply(topic, author=bob, body="Quoting the start", reply_to=first)
    services.like_post(user=carol, post=reply)
    services.accept_answer(actor=alice, post=reply)
    services.delete_post(actor=bob, post=make_reply(topic, author=bob, body="Gone soon"))
    services.hide_post(actor=manager, post=make_reply(topic, author=carol, body="Hidden one"), reason="Rude")
    for reader in (manager, alice, bob, carol, AnonymousUser(), carol):
        request = rf.get(topic.get_absolute_url())
        request.user = reader
        loaded = selectors.topic_for_reader(user=reader, topic_id=topic.pk)
        context = {"request": request, "user": reader, "can_reply": True, "csrf_token": get_token(request)}
        ours = "".join(post.html for post in page_of_posts(context=context, topic=loaded, page=1).posts)
        posts = selectors.topic_page_posts(user=reader, topic=loaded, page=1)
        attach_post_fragments(posts)
        reference = "".join(render_to_string("forum/includes/post.html", {**context, "post": post})
                            for post in posts)
        assert _squash(ours) == _squash(reference), reader
    assert cached_pages()


def test_a_topic_page_from_the_cache_costs_the_light_query_instead_of_the_posts_query(
    client, alice, bob, carol, manager, category, django_assert_num_queries
):
    from tests.forum.test_views import SIGNED_IN

    topic = make_topic(author=alice, category=category)
    for _ in range(5):
        make_reply(topic, author=bob)
    hidden = make_reply(topic, author=carol, body="Held back")
    services.hide_post(actor=manager, post=hidden, reason="Rude")
    client.force_login(alice)
    page(client, topic)  # stores the page; the read position is now at its end
    # the topic, the posts' light query (read position already there: no upsert)
    with django_assert_num_queries(SIGNED_IN + 2):
        page(client, topic)
    client.force_login(carol)
    page(client, topic)
    # the topic, the light query, and her hidden post loaded and rendered for her alone
    with django_assert_num_queries(SIGNED_IN + 3):
        assert "Held back" in page(client, topic)
