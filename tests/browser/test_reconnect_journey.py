"""A member's page while the live layer goes away and comes back: the header says it is
reconnecting, the socket retries with backoff, and live updates flow again afterwards.

Playwright stands between the page and the server's websocket, so the test can drop the
connection and refuse new ones, as a server whose channel layer is down does (4013)."""

import re

from playwright.sync_api import expect

from community.services.notifications import notify
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, UserFactory


def test_live_updates_say_reconnecting_during_an_outage_and_resume_after(new_page, live):
    member = UserFactory(username="alice", display_name="Alice Moreau")
    page = new_page()
    outage = {"on": False}
    sockets = []

    def route(socket):
        if outage["on"]:
            socket.close(code=4013, reason="try again later")
            return
        socket.connect_to_server()
        sockets.append(socket)

    page.route_web_socket(re.compile(r"/ws/notifications/$"), route)
    log_in(page, "alice", PASSWORD)
    page.goto("/forum/")
    root = page.locator("html")
    expect(root).to_have_attribute("data-livewsnotifications", "open")
    expect(page.locator("#live-status")).to_be_hidden()

    outage["on"] = True  # the channel layer goes down: the socket drops, retries are refused
    sockets[-1].close(code=4013, reason="try again later")
    expect(root).to_have_attribute("data-live-state", "reconnecting")
    expect(page.locator("#live-status")).to_have_text(re.compile("reconnecting"))
    page.wait_for_timeout(2500)  # at least one refused retry
    expect(root).to_have_attribute("data-live-state", "reconnecting")
    attempts_during_outage = len(sockets)

    outage["on"] = False  # back: the next retry connects and the notice goes away
    expect(root).to_have_attribute("data-live-state", "live", timeout=20_000)
    expect(page.locator("#live-status")).to_be_hidden()
    assert len(sockets) == attempts_during_outage + 1

    live.call(notify, recipient=member, kind="community.welcome", message="Welcome back to Hearth", url="/")
    expect(page.locator("#notification-count")).to_have_text("1")
    expect(page.get_by_text("Welcome back to Hearth")).to_be_visible()
    assert page.errors == []
