import pytest

from forum import services
from forum.selectors import highlight, search_forum, search_terms
from tests.forum.factories import make_reply, make_topic

pytestmark = pytest.mark.django_db


def test_search_finds_topics_by_title_and_posts_by_text_with_highlights(client, alice, bob, category):
    topic = make_topic(author=alice, category=category, title="Lantern will not charge from power bank")
    make_reply(topic, author=bob, body="You need a power bank with USB-C PD support.")
    make_topic(author=alice, category=category, title="Something about kettles")
    page = client.get("/forum/search/?q=lantern").content.decode()
    assert "<mark>Lantern</mark> will not charge" in page
    assert "kettles" not in page
    page = client.get("/forum/search/?q=USB-C").content.decode()
    assert "<mark>USB</mark>-<mark>C</mark>" in page or "<mark>USB</mark>-C" in page


def test_search_never_shows_hidden_or_deleted_posts(alice, bob, carol, manager, category):
    topic = make_topic(author=alice, category=category, title="Descaling the kettle properly")
    hidden = make_reply(topic, author=bob, body="Descaling with bleach works")
    deleted = make_reply(topic, author=carol, body="Descaling with cola is magic")
    visible = make_reply(topic, author=carol, body="Descaling with citric acid is safest")
    services.hide_post(actor=manager, post=hidden, reason="Dangerous advice")
    services.delete_post(actor=carol, post=deleted)
    for reader in (carol, None, manager):
        results = search_forum(user=reader, query="descaling")
        post_ids = {p.pk for p in results.posts}
        assert visible.pk in post_ids
        assert hidden.pk not in post_ids and deleted.pk not in post_ids


def test_search_never_shows_posts_of_hidden_or_deleted_topics(alice, bob, manager, category):
    hidden_topic = make_topic(author=alice, category=category, title="Grinder burrs squeak loudly")
    make_reply(hidden_topic, author=bob, body="My burrs squeak too")
    services.hide_post(actor=manager, post=hidden_topic.posts.get(post_number=1), reason="Spam")
    gone = make_topic(author=bob, category=category, title="Burrs for sale cheap")
    services.delete_post(actor=bob, post=gone.posts.get())
    results = search_forum(user=bob, query="burrs")
    assert results.topics == [] and results.posts == []


def test_an_edit_is_found_by_its_new_words_only(alice, category):
    topic = make_topic(author=alice, category=category, title="Question about my flask", body="zebra")
    services.edit_post(editor=alice, post=topic.posts.get(), body="giraffe")
    assert search_forum(user=alice, query="giraffe").posts
    assert not search_forum(user=alice, query="zebra").posts


def test_an_empty_query_returns_nothing(alice):
    results = search_forum(user=alice, query="   ")
    assert results.topics == [] and results.posts == []


def test_highlighting_escapes_before_marking():
    html = highlight('<script>alert("kettle")</script> kettles', search_terms("kettle script"))
    assert "<script>" not in html
    assert "&lt;<mark>script</mark>&gt;" in html and "<mark>kettle</mark>s" in html


def test_highlighting_never_breaks_entities():
    html = highlight("Tom & Jerry's amp", search_terms("amp x27 quot"))
    assert "&amp;" in html and "&#x27;" in html and "<mark>amp</mark>" in html


# Full-text syntax of either backend (tsquery on PostgreSQL, FTS5 on SQLite) and plain typos.
SYNTAX_QUERIES = ['lid "cracked', '"', '"lid"', "&|!", "(", "(lid", "lid)", ":*", "lid:*", "lid*", "!lid",
                  "lid & cracked", "lid | cracked", "-lid", "lid OR", "AND", "NOT lid", "NEAR(lid)", "'",
                  "\\", "lid^2", "{lid}", "col:lid", "<->", "lid <-> cracked", "%", "_", "@@", "é€☃"]


@pytest.mark.parametrize("query", SYNTAX_QUERIES)
def test_any_text_typed_in_search_gets_results_or_no_results_never_the_outage_page(client, alice, category,
                                                                                  query):
    make_topic(author=alice, category=category, title="The lid cracked after a week")
    response = client.get("/forum/search/", {"q": query})
    assert response.status_code == 200
    assert "Back in a moment" not in response.content.decode()


def test_a_query_with_an_unbalanced_quote_still_finds_its_words(client, alice, category):
    topic = make_topic(author=alice, category=category, title="The lid cracked after a week")
    results = search_forum(user=alice, query='lid "cracked')
    assert [t.pk for t in results.topics] == [topic.pk]
