"""Which URLs Hearth may POST to: the server-side request forgery guard.

Only ``https`` URLs whose host resolves to public internet addresses: never loopback,
private, link-local, multicast, reserved, shared (carrier-grade NAT) or unspecified ones, so a
webhook cannot be aimed at Hearth's own server, its database or the cloud's metadata service.
Checked when staff register an endpoint (the form says why) and again at every send, against
the addresses the send then connects to (DNS may have changed since: ``resolve``).

``HEARTH_WEBHOOKS_ALLOW_PRIVATE`` (off by default) lifts the rule, for a developer's own
machine and for tests that run a receiver on 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class UnsafeURL(Exception):
    """The URL may not be used; ``str(error)`` says why, for staff."""


def _allow_private() -> bool:
    return bool(getattr(settings, "HEARTH_WEBHOOKS_ALLOW_PRIVATE", False))


def refusal_for_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why Hearth must not connect to ``address``, or None when it is a public one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for attribute, name in (("is_unspecified", "an unspecified"), ("is_loopback", "a loopback"),
                            ("is_link_local", "a link-local"), ("is_multicast", "a multicast"),
                            ("is_reserved", "a reserved"), ("is_private", "a private")):
        if getattr(address, attribute):
            return f"{name} address ({address})"
    if not address.is_global:
        return f"a non-public address ({address})"
    return None


def split(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of ``url``, or UnsafeURL."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeURL(f"This URL cannot be read: {error}.") from error
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in ("http", "https") or not host:
        raise UnsafeURL("Enter a full web address starting with https://.")
    if parts.username or parts.password:
        raise UnsafeURL("The URL must not hold a user name or password.")
    if scheme != "https" and not _allow_private():
        raise UnsafeURL("Webhook URLs must use https://.")
    return scheme, host, port or (443 if scheme == "https" else 80)


def resolve(host: str, port: int) -> list[str]:
    """The addresses of ``host`` Hearth may connect to (all of them must be public), or
    UnsafeURL saying why not."""
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            raise UnsafeURL(f"The host {host} could not be found.") from error
        addresses = []
        for info in infos:
            address = ipaddress.ip_address(info[4][0].split("%")[0])
            if address not in addresses:
                addresses.append(address)
        if not addresses:
            raise UnsafeURL(f"The host {host} could not be found.")
    if not _allow_private():
        for address in addresses:
            reason = refusal_for_address(address)
            if reason:
                raise UnsafeURL(f"The host {host} resolves to {reason}: webhooks are only sent "
                                "to public internet addresses.")
    return [str(address) for address in addresses]


def check_url(url: str) -> tuple[str, str, int, list[str]]:
    """Check ``url`` as a whole: (scheme, host, port, addresses), or UnsafeURL."""
    scheme, host, port = split(url)
    return scheme, host, port, resolve(host, port)
