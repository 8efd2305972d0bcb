"""One HTTP POST of a delivery, through the SSRF guard, to the address the guard checked.

The host is resolved and checked at send time and the connection goes to that checked
address (the ``Host`` header and TLS name stay the URL's host), so a DNS answer that changed
after registration, or between a check and the connect, cannot aim the request inside.
Redirects are never followed (a 3xx is a failed attempt), timeouts are short, and at most
1 kB of the answer is read.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings

from webhooks import guard

EXCERPT_BYTES = 1024


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    duration_ms: int
    excerpt: str = ""
    error: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(*, url: str, headers: dict[str, str], body: str) -> Outcome:
    started = time.monotonic()

    def outcome(status_code=None, excerpt="", error="") -> Outcome:
        return Outcome(status_code=status_code, duration_ms=int((time.monotonic() - started) * 1000),
                       excerpt=excerpt, error=error[:300])

    try:
        scheme, host, port, addresses = guard.check_url(url)
    except guard.UnsafeURL as refusal:
        return outcome(error=f"Refused: {refusal}")
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default_port = 443 if scheme == "https" else 80
    host_header = host if port == default_port else f"{host}:{port}"
    if ":" in host and port != default_port:
        host_header = f"[{host}]:{port}"
    timeout = urllib3.Timeout(connect=float(settings.HEARTH_WEBHOOKS_CONNECT_TIMEOUT),
                              read=float(settings.HEARTH_WEBHOOKS_READ_TIMEOUT))
    error = ""
    # Each checked address in turn until one takes the connection (a host with an IPv6
    # address the server cannot reach still gets its request over IPv4).
    for address in addresses:
        if scheme == "https":
            pool = urllib3.HTTPSConnectionPool(address, port, timeout=timeout, retries=False,
                                               maxsize=1, server_hostname=host,
                                               assert_hostname=host, cert_reqs="CERT_REQUIRED")
        else:
            pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False, maxsize=1)
        try:
            response = pool.urlopen("POST", path, body=body.encode(),
                                    headers={**headers, "host": host_header}, redirect=False,
                                    retries=False, preload_content=False, assert_same_host=False)
            try:
                excerpt = response.read(EXCERPT_BYTES, decode_content=True)[:EXCERPT_BYTES]
            except urllib3.exceptions.HTTPError:
                excerpt = b""
            finally:
                response.release_conn()
            return outcome(status_code=response.status, excerpt=excerpt.decode("utf-8", "replace"))
        except (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError) as failed:
            error = f"{type(failed).__name__}: {failed}"
            continue  # not connected: nothing was sent, the next address may take it
        except (urllib3.exceptions.HTTPError, OSError) as failed:
            return outcome(error=f"{type(failed).__name__}: {failed}")
        finally:
            pool.close()
    return outcome(error=error)
