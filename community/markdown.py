"""Member-written Markdown, rendered to safe HTML. Every app renders user text through here.

markdown-it-py parses CommonMark with raw HTML disabled; nh3 then keeps only an allow-list of
tags and attributes, drops any URL that is not http(s) or mailto, and marks every link
`rel="nofollow ugc noopener"`. Images in Markdown become plain links: the page never loads
a third-party image (which would leak readers' addresses and is blocked by the CSP anyway).
"""

import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "code": {"class"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
    "blockquote": {"class", "cite"},
    "span": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Usernames as allauth accepts them: letters, digits and @/./+/-/_ ; a mention is @name
# preceded by start or whitespace/punctuation, so e-mail addresses are not mentions.
MENTION = re.compile(r"(?<![\w@/])@([\w.+-]{3,150})(?<![.])", re.UNICODE)
MAX_MENTIONS = 20


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True})
    parser.enable(["linkify", "table", "strikethrough"])
    parser.validateLink = lambda url: url.strip().lower().split(":", 1)[0] in URL_SCHEMES or ":" not in url
    return parser


def _walk_text(tokens: list[Token]):
    """Yield text tokens outside code spans, code blocks and links."""
    link_depth = 0
    for token in tokens:
        if token.type == "inline" and token.children:
            for child in token.children:
                if child.type == "link_open":
                    link_depth += 1
                elif child.type == "link_close":
                    link_depth -= 1
                elif child.type == "text" and link_depth == 0:
                    yield child


def extract_mentions(text: str) -> list[str]:
    """The @usernames mentioned in ``text`` (lower-cased, in order, at most 20), ignoring
    code and links."""
    seen: dict[str, None] = {}
    for token in _walk_text(_parser().parse(text or "")):
        for match in MENTION.finditer(token.content):
            seen.setdefault(match.group(1).lower(), None)
    return list(seen)[:MAX_MENTIONS]


def render_markdown(text: str, *, mentionable: frozenset[str] | set[str] = frozenset()) -> str:
    """Render member Markdown to sanitized HTML. ``@name`` becomes a profile link when
    ``name`` (lower-cased) is in ``mentionable``: only members that exist get a link."""
    parser = _parser()
    tokens = parser.parse(text or "")
    _images_to_links(tokens)
    if mentionable:
        _link_mentions(tokens, mentionable)
    html = parser.renderer.render(tokens, parser.options, {})
    return sanitize_html(html)


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )


def _images_to_links(tokens: list[Token]) -> None:
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        children = []
        for child in token.children:
            if child.type == "image":
                src = child.attrGet("src") or ""
                label = child.content or src
                link_open = Token("link_open", "a", 1, attrs={"href": src})
                text = Token("text", "", 0, content=label)
                link_close = Token("link_close", "a", -1)
                children.extend([link_open, text, link_close])
            else:
                children.append(child)
        token.children = children


def _link_mentions(tokens: list[Token], mentionable) -> None:
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        children: list[Token] = []
        link_depth = 0
        for child in token.children:
            if child.type == "link_open":
                link_depth += 1
            elif child.type == "link_close":
                link_depth -= 1
            if child.type != "text" or link_depth:
                children.append(child)
                continue
            children.extend(_split_mentions(child.content, mentionable))
        token.children = children


def _split_mentions(content: str, mentionable) -> list[Token]:
    parts: list[Token] = []
    position = 0
    for match in MENTION.finditer(content):
        name = match.group(1).lower()
        if name not in mentionable:
            continue
        if match.start() > position:
            parts.append(Token("text", "", 0, content=content[position:match.start()]))
        parts.append(Token("link_open", "a", 1, attrs={"href": f"/u/{name}/", "class": "mention"}))
        parts.append(Token("text", "", 0, content=match.group(0)))
        parts.append(Token("link_close", "a", -1))
        position = match.end()
    if position < len(content):
        parts.append(Token("text", "", 0, content=content[position:]))
    return parts
