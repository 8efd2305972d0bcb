"""The site's absolute address, for every link that leaves the site (emails above all).

One rule: ``HEARTH_BASE_URL`` when it is set (production sets it); otherwise the address
actually served. During a request that is the request's own scheme and host (the host is
checked against ``ALLOWED_HOSTS`` by ``request.get_host()``, so a forged Host header is
refused before it can reach an email); outside a request, the address ``manage.py serve``
was started on; failing both, ``http://127.0.0.1:8000`` (serve's default).

``SiteAddressMiddleware`` keeps the request's address for the code the request runs
(services that ``notify`` have no request). ``notify`` hands the address to the email task,
so a worker in another process writes the links the member's site was serving.
"""

from __future__ import annotations

from contextvars import ContextVar
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost

FALLBACK = "http://127.0.0.1:8000"

_request_base: ContextVar[str] = ContextVar("hearth_request_base", default="")
_served_base = ""


def configured() -> str:
    return (settings.HEARTH_BASE_URL or "").rstrip("/")


def request_base(request) -> str:
    """``scheme://host[:port]`` of ``request``; empty for a host ALLOWED_HOSTS refuses."""
    try:
        return f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        return ""


def base_url(request=None) -> str:
    """The base of every absolute link, without a trailing slash."""
    return (configured() or (request_base(request) if request is not None else "")
            or _request_base.get() or _served_base or FALLBACK)


def absolute(path: str, request=None, *, base: str = "") -> str:
    """``path`` (a site path such as ``/forum/t/1/``) as an absolute URL."""
    return (base or base_url(request)).rstrip("/") + "/" + path.lstrip("/")


def rebase(url: str) -> str:
    """An absolute URL built by a library from the request (allauth's links) moved onto the
    configured base URL, when one is configured; unchanged otherwise."""
    base = configured()
    if not base or not isinstance(url, str):
        return url
    parts, base_parts = urlsplit(url), urlsplit(base)
    if not (parts.scheme and parts.netloc):
        return url
    path = base_parts.path.rstrip("/") + parts.path
    return urlunsplit((base_parts.scheme, base_parts.netloc, path, parts.query, parts.fragment))


def note_served_address(*, host: str, port: int) -> None:
    """Called by ``manage.py serve`` (and runserver): the address links use outside a request."""
    global _served_base
    shown = "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host  # noqa: S104 - a wildcard bind, not a bind
    _served_base = f"http://{shown}:{port}"


class SiteAddressMiddleware:
    """Keeps the request's address for the code it runs (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_base.set(request_base(request))
        try:
            return self.get_response(request)
        finally:
            _request_base.reset(token)
