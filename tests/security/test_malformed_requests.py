"""No request of any shape, to any URL pattern or websocket route, gets a server error or
writes an ERROR to the log.

URLs come from the URLconf (tests/security/urlwalk.py) and websocket routes from
``config.routing``, so what is added later is walked too. Each URL is requested as an
anonymous visitor, a member and a community manager with:
  * each of its keywords replaced by each malformed value (a NUL byte, a huge number, a
    negative one, letters, invalid UTF-8, a non-ASCII digit, zero);
  * a query string giving every parameter name the site reads each malformed value;
  * a POST form giving every field each malformed value, every field twice, no field,
    and bodies of the wrong content type (JSON, multipart without a boundary, plain text).
The parameter names are collected, not listed: every ``request.GET``/``request.POST`` key the
code reads and every field of every form Hearth declares.

Settings are the test settings (DEBUG off) with the page caches on, as in production.
``MALFORMED_WALK_REPORT=1`` prints the figures.
"""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path

import pytest
from channels.testing import WebsocketCommunicator
from django import forms
from django.conf import settings

from config.routing import websocket_urlpatterns
from tests.security.test_authorization_walk import WAGTAIL_KNOWN_ERRORS
from tests.security.urlwalk import path_with, walk_urls
from tests.security.walker import RoleClient
from tests.security.world import make_roles, make_world

WALKED_ROLES = ("anonymous", "customer", "manager")
HEARTH_APPS = ("community", "forum", "ideas", "reviews", "badges", "moderation")

# Percent-encoded, as they would be typed into a URL or sent in a form body.
MALFORMED = {
    "nul": "%00",
    "huge": "9" * 30,
    "negative": "-1",
    "letters": "abc",
    "invalid utf-8": "%FF%FE%C0",
    "non-ascii digit": "%C2%B2",  # "²": str.isdigit() says yes, int() says no
    "zero": "0",
}
WRONG_BODIES = [
    ("application/json", json.dumps({"body": ["x"], "version": {"a": 1}}).encode()),
    ("multipart/form-data", b"--no-boundary\r\n\x00\xff"),  # no boundary parameter
    ("text/plain", b"\x00\xff body=1"),
]
FORM_BODY = "application/x-www-form-urlencoded"

# Wagtail's "failwhale" screen raises on purpose (see the authorization walk).
WAGTAIL_DELIBERATE_ERROR = {"wagtailadmin_error_test"}
# Server errors inside Wagtail 8.0.1 on malformed values its own screens never send, for
# managers only (everyone else is sent to log in first). Listed exactly, so any other
# server error fails the walk:
WAGTAIL_MALFORMED_ERRORS: set[tuple[str, str]] = set()  # none: config/urls.py guards the two that were


def parameter_names() -> list[str]:
    """Every query or form key Hearth reads: the keys its code takes from ``request.GET`` /
    ``request.POST`` and the fields of every form class its apps declare."""
    names = set()
    read = re.compile(r"""request\.(?:GET|POST)(?:\.get|\.getlist|\.pop)?[\[(]\s*["'](\w+)["']""")
    for app in HEARTH_APPS:
        for source in Path(settings.BASE_DIR, app).rglob("*.py"):
            names.update(read.findall(source.read_text()))
    pending = [forms.BaseForm]
    while pending:
        form_class = pending.pop()
        pending.extend(form_class.__subclasses__())
        if form_class.__module__.split(".")[0] in HEARTH_APPS:
            names.update(getattr(form_class, "base_fields", {}))
    return sorted(names)


def _query(names: list[str], raw: str) -> str:
    return "&".join(f"{name}={raw}" for name in names)


def _requests(url, world, names, values):
    """(method, path, options) for every malformed request made to one URL."""
    for keyword in url.keywords:
        for raw in values:
            yield "GET", path_with(url, world, keyword=keyword, raw=raw), {}
    for raw in values:
        yield "GET", f"{url.path}?{_query(names, raw)}", {}
        yield "POST", url.path, {"data": _query(names, raw).encode(), "content_type": FORM_BODY}
    duplicated = "&".join(f"{name}=1&{name}=x" for name in names)
    yield "POST", url.path, {"data": duplicated.encode(), "content_type": FORM_BODY}
    yield "POST", url.path, {"data": b"", "content_type": FORM_BODY}
    for content_type, body in WRONG_BODIES:
        yield "POST", url.path, {"data": body, "content_type": content_type}


def _plan(url, world, names):
    """(role, method, path, options) for one URL. Hearth's own URLs get every malformed
    value as every role. The admin sites' screens (Wagtail's and Django's, three quarters of
    the patterns) are sampled to stay fast: the manager only (anyone else is sent to log in
    before a view runs) and a few values; Wagtail's own known server errors are skipped."""
    if url.group is None:
        for request in _requests(url, world, names, MALFORMED.values()):
            for role in WALKED_ROLES:
                yield (role, *request)
        return
    if url.key in WAGTAIL_DELIBERATE_ERROR:
        return
    sample = [MALFORMED["nul"], MALFORMED["huge"], MALFORMED["letters"]]
    for method, path, options in _requests(url, world, names, sample):
        if method == "POST" and url.key in WAGTAIL_KNOWN_ERRORS:
            continue
        if (method, url.key) in WAGTAIL_MALFORMED_ERRORS and (url.keywords or "?" in path):
            continue
        yield "manager", method, path, options


@pytest.fixture
def production_caches(settings):
    settings.HEARTH_ANONYMOUS_PAGE_CACHE = True
    assert not settings.DEBUG


def _errors_logged(caplog) -> list[str]:
    return [f"{record.name}: {record.getMessage()[:200]}" for record in caplog.records
            if record.levelno >= logging.ERROR]


def _report(capsys, text: str) -> None:
    if os.environ.get("MALFORMED_WALK_REPORT"):
        with capsys.disabled():
            print(text)


@pytest.mark.django_db
def test_no_malformed_request_to_any_url_gets_a_server_error_or_logs_an_error(
        production_caches, caplog, capsys):
    world = make_world()
    roles = make_roles()
    names = parameter_names()
    urls = walk_urls(world)
    clients = {role: RoleClient(roles[role]) for role in WALKED_ROLES}
    server_errors, tried = [], 0
    caplog.set_level(logging.ERROR)
    for url in urls:
        for role, method, path, options in _plan(url, world, names):
            answer, detail = clients[role].request(method, path, **options)
            tried += 1
            if answer == "error":
                server_errors.append(f"{method} {path[:160]} as {role} ({url.key}): {str(detail)[-300:]}")
    errors_logged = _errors_logged(caplog)
    _report(capsys, f"\nmalformed-request walk: {tried} requests over {len(urls)} URL patterns, "
                    f"{len(names)} parameter names, {len(WALKED_ROLES)} roles: {len(server_errors)} 5xx, "
                    f"{len(errors_logged)} ERROR log records")
    assert not server_errors, f"{len(server_errors)} server errors:\n" + "\n".join(server_errors[:40])
    assert not errors_logged, "\n".join(errors_logged[:40])


# --- Websockets ----------------------------------------------------------------------------

WS_MALFORMED_VALUES = ["%00", "9" * 30, "-1", "abc", "%FF%FE", "%C2%B2", "0", ""]
WS_UNKNOWN_PATHS = ["/ws/nope/", "/", "", "/ws/", "/ws/forum/t/", "/ws/ideas/1/2/", "/ws/notifications",
                    "/ws/notifications/%00/", "/%00", "/ws/ideas/?x=%00", "/ws/forum/t/1/\n",
                    "/" + "a" * 5000 + "/"]


def _websocket_paths() -> list[str]:
    paths = list(WS_UNKNOWN_PATHS)
    keyword = re.compile(r"<(?:\w+:)?(\w+)>")
    for pattern in websocket_urlpatterns:
        route = str(pattern.pattern)
        if not keyword.search(route):
            if not route.startswith("("):  # the catch-all has no path of its own
                paths.append(f"/{route}x/")
            continue
        paths.extend("/" + keyword.sub(value, route) for value in WS_MALFORMED_VALUES)
    return paths


async def _handshake(path: str, cookie: str) -> str:
    """The full websocket stack (origin check, session, router); "accepted" or "refused",
    or the exception the application raised."""
    from config.asgi import application

    headers = [(b"host", b"testserver"), (b"origin", b"http://testserver")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    try:
        connected, _ = await communicator.connect(timeout=5)
    except Exception as exc:  # noqa: BLE001 - an application error is what is looked for
        return f"raised {exc!r}"
    finally:
        await communicator.disconnect()
    return "accepted" if connected else "refused"


def _session_cookies() -> dict[str, str]:
    roles = make_roles()
    cookies = {}
    for role in WALKED_ROLES:
        client = RoleClient(roles[role])
        cookies[role] = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    return cookies


@pytest.mark.django_db(transaction=True)
async def test_no_malformed_websocket_path_gets_a_server_error_or_logs_an_error(caplog, capsys):
    from channels.db import database_sync_to_async

    cookies = await database_sync_to_async(_session_cookies)()
    caplog.set_level(logging.ERROR)
    failures, tried = [], 0
    for path in _websocket_paths():
        for role in WALKED_ROLES:
            outcome = await _handshake(path, cookies[role])
            tried += 1
            if outcome.startswith("raised"):
                failures.append(f"{path[:80]!r} as {role}: {outcome}")
    errors_logged = _errors_logged(caplog)
    _report(capsys, f"\nmalformed websocket walk: {tried} handshakes over "
                    f"{len(websocket_urlpatterns)} routes: {len(failures)} server errors, "
                    f"{len(errors_logged)} ERROR log records")
    assert not failures, "\n".join(failures)
    assert not errors_logged, "\n".join(errors_logged)


def test_the_parameter_names_walked_include_the_ones_that_broke_before():
    names = parameter_names()
    assert {"q", "reply_to", "version", "page", "quote", "body"} <= set(names)
