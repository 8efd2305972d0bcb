"""Shared member pages (community/shared_pages.py): members who would see a topic, idea or
product page alike share one rendering, each with their own header, tokens and identity;
whoever took part in the page, moderates or is suspended gets a page of their own; and a
committed change shows at once."""

import re

import pytest
from django.contrib.auth.models import Group
from django.http import HttpResponse
from django.test import Client, RequestFactory
from wagtail.models import PageViewRestriction

from community import shared_pages
from forum import services as forum_services
from forum.selectors import topic_reader_facts
from ideas import services as idea_services
from moderation.services.members import suspend_member
from reviews import services as review_services
from tests.factories import BrandStaffFactory, CommunityManagerFactory, UserFactory, make_product
from tests.forum.factories import make_reply, make_topic
from tests.ideas.factories import published_idea
from tests.reviews.factories import write_review

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("moderation_relaxed")]

TOKEN = re.compile(r'<meta name="csrf-token" content="([A-Za-z0-9]{64})">')


@pytest.fixture(autouse=True)
def _shared_on(settings):
    settings.HEARTH_SHARED_MEMBER_PAGES = True


def _client(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _stored_keys() -> list[str]:
    from django.core.cache import cache

    return [key for key in cache._cache if ":member-page:" in key]


@pytest.fixture
def topic():
    topic = make_topic(title="Descaling the kettle", body="It tastes of limescale.")
    make_reply(topic, body="Citric acid works wonders.")
    return topic


def test_members_who_see_a_topic_alike_share_one_rendering_with_their_own_header(
        topic, django_assert_num_queries):
    first, second = UserFactory(display_name="Ada Reader"), UserFactory(display_name="Bo Reader")
    _page(_client(first), topic.get_absolute_url())
    assert len(_stored_keys()) == 1
    client = _client(second, enforce_csrf_checks=True)
    # User, roles, the reader's facts, their read position written: no page queries.
    with django_assert_num_queries(4):
        html = _page(client, topic.get_absolute_url())
    assert "Citric acid works wonders." in html
    assert "Bo Reader" in html and "Ada Reader" not in html
    assert f'data-user-id="{second.pk}"' in html and f'href="/u/{second.username}/"' in html
    assert "hearth:viewer" not in html and shared_pages.VIEWER_AREA_MARK.decode() not in html
    # The token in the shared page is this member's: liking with it works.
    reply = topic.posts.get(post_number=2)
    response = client.post(f"/forum/p/{reply.pk}/like/", {"csrfmiddlewaretoken": TOKEN.search(html).group(1)})
    assert response.status_code in (200, 302)
    assert reply.likes.filter(user=second).exists()


def test_each_reader_gets_their_own_one_time_reply_token(topic):
    tokens = set()
    for _ in range(3):
        html = _page(_client(UserFactory()), topic.get_absolute_url())
        tokens.add(re.search(r'name="token" value="([0-9a-f-]{36})"', html).group(1))
    assert len(tokens) == 3


@pytest.mark.parametrize("part", ["liked", "replied", "started"])
def test_a_reader_who_took_part_in_the_topic_gets_their_own_page(topic, part):
    _page(_client(UserFactory()), topic.get_absolute_url())  # the shared page is stored
    reply = topic.posts.get(post_number=2)
    if part == "started":
        reader = topic.author
    else:
        reader = UserFactory()
        if part == "liked":
            forum_services.like_post(user=reader, post=reply)
        else:
            make_reply(topic, author=reader, body="Vinegar, then rinse twice.")
    html = _page(_client(reader), topic.get_absolute_url())
    if part == "liked":
        assert 'aria-pressed="true"' in html
    elif part == "replied":
        assert f"/forum/p/{topic.posts.get(author=reader).pk}/edit/" in html
    else:
        assert f"/forum/p/{reply.pk}/accept/" in html


def test_managers_see_hidden_posts_and_suspended_members_their_banner(topic):
    hidden = make_reply(topic, body="Buy cheap kettles at spam.example")
    forum_services.hide_post(actor=CommunityManagerFactory(), post=hidden, reason="Spam")
    _page(_client(UserFactory()), topic.get_absolute_url())
    assert "spam.example" in _page(_client(CommunityManagerFactory()), topic.get_absolute_url())
    suspended = UserFactory()
    suspend_member(actor=CommunityManagerFactory(), user=suspended, days=3, reason="Heated replies")
    suspended.refresh_from_db()
    html = _page(_client(suspended), topic.get_absolute_url())
    assert "Heated replies" in html and "spam.example" not in html


def test_the_author_of_a_hidden_post_still_sees_it(topic):
    author = UserFactory()
    hidden = make_reply(topic, author=author, body="My first try: bleach.")
    forum_services.hide_post(actor=CommunityManagerFactory(), post=hidden, reason="Unsafe advice")
    assert "My first try: bleach." not in _page(_client(UserFactory()), topic.get_absolute_url())
    assert "My first try: bleach." in _page(_client(author), topic.get_absolute_url())


def test_a_quote_of_the_readers_hidden_post_on_another_page_is_never_shared(topic):
    author = UserFactory()
    hidden = make_reply(topic, author=author, body="My first try: bleach.")
    for number in range(18):
        make_reply(topic, body=f"Filler reply number {number}.")
    make_reply(topic, body="Please do not do that.", reply_to=hidden)  # post #22, page 2
    forum_services.hide_post(actor=CommunityManagerFactory(), post=hidden, reason="Unsafe advice")
    page_two = f"{topic.get_absolute_url()}?page=2"
    assert topic_reader_facts(user=author, topic_id=topic.pk, page=2).took_part
    assert not topic_reader_facts(user=UserFactory(), topic_id=topic.pk, page=2).took_part
    assert "My first try: bleach." in _page(_client(author), page_two)  # quoted for its author
    assert "My first try: bleach." not in _page(_client(UserFactory()), page_two)


def test_a_like_committed_while_the_page_renders_is_not_stored_for_everyone(topic, monkeypatch):
    from forum import selectors as forum_selectors

    reader, reply = UserFactory(), topic.posts.get(post_number=2)
    facts_before_the_like = forum_selectors.topic_reader_facts(user=reader, topic_id=topic.pk, page=1)
    forum_services.like_post(user=reader, post=reply)  # e.g. from another tab, after the facts
    monkeypatch.setattr(forum_selectors, "topic_reader_facts", lambda **kwargs: facts_before_the_like)
    assert 'aria-pressed="true"' in _page(_client(reader), topic.get_absolute_url())
    assert _stored_keys() == []


def test_a_new_reply_is_visible_to_members_at_once_after_commit(topic, django_capture_on_commit_callbacks):
    _page(_client(UserFactory()), topic.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        make_reply(topic, body="A spoon of baking soda.")
    assert "A spoon of baking soda." in _page(_client(UserFactory()), topic.get_absolute_url())


def test_supporters_and_others_each_share_their_own_idea_page(django_assert_num_queries):
    idea = published_idea(title="A travel lid for the flask")
    supporter, other = UserFactory(), UserFactory(display_name="Cy Other")
    idea_services.cast_support(user=supporter, idea_id=idea.pk)
    _page(_client(UserFactory()), idea.get_absolute_url())
    assert "You support this idea." in _page(_client(supporter), idea.get_absolute_url())
    # The supporter's page lists them among the recent supporters: it names its reader, so
    # it is theirs alone and not stored.
    assert len(_stored_keys()) == 1
    client = _client(other)
    with django_assert_num_queries(3):  # user, roles, the reader's facts
        html = _page(client, idea.get_absolute_url())
    assert "Support this idea" in html and "You support this idea." not in html and "Cy Other" in html


def test_the_creator_commenters_and_staff_get_their_own_idea_page():
    idea = published_idea(title="A travel lid for the flask")
    _page(_client(UserFactory()), idea.get_absolute_url())
    assert "Your idea" in _page(_client(idea.creator), idea.get_absolute_url())
    commenter = UserFactory()
    idea_services.add_comment(author=commenter, idea_id=idea.pk, body="Yes please, for cycling.")
    html = _page(_client(commenter), idea.get_absolute_url())
    assert "Yes please, for cycling." in html
    assert "Staff decision" in _page(_client(BrandStaffFactory()), idea.get_absolute_url())


def test_a_members_product_page_is_answered_before_wagtail_routes_it(site_tree, django_assert_num_queries):
    product = make_product(title="Kettle")
    write_review(product=product, body="Boils in two minutes flat.")
    _page(_client(UserFactory()), product.url)
    client = _client(UserFactory(display_name="Di Reader"))
    with django_assert_num_queries(3):  # user, roles, the reader's facts
        html = _page(client, product.url)
    assert "Boils in two minutes flat." in html and "Di Reader" in html


def test_reviewers_voters_and_staff_get_their_own_product_page(site_tree):
    product = make_product(title="Kettle")
    review = write_review(product=product, body="Boils in two minutes flat.")
    _page(_client(UserFactory()), product.url)
    assert "Edit your review" in _page(_client(review.author), product.url)
    voter = UserFactory()
    review_services.mark_helpful(voter=voter, review_id=review.pk)
    assert "You found this helpful" in _page(_client(voter), product.url)
    assert "Reply as the brand" in _page(_client(BrandStaffFactory()), product.url)


def test_a_product_page_restricted_to_a_group_is_never_shared(site_tree):
    product = make_product(title="Prototype kettle")
    testers = Group.objects.create(name="Testers")
    restriction = PageViewRestriction.objects.create(
        page=product, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(testers)
    insider = UserFactory()
    insider.groups.add(testers)
    _page(_client(insider), product.url)
    assert _stored_keys() == []
    response = _client(UserFactory()).get(product.url)
    assert response.status_code in (302, 403) or "Prototype kettle" not in response.content.decode()


def test_a_page_that_still_names_its_reader_is_not_stored():
    reader = UserFactory()
    request = RequestFactory().get("/forum/t/1-x/")
    request.user = reader
    request.META["CSRF_COOKIE"] = "x" * 32
    content = (f'<!--hearth:viewer--><a href="/u/{reader.username}/">You</a><!--/hearth:viewer-->'
               f'<p>Posted by <a href="/u/{reader.username}/">you</a></p>')
    shared_pages.store(request, shared_pages.lookup(request, "t"), HttpResponse(content))
    assert _stored_keys() == []
    shared_pages.store(request, shared_pages.lookup(request, "t"), HttpResponse(content.split("<p>")[0]))
    assert len(_stored_keys()) == 1


@pytest.mark.parametrize("case", ["anonymous", "manager", "post", "htmx", "other query", "flash message"])
def test_who_and_what_may_not_share_a_page(rf, case):
    request = rf.post("/") if case == "post" else rf.get("/", {"q": "x"} if case == "other query" else {})
    request.user = CommunityManagerFactory() if case == "manager" else UserFactory()
    request.session = {"_messages": "[]"} if case == "flash message" else {}
    if case == "anonymous":
        from django.contrib.auth.models import AnonymousUser

        request.user = AnonymousUser()
    if case == "htmx":
        request.META["HTTP_HX_REQUEST"] = "true"
    assert not shared_pages.usable(request)
    ordinary = rf.get("/", {"page": "2"})
    ordinary.user, ordinary.session = UserFactory(), {}
    assert shared_pages.usable(ordinary)
