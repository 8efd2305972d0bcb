"""A real SMTP server in the test process (aiosmtpd), and purchases to ask about."""

from __future__ import annotations

import email
import socket
from email import policy

import pytest

from tests.factories import make_product


class Inbox:
    """What the SMTP server received: envelopes, parsed into messages."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(envelope.content, policy=policy.default)
                for envelope in self.envelopes]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.HEARTH_BASE_URL = "https://community.example"
    yield inbox
    controller.stop()


@pytest.fixture
def kettle(site_tree):
    return make_product(title="Ember Kettle", sku="KET-1")


@pytest.fixture
def products(site_tree):
    return [make_product(title=title, sku=f"P-{i}") for i, title in
            enumerate(("Ember Kettle", "Summit Flask", "Pour-over Stand", "Travel Mug"))]
