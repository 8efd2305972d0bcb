"""Every URL pattern of the project, generated from the URLconf, with a concrete URL for each.

The walk must see every view, including the ones added after this file was written: patterns
come from ``get_resolver()`` recursively, and each is turned into a path with real objects from
the test world filled into its keywords. A keyword the world does not know fails loudly (add it
to ``tests/security/world.py``), except under the prefixes of third-party admin sites, whose
own object ids do not matter for who may open them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

# Third-party sites grouped by prefix: any id will do there (their views check access first).
GROUPED_PREFIXES = ("admin/", "django-admin/")

# Patterns no request reaches: Wagtail's private-page log-in form, behind Hearth's door at the
# same path (community/login_doors.py), which is walked under its own route, "_util/login/".
SHADOWED: set[str] = {"wagtailcore_login"}

# Which object a `slug` keyword names depends on the route.
SLUG_KEYS = {
    "forum:category": "category_slug",
    "forum:new_topic": "category_slug",
    "forum:topic": "topic_slug",
    "ideas:detail": "idea_slug",
    "reviews:write": "product_slug",
}
# Keywords of third-party views that name no object of ours.
FIXED_SAMPLES = {
    "key": "not-a-real-key",
    "uidb36": "zz",
    "path": "missing/nothing.png",
    "restriction_id": "999999",
    "page_view_restriction_id": "999999",
    "page_id": "999999",
}


@dataclass(frozen=True)
class WalkedUrl:
    key: str  # "namespace:name", or the route when the pattern has no name
    route: str  # the full pattern, for messages
    path: str  # a concrete URL path
    lookup: str  # dotted path of the view
    group: str | None  # a GROUPED_PREFIXES entry, or None
    keywords: tuple[str, ...] = ()  # the URL's keyword arguments, in order
    chain: tuple = field(default=(), compare=False, repr=False)  # the patterns, outermost first


def _leaves(resolver: URLResolver, chain=(), namespaces=()):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            spaces = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from _leaves(pattern, (*chain, pattern.pattern), spaces)
        elif isinstance(pattern, URLPattern):
            yield (*chain, pattern.pattern), namespaces, pattern


def _key(namespaces, pattern: URLPattern, route: str) -> str:
    if not pattern.name:
        return route
    return ":".join((*namespaces, pattern.name))


def _sample(name: str, converter: str, *, key: str, world: dict, grouped: bool,
            override: dict | None = None) -> str:
    if override and name in override:
        return override[name]
    admin_pks = world.get("admin_pks", {})
    if name == "pk" and key.split(":")[0] in admin_pks:
        return str(admin_pks[key.split(":")[0]])
    if name == "slug" and key in SLUG_KEYS:
        return str(world[SLUG_KEYS[key]])
    if name in world and name != "slug":
        return str(world[name])
    if name in FIXED_SAMPLES:
        return FIXED_SAMPLES[name]
    if grouped:
        return "1" if converter in ("int", r"\d+") else "x"
    raise LookupError(f"{key}: no sample for URL keyword {name!r}: add it to tests/security/world.py")


_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_NAMED_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*(?:\([^()]*\)[^()]*)*)\)")


def _regex_piece(regex: str, *, key: str, world: dict, grouped: bool, override: dict | None) -> str:
    text = regex.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    text = _NAMED_GROUP.sub(
        lambda m: _sample(m["name"], m["body"], key=key, world=world, grouped=grouped, override=override),
        text)
    # The few unnamed groups in third-party patterns: Wagtail's page path (empty: the home
    # page) and its document ids and file names; Hearth's page view leaves Wagtail's "_util/"
    # paths to Wagtail with a lookahead.
    text = text.replace("(?!_util/)", "")
    text = text.replace(r"((?:[\w\-]+/)*)", "").replace(r"(\d+)", "1").replace("(.*)", "x")
    return text.replace("\\", "")


def _path(chain, *, key: str, world: dict, grouped: bool, override: dict | None = None) -> str:
    pieces = []
    for piece in chain:
        if isinstance(piece, RoutePattern):
            pieces.append(_ROUTE_PARAM.sub(
                lambda m: _sample(m["name"], m["converter"] or "str", key=key, world=world, grouped=grouped,
                                  override=override),
                str(piece._route)))
        elif isinstance(piece, RegexPattern):
            pieces.append(_regex_piece(piece._regex, key=key, world=world, grouped=grouped,
                                       override=override))
        else:  # pragma: no cover - a pattern class Django may add later
            raise TypeError(f"{key}: unknown pattern type {type(piece)}")
    return "/" + "".join(pieces)


def walk_urls(world: dict) -> list[WalkedUrl]:
    """One concrete URL per pattern; each is checked to resolve back to its own view."""
    urls = []
    for chain, namespaces, pattern in _leaves(get_resolver()):
        route = "".join(str(piece) for piece in chain)
        key = _key(namespaces, pattern, route)
        if key in SHADOWED:
            continue
        group = next((prefix for prefix in GROUPED_PREFIXES if route.startswith(prefix)), None)
        path = _path(chain, key=key, world=world, grouped=group is not None)
        match = resolve(path)
        resolved_to = match._func_path
        # In the admin sites a sample id may land on a sibling view; ours must resolve exactly.
        # (By identity too: allauth's OAuth2 views are closures, whose dotted path Django's
        # ResolverMatch spells by __name__ and URLPattern by __qualname__.)
        assert group or match.func is pattern.callback or resolved_to == pattern.lookup_str, (
            f"{key}: the sample URL {path} resolves to {resolved_to}, not {pattern.lookup_str}")
        keywords = tuple(_keywords(chain))
        urls.append(WalkedUrl(key=key, route=route, path=path, lookup=pattern.lookup_str, group=group,
                              keywords=keywords, chain=chain))
    return urls


def _keywords(chain):
    for piece in chain:
        if isinstance(piece, RoutePattern):
            yield from (m["name"] for m in _ROUTE_PARAM.finditer(str(piece._route)))
        elif isinstance(piece, RegexPattern):
            yield from (m["name"] for m in _NAMED_GROUP.finditer(piece._regex))


def path_with(url: WalkedUrl, world: dict, *, keyword: str, raw: str) -> str:
    """``url``'s path with ``raw`` (already percent-encoded, not checked against the
    converter) in place of one keyword's sample: the URL a client may type by hand."""
    return _path(url.chain, key=url.key, world=world, grouped=url.group is not None, override={keyword: raw})
