"""The one place that decides a request's client address.

Every per-address limit (allauth's log-in, sign-up and password-reset limits, Hearth's own)
keys on it, so it must not be something the client can choose. ``X-Forwarded-For`` is written
by whoever sends the request: it is believed only as far as it was appended by proxies this
deployment runs (``HEARTH_TRUSTED_PROXIES``, addresses or networks; none by default). Read
from the right, each hop a trusted proxy added is skipped; the first address that is not a
trusted proxy is the client. Anything left of it was supplied by that client and is ignored.

``ClientAddressMiddleware`` (before any middleware that reads it) writes the result into
``request.META["REMOTE_ADDR"]`` and removes the forwarded header, so Django, allauth (which
reads REMOTE_ADDR while ``ALLAUTH_TRUSTED_PROXY_COUNT`` is 0) and Hearth all see the same
address. The ASGI server must not rewrite the peer address itself (Daphne's
``--proxy-headers`` trusts any sender); websockets get the same treatment from
``ClientAddressASGIMiddleware``.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _parse_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def trusted_proxy_networks() -> tuple[Network, ...]:
    return _parse_networks(tuple(settings.HEARTH_TRUSTED_PROXIES))


def _parse_address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1:value.index("]")]
    elif value.count(":") == 1:  # "192.0.2.1:443"
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _is_trusted(address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_address(peer: str | None, forwarded_for: str | None) -> str | None:
    """The address of the client: ``peer`` (the socket's remote end) unless it is a trusted
    proxy, in which case the right-most forwarded address that is not a trusted proxy.
    A malformed hop ends the walk at the last address known good."""
    networks = trusted_proxy_networks()
    current = _parse_address(peer) if peer else None
    if current is None:
        return peer
    if not networks or not forwarded_for:
        return str(current)
    for hop in reversed(forwarded_for.split(",")):
        if not _is_trusted(current, networks):
            break
        forwarded = _parse_address(hop)
        if forwarded is None:
            break
        current = forwarded
    return str(current)


class ClientAddressMiddleware:
    """Puts the decided client address into REMOTE_ADDR for everything after it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        address = client_address(meta.get("REMOTE_ADDR"), meta.pop("HTTP_X_FORWARDED_FOR", None))
        if address is not None:
            meta["REMOTE_ADDR"] = address
        return self.get_response(request)


class ClientAddressASGIMiddleware:
    """The same decision for websocket connections: ``scope["client"]`` becomes the client."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        client = scope.get("client")
        if client:
            forwarded = [value.decode("latin-1") for name, value in scope.get("headers", [])
                         if name.lower() == b"x-forwarded-for"]
            address = client_address(client[0], ",".join(forwarded) or None)
            scope = dict(scope, client=[address, client[1]])
        return await self.app(scope, receive, send)
