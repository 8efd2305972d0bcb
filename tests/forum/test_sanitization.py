"""Hostile Markdown in forum posts: whatever members type, the stored and shown HTML has no
scripts, no event handlers, no javascript: links and no raw HTML."""

import re

import pytest

from community.markdown import ALLOWED_TAGS
from tests.forum.factories import make_reply, make_topic

pytestmark = pytest.mark.django_db

HOSTILE = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "[click me](javascript:alert(1))",
    "[click me](JaVaScRiPt:alert(1))",
    "[click me](  javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '<a href="https://example.com" onclick="alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    "<svg onload=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "[x](vbscript:msgbox(1))",
    "<<script>script>alert(1)<</script>/script>",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_never_becomes_live_html(alice, category, client, text):
    topic = make_topic(author=alice, category=category, body=f"Look: {text}")
    for html in (topic.posts.get().body_html.lower(), _shown_body(client, topic)):
        tags = re.findall(r"<([a-z][a-z0-9]*)\b([^>]*)>", html)
        assert {name for name, _ in tags} <= ALLOWED_TAGS
        attributes = " ".join(attrs for _, attrs in tags)
        assert not re.search(r"\bon[a-z]+\s*=", attributes)
        assert not re.search(r"(javascript|vbscript|data):", attributes)
        assert "style=" not in attributes


def _shown_body(client, topic) -> str:
    page = client.get(topic.get_absolute_url()).content.decode().lower()
    body = page[page.index('class="forum-body"'):]
    body = body[len('class="forum-body">'): body.index('<footer class="forum-post-actions"')]
    return body.strip().removesuffix("</div>")


def test_entities_are_shown_as_text_not_decoded_into_tags(alice, category):
    topic = make_topic(author=alice, category=category, body="&lt;b&gt;not bold&lt;/b&gt;")
    html = topic.posts.get().body_html
    assert "<b>" not in html and "&lt;b&gt;not bold&lt;/b&gt;" in html


def test_links_get_nofollow_ugc_noopener(alice, category):
    topic = make_topic(author=alice, category=category, body="See [the manual](https://example.com/m)")
    html = topic.posts.get().body_html
    assert 'href="https://example.com/m"' in html and 'rel="nofollow ugc noopener"' in html


def test_code_blocks_and_lists_survive(alice, category):
    body = "Steps:\n\n1. Fill\n2. Boil\n\n```python\nprint('<b>hi</b>')\n```\n\n- a\n- b"
    html = make_topic(author=alice, category=category, body=body).posts.get().body_html
    assert "<ol>" in html and "<ul>" in html
    assert '<code class="language-python">' in html and "&lt;b&gt;hi&lt;/b&gt;" in html


def test_mentions_link_only_existing_members(alice, bob, category):
    topic = make_topic(author=alice, category=category)
    html = make_reply(topic, author=alice, body="Thanks @bob and @ghost").body_html
    assert '<a href="/u/bob/" class="mention"' in html or 'class="mention" href="/u/bob/"' in html
    assert "/u/ghost/" not in html


def test_an_edit_is_sanitized_too(alice, category):
    from forum import services

    topic = make_topic(author=alice, category=category)
    post = services.edit_post(editor=alice, post=topic.posts.get(), body="<script>alert(1)</script>")
    assert "<script" not in post.body_html
