"""Redis stops while members use the site, for real: Hearth runs in processes of its own (the
web server and a Celery worker with beat) whose cache, sessions, channel layer and task broker
are all on a private redis-server that the journey kills and starts again; the database is
the suite's PostgreSQL test database.

While Redis is down pages render, a member signs in, replies, supports an idea and writes a
review (each saved), and open pages say they are reconnecting. When Redis is back the pages go
live again without a reload, a new reply arrives live, the work owed during the outage is sent
and run (outbox rows completed, the reply's points in the ledger), and the server logged no
error.

The in-process server of the other journeys cannot do this: it shares the test process's
settings, and the shared Redis is never stopped."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from badges.models import PendingEvent, PointsEntry
from community.models import OutboxTask
from forum.models import Post
from ideas.models import Support
from reviews.models import Review
from tests.browser.conftest import _free_port, log_in, page_opener
from tests.factories import PASSWORD, UserFactory, make_product
from tests.forum.factories import CategoryFactory, make_topic
from tests.ideas.factories import published_idea
from tests.reliability.faults import PrivateRedis

pytestmark = [pytest.mark.stack, pytest.mark.usefixtures("moderation_relaxed")]

ROOT = Path(__file__).resolve().parents[2]
TOPIC = "Kettle lid squeaks when it opens"
# Loggers whose warnings are the documented signs of a Redis outage (docs/architecture.md,
# "Failure modes"): each says what it dropped or left for later, with the exception behind it.
OUTAGE_WARNINGS = ("community.cache", "community.realtime", "community.deferred", "community.outage")
RECORD = re.compile(r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL) (\S+): (.*)$")
BANNER = re.compile(r"^Serving Hearth at \S+$")  # manage.py serve's stdout


@dataclass
class Stack:
    redis: PrivateRedis
    port: int
    log_dir: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self, name: str) -> str:
        return (self.log_dir / f"{name}.log").read_text()


def _database_url() -> str:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgresql://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _spawn(stack: Stack, name: str, command: list[str], env: dict) -> None:
    log = (stack.log_dir / f"{name}.log").open("w")
    stack.processes[name] = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,  # noqa: S603
                                             stderr=subprocess.STDOUT)


def _wait_until_serving(stack: Stack) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if stack.processes["server"].poll() is not None:
            pytest.fail(f"the server exited:\n{stack.log('server')}")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{stack.url}/healthz", timeout=2) as r:  # noqa: S310
            if r.status == 200:
                return
        time.sleep(0.2)
    pytest.fail(f"the server did not start:\n{stack.log('server')}")


@pytest.fixture
def stack(transactional_db, tmp_path):
    """Hearth's web server and a Celery worker (with beat) in processes of their own, on the
    test database (PostgreSQL: the test process and the server write to it at once) and a
    private Redis."""
    redis = PrivateRedis()
    missing = [what for what, ok in (
        ("PostgreSQL (DATABASE_URL): Hearth's own processes write to the test database too",
         connection.vendor == "postgresql"),
        ("redis-server on the PATH", redis.binary is not None)) if not ok]
    if missing:
        reason = "the Redis outage journey needs " + " and ".join(missing)
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    redis.start()
    instance = Stack(redis=redis, port=_free_port(), log_dir=tmp_path)
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DJANGO_SETTINGS_MODULE="tests.browser.outage_settings", DATABASE_URL=_database_url(),
               REDIS_URL=f"{redis.url}/0", HEARTH_DB_POOL_SIZE="4",
               HEARTH_MEDIA_ROOT=str(tmp_path / "media"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])))
    try:
        _spawn(instance, "server", [sys.executable, "manage.py", "serve", "--port", str(instance.port),
                                    "--no-scheduler", "-v", "0"], env)
        _spawn(instance, "worker", [
            sys.executable, "-m", "celery", "-A", "config.celery", "worker", "--pool", "solo",
            "--beat", "--schedule", str(tmp_path / "beat-schedule"), "--loglevel", "WARNING",
            "--without-heartbeat", "--without-gossip", "--without-mingle"], env)
        _wait_until_serving(instance)
        yield instance
    finally:
        for process in instance.processes.values():
            process.terminate()
        for process in instance.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        redis.stop()


@pytest.fixture
def open_page(browser, stack):
    with page_opener(browser, stack.url) as open_one:
        yield open_one


def _wait_for(condition, *, timeout: float, what: str, state=lambda: ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what} {state()}")


def _log_records(text: str) -> list[tuple[str, str, str]]:
    """(level, logger, the record's text with any traceback under it), from a log written with
    the journey's one-line format."""
    records = []
    for line in text.splitlines():
        if BANNER.match(line):
            continue
        if match := RECORD.match(line):
            records.append([match[1], match[2], match[3]])
        elif records:
            records[-1][2] += "\n" + line
        else:
            records.append(["UNKNOWN", "", line])
    return [tuple(record) for record in records]


def test_a_real_redis_outage_keeps_the_site_working_and_everything_catches_up_after(
        stack, open_page, settings):
    settings.HEARTH_IDEAS_SIMILARITY = "text"
    alice = UserFactory(username="alice", display_name="Alice Moreau")
    bob = UserFactory(username="bob", display_name="Bob Tanaka")
    carol = UserFactory(username="carol", display_name="Carol Ito")
    topic = make_topic(author=bob, category=CategoryFactory(slug="kitchen"), title=TOPIC,
                       body="It squeaks every morning.")
    idea = published_idea(creator=bob, title="A lid that opens without a squeak")
    make_product(title="Trail Flask", sku="TRL-FLK-01", slug="trail-flask")

    # Alice signs in through the form and opens the topic; Bob has it open too, live.
    alice_page = open_page()
    log_in(alice_page, "alice", PASSWORD)
    alice_page.goto(topic.get_absolute_url())
    bob_page = open_page()
    log_in(bob_page, "bob", PASSWORD)
    bob_page.goto(topic.get_absolute_url())
    for page in (alice_page, bob_page):
        expect(page.locator("html")).to_have_attribute("data-livewsforumt", "open")
        expect(page.locator("#live-status")).to_be_hidden()

    stack.redis.stop()  # cache, sessions' cache, live layer and broker at once
    outage_began = timezone.now()
    for page in (alice_page, bob_page):
        expect(page.locator("html")).to_have_attribute("data-live-state", "reconnecting")
        expect(page.locator("#live-status")).to_have_text(re.compile("reconnecting"))

    # Pages render and every write is saved.
    alice_page.goto("/forum/")
    expect(alice_page.get_by_role("link", name=TOPIC)).to_be_visible()
    alice_page.get_by_role("link", name=TOPIC).click()
    alice_page.get_by_label("Your reply").fill("A drop of food-grade silicone on the hinge fixed mine.")
    alice_page.get_by_role("button", name="Post reply").click()
    expect(alice_page.locator("#post-2")).to_contain_text("food-grade silicone")
    reply = Post.objects.get(topic=topic, author=alice)

    alice_page.goto(idea.get_absolute_url())
    alice_page.get_by_role("button", name="Support this idea").click()
    expect(alice_page.get_by_text("You support this idea.")).to_be_visible()
    assert Support.objects.filter(idea=idea, user=alice).exists()

    alice_page.goto("/products/trail-flask/")
    alice_page.get_by_role("link", name="Write a review").click()
    alice_page.get_by_label("Title").fill("Keeps tea hot all day")
    alice_page.get_by_label("Your review").fill("Still warm after eight hours on the trail.")
    alice_page.get_by_label("4 stars", exact=True).check()
    alice_page.get_by_role("button", name="Publish review").click()
    expect(alice_page.get_by_role("heading", name="Keeps tea hot all day")).to_be_visible()
    assert Review.objects.filter(author=alice, title="Keeps tea hot all day").exists()

    # After a reload each is still there (read back from the database).
    alice_page.reload()
    expect(alice_page.get_by_role("heading", name="Keeps tea hot all day")).to_be_visible()
    alice_page.goto(idea.get_absolute_url())
    expect(alice_page.get_by_text("You support this idea.")).to_be_visible()

    # A member signs in during the outage (allauth's rate limits lean on the cache).
    carol_page = open_page()
    log_in(carol_page, "carol", PASSWORD)
    expect(carol_page.locator("body")).to_have_attribute("data-user-id", str(carol.pk))

    alice_page.goto(topic.get_absolute_url())
    expect(alice_page.locator("#post-2")).to_contain_text("food-grade silicone")
    expect(alice_page.locator("html")).to_have_attribute("data-live-state", "reconnecting")
    # The reply's points wait in the engine's inbox: nothing could drain it.
    assert PendingEvent.objects.filter(op="record", args__kind="reply_created").exists()
    assert not PointsEntry.objects.filter(user=alice, reason="reply_created").exists()

    stack.redis.start()  # back, empty (no persistence)
    # Both pages go live again by themselves; Bob's, open all along, offers what it missed.
    for page in (alice_page, bob_page):
        expect(page.locator("html")).to_have_attribute("data-live-state", "live", timeout=40_000)
        expect(page.locator("html")).to_have_attribute("data-livewsforumt", "open")
        expect(page.locator("#live-status")).to_be_hidden()
    expect(bob_page.get_by_text("reload for the latest replies")).to_be_visible()

    bob_page.get_by_label("Your reply").fill("Thanks, trying that tonight.")
    bob_page.get_by_role("button", name="Post reply").click()
    expect(alice_page.locator("#post-3")).to_contain_text("trying that tonight")

    # The work owed during the outage is sent by beat's sweep and run by the worker.
    owed = OutboxTask.objects.filter(created_at__gte=outage_began)
    assert owed.filter(task_name="forum.tasks.notify_watchers", args=[reply.pk]).exists()
    unfinished = owed.filter(completed_at__isnull=True)
    _wait_for(lambda: not unfinished.exists(), timeout=30, what="the owed outbox rows to complete",
              state=lambda: repr(list(unfinished.values_list("task_name", "attempts", "last_error"))))
    assert owed.exclude(last_error="").exists()  # some of them had met the broker down
    _wait_for(lambda: PointsEntry.objects.filter(user=alice, reason="reply_created").exists()
              and not PendingEvent.objects.exists(), timeout=30,
              what="the points engine's inbox to drain")
    # Bob, who watches his topic, was told of Alice's reply by the task owed during the outage.
    assert bob.notifications.filter(kind="forum.reply", url=reply.get_absolute_url()).exists()

    # Nothing but the outage's documented warnings in the server's log.
    server = stack.processes["server"]
    server.terminate()
    server.wait(timeout=15)
    records = _log_records(stack.log("server"))
    unexpected = [record for record in records
                  if record[0] != "WARNING" or record[1] not in OUTAGE_WARNINGS]
    assert unexpected == [], unexpected
    assert sum(1 for level, name, _ in records if name == "community.cache") <= 2  # once per 30 s
    # The worker logs its lost broker connection, but every task it ran succeeded.
    assert "raised unexpected" not in stack.log("worker")
    assert alice_page.errors == [] and bob_page.errors == [] and carol_page.errors == []
