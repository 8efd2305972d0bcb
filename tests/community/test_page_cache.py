"""The anonymous full-page cache (community/page_cache.py): served only to visitors without a
session, keyed by the versions of what each page shows (community/cache_versions.py), served
byte for byte with every security header, and never storing junk URLs."""

import pickle
import re

import pytest
from django.core.cache import cache
from django.test import Client

from community import cache_versions, page_cache
from community.models import ProductPage
from forum import services
from ideas import services as idea_services
from ideas.models import Idea
from tests.factories import CommunityManagerFactory, UserFactory, make_product
from tests.forum.factories import make_reply, make_topic
from tests.ideas.factories import published_idea
from tests.reviews.factories import write_review

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("moderation_relaxed")]

SECURITY_HEADERS = ("Content-Security-Policy", "X-Frame-Options", "Permissions-Policy",
                    "X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy")
MASKED_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.HEARTH_ANONYMOUS_PAGE_CACHE = True


@pytest.fixture
def topic():
    return make_topic(title="Descaling the kettle", body="It tastes of limescale.")


def stored_pages() -> dict[str, page_cache.StoredPage]:
    """Every page in the (local-memory) test cache, by path."""
    pages = {}
    for key, raw in list(cache._cache.items()):
        if ":page-cache:" in key:
            pages[key.split(":", 4)[-1]] = pickle.loads(raw)  # noqa: S301 - the test's own cache
    return pages


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_anonymous_visit_is_served_without_queries(topic, django_assert_num_queries):
    _page(Client(), topic.get_absolute_url())
    with django_assert_num_queries(0):
        html = _page(Client(), topic.get_absolute_url())
    assert "It tastes of limescale." in html


def test_cached_pages_hold_no_csrf_token_and_the_cookie_carries_a_working_one(topic):
    first = Client(enforce_csrf_checks=True)
    _page(first, topic.get_absolute_url())
    second = Client(enforce_csrf_checks=True)
    html = _page(second, topic.get_absolute_url())
    assert topic.get_absolute_url() in stored_pages()
    assert not MASKED_TOKEN.search(html) and "csrfmiddlewaretoken" not in html
    token = second.cookies["csrftoken"].value
    assert token != first.cookies["csrftoken"].value
    # The cookie's token is what the site's scripts send: the log-in form accepts it.
    response = second.post("/accounts/login/", {"login": "nobody", "password": "wrong"},
                           HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200  # a form error, not a CSRF refusal (403)


def test_a_page_that_renders_a_csrf_token_is_never_stored():
    # A view that declares what it shows but renders a form with a token (a form anonymous
    # visitors may post): the page is the visitor's own.
    from django.http import HttpResponse
    from django.middleware.csrf import get_token
    from django.test import RequestFactory

    request = RequestFactory().get("/forum/")

    def view(request):
        page_cache.depends_on(request, ("forum", 0))
        return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')

    page_cache.AnonymousPageCacheMiddleware(view)(request)
    assert stored_pages() == {}


def test_a_new_reply_is_visible_at_once_after_commit(topic, django_capture_on_commit_callbacks):
    _page(Client(), topic.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        make_reply(topic, body="Citric acid works wonders.")
    assert "Citric acid works wonders." in _page(Client(), topic.get_absolute_url())


def test_an_edit_is_visible_at_once_after_commit(topic, django_capture_on_commit_callbacks):
    reply = make_reply(topic, body="Try vinegar.")
    _page(Client(), topic.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        services.edit_post(editor=reply.author, post=reply, body="Try lemon juice instead.")
    html = _page(Client(), topic.get_absolute_url())
    assert "Try lemon juice instead." in html
    assert "Try vinegar." not in html


def test_a_hidden_post_leaves_the_cached_page_at_once(topic, django_capture_on_commit_callbacks):
    reply = make_reply(topic, body="Buy my descaler at example.com")
    assert "Buy my descaler" in _page(Client(), topic.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        services.hide_post(actor=CommunityManagerFactory(), post=reply, reason="spam")
    assert "Buy my descaler" not in _page(Client(), topic.get_absolute_url())


def test_a_like_shows_in_the_listing_and_the_topic_at_once(topic, django_capture_on_commit_callbacks):
    reply = make_reply(topic, body="Helpful reply")
    _page(Client(), topic.get_absolute_url())
    _page(Client(), "/forum/")
    forum_version = cache_versions.version_of("forum", 0)
    with django_capture_on_commit_callbacks(execute=True):
        services.like_post(user=UserFactory(), post=reply)
    assert f'data-like-count="{reply.pk}">1<' in _page(Client(), topic.get_absolute_url())
    assert cache_versions.version_of("forum", 0) != forum_version


def test_a_change_not_yet_committed_does_not_invalidate(topic, django_capture_on_commit_callbacks):
    _page(Client(), topic.get_absolute_url())
    version = cache_versions.version_of("topic", topic.pk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_reply(topic, body="Still in the transaction.")
    assert cache_versions.version_of("topic", topic.pk) == version
    assert "Still in the transaction." not in _page(Client(), topic.get_absolute_url())
    for callback in callbacks:
        callback()
    assert cache_versions.version_of("topic", topic.pk) != version


def test_an_evicted_version_never_serves_an_old_page(topic):
    _page(Client(), topic.get_absolute_url())
    cache.delete(cache_versions.version_key("topic", topic.pk))
    make_reply(topic, body="Written while the version was gone.")
    assert "Written while the version was gone." in _page(Client(), topic.get_absolute_url())


def test_members_are_never_served_from_the_cache(topic):
    author = UserFactory()
    hidden = make_reply(topic, author=author, body="My own hidden reply.")
    services.hide_post(actor=CommunityManagerFactory(), post=hidden, reason="off topic")
    _page(Client(), topic.get_absolute_url())
    member = Client()
    member.force_login(author)
    assert "My own hidden reply." in _page(member, topic.get_absolute_url())
    assert "My own hidden reply." not in _page(Client(), topic.get_absolute_url())


def test_htmx_requests_and_unknown_parameters_are_not_stored(topic):
    client = Client()
    assert client.get(topic.get_absolute_url(), HTTP_HX_REQUEST="true").status_code == 200
    assert client.get(f"{topic.get_absolute_url()}?x=1").status_code == 200
    assert client.get(f"{topic.get_absolute_url()}?quote=1").status_code == 200
    assert stored_pages() == {}


def test_junk_and_out_of_range_query_values_are_answered_but_never_stored(topic, site_tree):
    for _ in range(25):
        make_reply(topic)  # two pages
    product = make_product(title="Flask")
    category = topic.category.get_absolute_url()
    junk = [
        f"{topic.get_absolute_url()}?page=999999", f"{topic.get_absolute_url()}?page=abc",
        f"{topic.get_absolute_url()}?page=1", f"{topic.get_absolute_url()}?page=2&page=2",
        f"{category}?sort=x", f"{category}?page=999999", f"{category}?page=abc",
        "/ideas/?sort=x", "/ideas/?page=999999", "/ideas/?status=nope",
        f"{product.url}?page=999999", f"{product.url}?sort=x", f"{product.url}?stars=9",
    ]
    for url in junk:
        assert Client().get(url).status_code == 200, url
    assert stored_pages() == {}
    canonical = [f"{topic.get_absolute_url()}?page=2", f"{category}?sort=latest",
                 f"{product.url}?sort=newest"]
    for url in canonical:
        _page(Client(), url)
    assert set(stored_pages()) == set(canonical)


@pytest.fixture
def page_kinds(topic, site_tree):
    idea = published_idea()
    product = make_product(title="Flask")
    write_review(product=product)
    return {
        "forum index": "/forum/", "category": topic.category.get_absolute_url(),
        "topic": topic.get_absolute_url(), "idea list": "/ideas/", "idea": idea.get_absolute_url(),
        "product": product.url,
    }


def test_every_cacheable_page_kind_has_the_same_security_headers_from_the_cache(page_kinds):
    for kind, url in page_kinds.items():
        rendered = Client().get(url)
        assert url in stored_pages(), kind
        cached = Client().get(url)
        assert cached.content == rendered.content, kind
        for header in SECURITY_HEADERS:
            assert rendered.has_header(header), (kind, header)
            assert cached.get(header) == rendered.get(header), (kind, header)
        assert "csrftoken" in cached.cookies, kind


def test_a_support_and_a_review_show_at_once(page_kinds, django_capture_on_commit_callbacks):
    for url in page_kinds.values():
        _page(Client(), url)
    idea_page = stored_pages()[page_kinds["idea"]]
    with django_capture_on_commit_callbacks(execute=True):
        idea_services.cast_support(user=UserFactory(), idea_id=Idea.objects.get().pk)
        write_review(product=ProductPage.objects.get(), title="Leaks when tilted")
    assert "Leaks when tilted" in _page(Client(), page_kinds["product"])
    _page(Client(), page_kinds["idea"])
    assert stored_pages()[page_kinds["idea"]].versions != idea_page.versions


# --- Finding 1 of issue 16: no byte a member writes is ever the target of a substitution ----

MARKERS = ["__HEARTH_CSRF_TOKEN__", "__HEARTH_VIEWER_ID__", "__HEARTH_VIEWER_AREA__",
           "__HEARTH_FORM_TOKEN__", "<!--hearth:viewer-->", "<!--/hearth:viewer-->",
           "<!--hearth:time-->"]


def test_marker_strings_in_posts_and_titles_reach_every_reader_verbatim(django_capture_on_commit_callbacks):
    author = UserFactory()
    body = ("[look](https://evil.example/c?t=__HEARTH_CSRF_TOKEN__&u=__HEARTH_VIEWER_ID__) and "
            + " ".join(f"`{marker}`" for marker in MARKERS))
    with django_capture_on_commit_callbacks(execute=True):
        topic = make_topic(author=author, title="Kettle __HEARTH_VIEWER_AREA__ __HEARTH_CSRF_TOKEN__",
                           body=body)
        make_reply(topic, body="__HEARTH_FORM_TOKEN__ __HEARTH_VIEWER_ID__ <!--hearth:time-->")
    url = topic.get_absolute_url()
    member = UserFactory(username="reader")
    readers = {"anonymous": Client(), "anonymous again": Client(), "member": Client()}
    readers["member"].force_login(member)
    readers["author"] = Client()
    readers["author"].force_login(author)
    for name, client in readers.items():
        html = _page(client, url)
        assert "c?t=__HEARTH_CSRF_TOKEN__&amp;u=__HEARTH_VIEWER_ID__" in html, name
        for marker in MARKERS:
            assert f"<code>{marker.replace('<', '&lt;').replace('>', '&gt;')}</code>" in html, (name, marker)
        title = re.search(r"<title>(.*?)</title>", html, re.DOTALL).group(1)
        assert "Kettle __HEARTH_VIEWER_AREA__ __HEARTH_CSRF_TOKEN__" in title, name
        assert "Log out" not in title and "user-area" not in title, name
        assert html.count('class="user-area"') == 1, name
        assert f'data-user-id="{member.pk}"' not in html or name == "member", name
        if "anonymous" in name:
            assert not MASKED_TOKEN.search(html), name
            assert client.cookies["csrftoken"].value not in html, name
    assert url in stored_pages()
