"""Browser journeys: Debian's Chromium driven by Playwright, against Hearth served over ASGI
(Daphne, websockets included) from a thread of this test process.

One server and one browser serve the whole run (starting either twice in a process fails).
The server runs in-process so the journeys can read the mail outbox and, in the embedded
mode, share the in-memory channel layer. Run these in their own pytest process
(`make test-browser`): sync Playwright leaves an event loop behind that disturbs async tests.
"""

import asyncio
import os
import socket
import sys
import threading
import time
from contextlib import contextmanager

import pytest
from asgiref.sync import sync_to_async
from django import db
from playwright.sync_api import expect

# Playwright's sync API keeps an event loop in the main thread; the test code around it is
# still synchronous, so Django's guard against ORM calls from async code does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# A live update travels page -> server -> Redis -> server -> page: on a busy two-core machine
# that can take longer than Playwright's default of 5 s for an assertion.
expect.set_options(timeout=10_000)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


BROWSER_DIR = os.path.dirname(__file__)


def pytest_collection_modifyitems(items):
    # Hooks in a conftest see the whole session's items: mark only this folder's.
    for item in items:
        if str(item.path).startswith(BROWSER_DIR):
            item.add_marker(pytest.mark.e2e)


def pytest_sessionfinish(session, exitstatus):
    session.config.hearth_exit_status = int(exitstatus)


def pytest_unconfigure(config):
    """A request the test server was still answering when it stopped (after a journey failed
    mid-request) can wait for ever on the stopped event loop, and Python waits for every such
    thread before it exits: the run would never end. Its results are printed by now, so
    leave with them instead."""
    stuck = [thread for thread in threading.enumerate()
             if thread is not threading.main_thread() and not thread.daemon and thread.is_alive()]
    if stuck and hasattr(config, "hearth_exit_status"):
        print(f"\nexiting without waiting for {len(stuck)} thread(s): {[t.name for t in stuck]}")
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(config.hearth_exit_status)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThreadedDaphne:
    def __init__(self):
        from daphne.endpoints import build_endpoint_description_strings
        from daphne.server import Server

        from config.asgi import application

        self.port = _free_port()
        self.server = Server(
            application=application,
            endpoints=build_endpoint_description_strings(host="127.0.0.1", port=self.port),
            signal_handlers=False,
            verbosity=0,
        )
        self.thread = threading.Thread(target=self.server.run, name="daphne", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("the test server did not start")

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        from twisted.internet import reactor

        return reactor._asyncioEventloop

    def call(self, fn, *args, **kwargs):
        """Run ``fn`` as the server would: in a worker thread of the server's event loop, so
        that its live events reach the server's consumers in any channel-layer mode."""
        def run_and_close():
            try:
                return fn(*args, **kwargs)
            finally:
                # The worker thread's connection would otherwise stay open and keep the test
                # database from being dropped at the end of the session.
                db.connections.close_all()

        coroutine = sync_to_async(run_and_close, thread_sensitive=False)()
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=20)

    def stop(self) -> None:
        from twisted.internet import reactor

        reactor.callFromThread(reactor.stop)
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def server(django_db_setup, django_db_blocker):
    instance = ThreadedDaphne()
    instance.start()
    yield instance
    instance.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def live(server, transactional_db, settings):
    """The running server (migrated rows are restored by tests/conftest.py), with the
    anonymous page cache on as in production: the journeys' writes commit, so every change
    must show at once through it."""
    settings.HEARTH_ANONYMOUS_PAGE_CACHE = True
    return server


@contextmanager
def page_opener(browser, base_url: str):
    """A function that opens a page in a fresh browser context (one per member), each page
    collecting its script errors in ``page.errors``; every context is closed on exit."""
    contexts = []

    def open_page():
        context = browser.new_context(base_url=base_url, viewport={"width": 1200, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def new_page(browser, live):
    """Open pages in fresh browser contexts (one per member); all closed after the test."""
    with page_opener(browser, live.url) as open_page:
        yield open_page


def log_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
