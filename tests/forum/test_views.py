import re
import uuid

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from community.roles import BRAND_STAFF, COMMUNITY_MANAGERS
from forum import services
from forum.models import Post, Topic, TopicReadState
from tests.factories import UserFactory
from tests.forum.factories import CategoryFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db

# Queries every signed-in page costs outside the forum: the user row, and the member's role
# groups with their permissions in one query (community.roles.viewer_roles: the menus and
# the visibility checks; it was three queries). The session comes from the cache.
SIGNED_IN = 2


def fill_topic(topic, replies: int, authors: list) -> None:
    for n in range(replies):
        make_reply(topic, author=authors[n % len(authors)], body=f"Reply number {n}")


@pytest.fixture
def members(db):
    return [UserFactory() for _ in range(4)]


# --- Category list -------------------------------------------------------------------------

def test_the_category_list_shows_counts_and_latest_activity(client, alice, bob, category):
    topic = make_topic(author=alice, category=category, title="Grinder retention question")
    make_reply(topic, author=bob)
    CategoryFactory(name="Audio", slug="audio")
    page = client.get("/forum/").content.decode()
    assert "Kitchen" in page and "Audio" in page and "No topics yet." in page
    assert "Grinder retention question" in page and "Bob Tanaka" in page
    assert re.search(r"<dt>Posts</dt><dd>2</dd>", page)


@pytest.mark.parametrize("topics_per_category", [1, 6])
def test_the_category_list_costs_the_same_queries_however_many_categories_and_topics(
    client, alice, django_assert_num_queries, topics_per_category
):
    for n in range(3):
        category = CategoryFactory(slug=f"c{n}")
        for t in range(topics_per_category):
            make_topic(author=alice, category=category, title=f"Topic number {t} here")
    client.force_login(alice)
    with django_assert_num_queries(SIGNED_IN + 2):
        assert client.get("/forum/").status_code == 200


# --- Topic list ----------------------------------------------------------------------------

@pytest.mark.parametrize("topic_count", [2, 12])
def test_the_topic_list_costs_the_same_queries_however_many_topics(
    client, alice, members, category, django_assert_num_queries, topic_count
):
    for n in range(topic_count):
        topic = make_topic(author=members[n % 4], category=category, title=f"Question number {n}")
        make_reply(topic, author=members[(n + 1) % 4])
    client.force_login(alice)
    # count for the paginator, the page of topics (authors, read state in the same query)
    with django_assert_num_queries(SIGNED_IN + 3):
        response = client.get(f"/forum/c/{category.slug}/")
    assert response.content.decode().count('class="forum-topic-title"') == topic_count


def test_topic_list_sorts_and_filters(client, alice, bob, category):
    quiet = make_topic(author=alice, category=category, title="Nobody answered this one")
    solved = make_topic(author=alice, category=category, title="This one got solved fast")
    services.accept_answer(actor=alice, post=make_reply(solved, author=bob))
    liked = make_topic(author=bob, category=category, title="Everyone likes this topic")
    services.like_post(user=alice, post=liked.posts.get())

    def titles(sort):
        page = client.get(f"/forum/c/{category.slug}/?sort={sort}").content.decode()
        return re.findall(r'class="forum-topic-title" href="[^"]+">([^<]+)<', page)

    assert titles("unanswered") == ["Everyone likes this topic", "Nobody answered this one"]
    assert titles("solved") == ["This one got solved fast"]
    assert titles("top")[0] == "Everyone likes this topic"
    assert titles("newest") == ["Everyone likes this topic", "This one got solved fast",
                                "Nobody answered this one"]
    assert titles("latest")[0] == "Everyone likes this topic"
    services.pin_topic(actor=UserFactory(is_superuser=True), topic=quiet, pinned=True)
    assert titles("latest")[0] == "Nobody answered this one"
    assert titles("bogus") == titles("latest")


def test_the_topic_list_marks_new_and_unread_topics_per_member(client, alice, bob, category):
    topic = make_topic(author=alice, category=category, title="Kettle display shows E3")
    fill_topic(topic, 3, [alice])
    client.force_login(bob)
    page = client.get(f"/forum/c/{category.slug}/").content.decode()
    assert "tag-new" in page
    client.get(topic.get_absolute_url())
    make_reply(topic, author=alice)
    make_reply(topic, author=alice)
    page = client.get(f"/forum/c/{category.slug}/").content.decode()
    assert "tag-new" not in page and "2 new" in page
    assert f'href="/forum/t/{topic.pk}/unread/"' in page


def test_the_topic_list_is_paginated(client, alice, category):
    for n in range(27):
        make_topic(author=alice, category=category, title=f"Topic number {n:02d}")
    first = client.get(f"/forum/c/{category.slug}/").content.decode()
    second = client.get(f"/forum/c/{category.slug}/?sort=latest&page=2").content.decode()
    assert first.count('class="forum-topic-title"') == 25
    assert second.count('class="forum-topic-title"') == 2
    assert "Page 1 of 2" in first


# --- Topic page ----------------------------------------------------------------------------

@pytest.mark.parametrize("replies", [3, 19, 45])
def test_the_topic_page_costs_the_same_queries_however_many_posts(
    client, alice, members, category, django_assert_num_queries, replies
):
    topic = make_topic(author=alice, category=category)
    fill_topic(topic, replies, members)
    for post in topic.posts.all()[:5]:
        for member in members:
            if member.pk != post.author_id:
                services.like_post(user=member, post=post)
    # Authors and quoted authors with role labels: the labels come with the posts' query.
    Group.objects.get(name=BRAND_STAFF).user_set.add(members[1])
    Group.objects.get(name=COMMUNITY_MANAGERS).user_set.add(members[2])
    quoted = topic.posts.filter(author=members[1]).first()
    for member in members[2:]:
        make_reply(topic, author=member, body="Quoting the brand", reply_to=quoted)
    client.force_login(members[0])
    # topic (with category, answer, watch and read state), posts of the page with their
    # authors' and quoted authors' role groups, the read-position upsert
    url = topic.get_absolute_url() + ("?page=2" if replies > 19 else "")
    with django_assert_num_queries(SIGNED_IN + 3):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    if replies < 19:
        assert "Brand staff" in page and "Community manager" in page


def test_a_topic_about_a_product_with_an_accepted_answer_costs_a_query_for_each(
    client, alice, members, category, django_assert_num_queries
):
    from tests.factories import make_product

    product = make_product(title="Ember Kettle")
    topic = make_topic(author=alice, category=category)
    Topic.objects.filter(pk=topic.pk).update(product=product)
    fill_topic(topic, 3, members)
    answer = topic.posts.get(post_number=3)
    services.accept_answer(actor=alice, post=answer)
    client.force_login(members[0])
    client.get(topic.get_absolute_url())  # the read position moves once
    # topic, posts, the accepted answer with its author, the product: the first two only
    # for a topic with neither (test above)
    with django_assert_num_queries(SIGNED_IN + 4):
        page = client.get(topic.get_absolute_url()).content.decode()
    assert "About: <a" in page and "Ember Kettle" in page
    assert f"go to post #{answer.post_number}" in page


def test_the_topic_page_shows_twenty_posts_per_page(client, alice, bob, category):
    topic = make_topic(author=alice, category=category)
    fill_topic(topic, 24, [bob])
    first = client.get(topic.get_absolute_url()).content.decode()
    second = client.get(topic.get_absolute_url() + "?page=2").content.decode()
    assert first.count('class="forum-post card') == 20
    assert second.count('class="forum-post card') == 5
    assert 'id="post-25"' in second and "Page 2 of 2" in second


def test_a_deep_link_redirects_to_the_right_page_and_anchor(client, alice, bob, category):
    topic = make_topic(author=alice, category=category, title="Burr replacement interval")
    fill_topic(topic, 30, [bob])
    post = topic.posts.get(post_number=23)
    response = client.get(f"/forum/p/{post.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/forum/t/{topic.pk}-burr-replacement-interval/?page=2#post-23"
    assert client.get(f"/forum/t/{topic.pk}/")["Location"] == topic.get_absolute_url()
    assert client.get(f"/forum/t/{topic.pk}-wrong-slug/").status_code == 301


def test_jump_to_first_unread_goes_to_the_post_after_the_read_position(client, alice, bob, category):
    topic = make_topic(author=alice, category=category)
    fill_topic(topic, 24, [alice])
    client.force_login(bob)
    client.get(topic.get_absolute_url())  # reads posts 1-20
    assert TopicReadState.objects.get(user=bob, topic=topic).last_read_post_number == 20
    response = client.get(f"/forum/t/{topic.pk}/unread/")
    assert response["Location"] == f"{topic.get_absolute_url()}?page=2#post-21"


def test_the_accepted_answer_is_shown_under_the_first_post(client, alice, bob, category):
    topic = make_topic(author=alice, category=category)
    answer = make_reply(topic, author=bob, body="Use **citric acid**, not vinegar.")
    services.accept_answer(actor=alice, post=answer)
    page = client.get(topic.get_absolute_url()).content.decode()
    summary = page.index('id="accepted-answer"')
    assert page.index('id="post-1"') < summary < page.index('id="post-2"')
    assert "<strong>citric acid</strong>" in page[summary:page.index('id="post-2"')]


def test_a_deleted_post_shows_a_placeholder_and_never_its_text(client, alice, bob, category):
    topic = make_topic(author=alice, category=category)
    secret = make_reply(topic, author=bob, body="My phone number is 555-0199")
    make_reply(topic, author=alice, body="Quoting that", reply_to=secret)
    services.delete_post(actor=bob, post=secret)
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "555-0199" not in page
    assert "Post #2 was deleted." in page
    assert "The quoted post is no longer available." in page
    assert client.get(f"/forum/p/{secret.pk}/history/").status_code == 404


def test_a_hidden_post_is_shown_only_to_its_author_and_managers(client, alice, bob, carol, manager, category):
    topic = make_topic(author=alice, category=category)
    hidden = make_reply(topic, author=bob, body="Buy cheap watches here")
    services.hide_post(actor=manager, post=hidden, reason="Spam")
    for reader, sees in [(carol, False), (bob, True), (manager, True), (None, False)]:
        if reader:
            client.force_login(reader)
        else:
            client.logout()
        page = client.get(topic.get_absolute_url()).content.decode()
        assert ("Buy cheap watches" in page) is sees
        assert (client.get(f"/forum/p/{hidden.pk}/fragment/").status_code == 200) is sees
    client.force_login(bob)
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "This post is hidden from other members" in page
    assert "Why: Spam" in page
    client.force_login(manager)
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "Hidden from members" in page and "Why: Spam" in page


def test_a_hidden_topic_is_not_found_by_other_members(client, alice, carol, manager, category):
    topic = make_topic(author=alice, category=category)
    services.hide_post(actor=manager, post=topic.posts.get(), reason="Off topic")
    client.force_login(carol)
    assert client.get(topic.get_absolute_url()).status_code == 404
    assert topic.title not in client.get(f"/forum/c/{category.slug}/").content.decode()
    client.force_login(alice)
    assert client.get(topic.get_absolute_url()).status_code == 200


# --- Writing through the pages -------------------------------------------------------------

def test_a_member_starts_a_topic_through_the_form(client, alice, category):
    client.force_login(alice)
    form = client.get(f"/forum/c/{category.slug}/new/").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', form).group(1)
    response = client.post(f"/forum/c/{category.slug}/new/", {
        "title": "Which grind for cold brew?", "body": "Coarse, but how coarse?", "token": token})
    topic = Topic.objects.get()
    assert response["Location"] == topic.get_absolute_url()
    assert topic.posts.get().body == "Coarse, but how coarse?"


def test_a_refused_topic_keeps_what_was_typed(client, alice, category):
    client.force_login(alice)
    response = client.post(f"/forum/c/{category.slug}/new/", {
        "title": "Help", "body": "A long description I do not want to type again.",
        "token": str(uuid.uuid4())})
    page = response.content.decode()
    assert response.status_code == 200 and not Topic.objects.exists()
    assert "The title is too short" in page
    assert "A long description I do not want to type again." in page
    assert 'value="Help"' in page


def test_a_member_cannot_open_the_new_topic_form_of_a_restricted_category(client, alice):
    restricted = CategoryFactory(slug="announcements", is_restricted=True)
    client.force_login(alice)
    assert client.get(f"/forum/c/{restricted.slug}/new/").status_code == 403
    assert client.post(f"/forum/c/{restricted.slug}/new/", {
        "title": "Sneaky announcement", "body": "Hello", "token": str(uuid.uuid4())}).status_code == 403
    assert not Topic.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in_to_write(client, alice, category):
    topic = make_topic(author=alice, category=category)
    response = client.post(reverse("forum:reply", args=[topic.pk]), {"body": "Hi"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "Log in to reply" in client.get(topic.get_absolute_url()).content.decode()


def test_replying_through_the_form_twice_with_the_same_token_posts_once(client, alice, bob, category):
    topic = make_topic(author=alice, category=category)
    client.force_login(bob)
    data = {"body": "Descale monthly.", "token": str(uuid.uuid4())}
    first = client.post(reverse("forum:reply", args=[topic.pk]), data)
    second = client.post(reverse("forum:reply", args=[topic.pk]), data)
    assert first["Location"] == second["Location"] == f"{topic.get_absolute_url()}#post-2"
    assert topic.posts.count() == 2


def test_an_empty_reply_is_refused_and_a_locked_topic_explains_itself(client, alice, bob, manager, category):
    topic = make_topic(author=alice, category=category)
    client.force_login(bob)
    response = client.post(reverse("forum:reply", args=[topic.pk]),
                           {"body": "   ", "token": str(uuid.uuid4())})
    assert response.status_code == 400 and "empty posts are not allowed" in response.content.decode()
    services.lock_topic(actor=manager, topic=topic, locked=True)
    response = client.post(reverse("forum:reply", args=[topic.pk]),
                           {"body": "Late reply I typed carefully", "token": str(uuid.uuid4())})
    page = response.content.decode()
    assert response.status_code == 400
    assert "This topic is locked: it no longer takes replies." in page
    assert topic.posts.count() == 1
    assert "This topic is locked" in client.get(topic.get_absolute_url()).content.decode()


def test_quoting_prefills_the_reply_form_with_the_post(client, alice, bob, category):
    topic = make_topic(author=alice, category=category, body="The lid squeaks when opened")
    client.force_login(bob)
    first = topic.posts.get()
    page = client.get(f"{topic.get_absolute_url()}?quote={first.pk}").content.decode()
    assert f'name="reply_to" value="{first.pk}"' in page and "Quoting Alice Moreau" in page
    client.post(reverse("forum:reply", args=[topic.pk]),
                {"body": "Grease it", "reply_to": first.pk, "token": str(uuid.uuid4())})
    assert Post.objects.get(post_number=2).reply_to == first


def test_editing_through_the_form_and_reading_the_history(client, alice, bob, category):
    topic = make_topic(author=alice, category=category)
    reply = make_reply(topic, author=bob, body="Setting 18 is fine")
    client.force_login(bob)
    response = client.post(f"/forum/p/{reply.pk}/edit/", {"body": "Setting 20 is better"})
    assert response.status_code == 302
    history = client.get(f"/forum/p/{reply.pk}/history/").content.decode()
    assert "Version 2 (current)" in history and "Setting 18 is fine" in history
    assert "diff-add" in history and "diff-del" in history
    client.force_login(alice)
    assert client.post(f"/forum/p/{reply.pk}/edit/", {"body": "Vandalised"}).status_code == 403


def test_deleting_through_the_form(client, alice, bob, category):
    topic = make_topic(author=alice, category=category)
    reply = make_reply(topic, author=bob)
    client.force_login(alice)
    assert client.post(f"/forum/p/{reply.pk}/delete/").status_code == 403
    client.force_login(bob)
    assert "Delete post #2?" in client.get(f"/forum/p/{reply.pk}/delete/").content.decode()
    client.post(f"/forum/p/{reply.pk}/delete/")
    reply.refresh_from_db()
    assert reply.is_deleted


def test_liking_with_htmx_returns_the_updated_button(client, alice, bob, category):
    topic = make_topic(author=alice, category=category)
    reply = make_reply(topic, author=bob)
    client.force_login(alice)
    response = client.post(f"/forum/p/{reply.pk}/like/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'aria-pressed="true"' in html and f'data-like-count="{reply.pk}">1<' in html
    response = client.post(f"/forum/p/{reply.pk}/unlike/")
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.like_count == 0
    client.force_login(bob)
    assert client.post(f"/forum/p/{reply.pk}/like/").status_code == 403


def test_accepting_through_the_page(client, alice, bob, carol, category):
    topic = make_topic(author=alice, category=category)
    answer = make_reply(topic, author=bob)
    client.force_login(carol)
    assert "Accept as answer" not in client.get(topic.get_absolute_url()).content.decode()
    assert client.post(f"/forum/p/{answer.pk}/accept/").status_code == 403
    client.force_login(alice)
    assert "Accept as answer" in client.get(topic.get_absolute_url()).content.decode()
    client.post(f"/forum/p/{answer.pk}/accept/")
    topic.refresh_from_db()
    assert topic.accepted_answer == answer
    page = client.get(f"/forum/c/{category.slug}/?sort=solved").content.decode()
    assert "tag-solved" in page


def test_watching_and_unwatching_through_the_page(client, alice, bob, category):
    topic = make_topic(author=alice, category=category)
    client.force_login(bob)
    client.post(f"/forum/t/{topic.pk}/watch/", {"watching": "1"})
    assert "Watching · stop" in client.get(topic.get_absolute_url()).content.decode()
    client.post(f"/forum/t/{topic.pk}/watch/", {"watching": "0"})
    assert "Watching · stop" not in client.get(topic.get_absolute_url()).content.decode()


def test_mention_candidates_list_members_by_prefix(client, alice, bob):
    UserFactory(username="bobby")
    client.force_login(alice)
    names = [m["username"] for m in client.get("/forum/members/?q=@bo").json()["members"]]
    assert names == ["bob", "bobby"]


def test_anonymous_readers_pages_cost_fixed_queries(
    client, alice, members, category, django_assert_num_queries
):
    topic = make_topic(author=alice, category=category)
    fill_topic(topic, 25, members)
    with django_assert_num_queries(2):
        client.get("/forum/")
    with django_assert_num_queries(3):
        client.get(f"/forum/c/{category.slug}/")
    # the topic; its posts with their authors' role groups
    with django_assert_num_queries(2):
        client.get(topic.get_absolute_url() + "?page=2")


def test_quotes_and_search_excerpts_show_special_characters_once_escaped(client, alice, bob, category):
    topic = make_topic(author=alice, category=category, title="Tom & Jerry's kettle <b>",
                       body="Tom & Jerry's kettle <b>boils</b>")
    first = topic.posts.get()
    make_reply(topic, author=bob, body="Agreed", reply_to=first)
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "Tom &amp; Jerry&#x27;s kettle &lt;b&gt;boils&lt;/b&gt;" in page
    assert "&amp;amp;" not in page and "&amp;lt;" not in page
    results = client.get("/forum/search/?q=kettle").content.decode()
    assert "&amp;amp;" not in results and "&amp;lt;" not in results
    assert "Tom &amp; Jerry&#x27;s <mark>kettle</mark>" in results
