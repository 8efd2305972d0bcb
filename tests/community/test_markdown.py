from html.parser import HTMLParser

import pytest

from community.markdown import extract_mentions, render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<img src=x onerror=alert(1)>",
    "![x](javascript:alert(1))",
    "<a href='javascript:alert(1)'>x</a>",
    "<svg onload=alert(1)>",
    "&#106;avascript:alert(1)",
    "[x](&#106;avascript:alert(1))",
    "<iframe src=//evil.example></iframe>",
    "<div style='background:url(javascript:alert(1))'>x</div>",
    '"><script>alert(1)</script>',
    "[a](<javascript:alert(1)>)",
    "<<script>script>alert(1)<</script>/script>",
]


class ElementCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_markdown_renders_without_script_handlers_or_dangerous_urls(payload):
    collector = ElementCollector()
    collector.feed(render_markdown(payload))
    for tag, attrs in collector.elements:
        assert tag not in {"script", "img", "iframe", "svg", "style", "object", "embed"}
        assert not [name for name in attrs if name.startswith("on") or name == "style"]
        href = (attrs.get("href") or "").strip().lower()
        assert href == "" or href.startswith(("http://", "https://", "mailto:", "/"))


def test_links_are_marked_nofollow_ugc_noopener():
    html = render_markdown("[docs](https://example.com/docs)")
    assert '<a href="https://example.com/docs" rel="nofollow ugc noopener">docs</a>' in html


def test_code_blocks_lists_and_emphasis_are_kept():
    html = render_markdown("**bold** _it_\n\n- one\n- two\n\n```\nx = 1 < 2\n```")
    assert "<strong>bold</strong>" in html
    assert "<li>one</li>" in html
    assert "<pre><code>x = 1 &lt; 2" in html


def test_images_become_plain_links():
    html = render_markdown("![a cat](https://example.com/cat.png)")
    assert "<img" not in html
    assert 'href="https://example.com/cat.png"' in html


def test_mentions_link_only_known_members_and_skip_code_and_emails():
    text = "Thanks @Alice and @ghost! `@bob` mail me at carol@example.com"
    assert extract_mentions(text) == ["alice", "ghost"]
    html = render_markdown(text, mentionable={"alice"})
    assert '<a href="/u/alice/" class="mention"' in html
    assert "/u/ghost/" not in html
