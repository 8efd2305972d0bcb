"""Writes under concurrency, through HTTP with real sessions and CSRF tokens:

- 64 members support one idea at the same instant (a barrier releases their POSTs together);
  the idea's support_count and its Support rows must both be exactly 64.
- Members post replies to one topic for a bounded time while wrk loads the 1,000-post topic
  page; every reply the server accepted must be in the topic, numbered without gaps.

Each run writes to a fresh idea and topic, so runs never depend on each other.
"""

import random
import statistics
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from bench.client import Browser

SUPPORTERS = 64
REPLY_CLIENTS = 8


def _members(count: int, exclude: set[int]) -> list:
    from community.models import User

    ids = list(User.objects.filter(username__startswith="bench").exclude(pk__in=exclude)
               .values_list("pk", flat=True))
    chosen = random.sample(ids, count)
    return list(User.objects.filter(pk__in=chosen))


def concurrent_supports(port: int, login_cookie) -> dict:
    from django.utils import timezone

    from ideas.models import Idea, Milestone, Status, Support

    creator = _members(1, set())[0]
    now = timezone.now()
    idea = Idea.objects.create(
        creator=creator, title=f"Bench write target {now:%H:%M:%S}", slug="bench-write-target",
        description="Seeded for the concurrent support benchmark.", status=Status.GATHERING_SUPPORT,
        published_at=now, status_changed_at=now, deadline=now + timezone.timedelta(days=300),
        next_milestone=Milestone.objects.order_by("supporters").first())
    members = _members(SUPPORTERS, {creator.pk})
    browsers = [Browser(port, login_cookie(member.username)) for member in members]
    for browser in browsers:
        browser.get(idea.get_absolute_url())  # the page the support button is on: CSRF token
    barrier = threading.Barrier(SUPPORTERS)

    def support(browser: Browser) -> tuple[int, float]:
        barrier.wait()
        started = time.perf_counter()
        status = browser.post(f"/ideas/{idea.pk}/support/", {})
        return status, (time.perf_counter() - started) * 1000

    with ThreadPoolExecutor(SUPPORTERS) as pool:
        results = list(pool.map(support, browsers))
    for browser in browsers:
        browser.close()
    idea.refresh_from_db()
    rows = Support.objects.filter(idea=idea).count()
    accepted = sum(1 for status, _ in results if status < 400)
    latencies = sorted(ms for _, ms in results)
    result = {"clients": SUPPORTERS, "accepted": accepted, "support_count": idea.support_count,
              "support_rows": rows, "exact": idea.support_count == rows == SUPPORTERS == accepted,
              "p50_ms": round(statistics.median(latencies), 1), "max_ms": round(latencies[-1], 1)}
    print(f"  64 concurrent supports: {accepted} accepted, support_count {idea.support_count}, "
          f"{rows} rows: {'exact' if result['exact'] else 'NOT EXACT'} "
          f"(p50 {result['p50_ms']} ms, slowest {result['max_ms']} ms)")
    return result


def replies_under_load(port: int, login_cookie, *, seconds: int, load) -> dict:
    """``load()`` runs the read load (wrk) for the same time and returns its figures."""
    from forum.models import Category, Post
    from forum.services import start_topic

    opener = _members(1, set())[0]
    topic = start_topic(author=opener, category=Category.objects.get(slug="bench-1"),
                        title=f"Replies under load {time.strftime('%H:%M:%S')}",
                        body="Replies posted by the write benchmark.")
    members = iter(_members(REPLY_CLIENTS * 200, {opener.pk}))
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    outcomes: list[tuple[int, float]] = []

    def post_replies(client: int) -> None:
        n = 0
        while time.monotonic() < deadline:
            with lock:
                member = next(members)
            browser = Browser(port, login_cookie(member.username))
            browser.get(topic.get_absolute_url())
            for _ in range(3):  # three replies per member keeps under the new-member limits
                n += 1
                started = time.perf_counter()
                status = browser.post(f"/forum/t/{topic.pk}/reply/", {
                    "body": f"Reply {n} from client {client}: measuring replies under load.",
                    "token": str(uuid.uuid4())})
                outcomes.append((status, (time.perf_counter() - started) * 1000))
                if time.monotonic() >= deadline:
                    break
            browser.close()

    with ThreadPoolExecutor(REPLY_CLIENTS + 1) as pool:
        read_load = pool.submit(load)
        list(pool.map(post_replies, range(REPLY_CLIENTS)))
        reads = read_load.result()
    accepted = sum(1 for status, _ in outcomes if status in (301, 302, 303))
    topic.refresh_from_db()
    replies = Post.objects.filter(topic=topic, post_number__gt=1).count()
    latencies = sorted(ms for status, ms in outcomes if status in (301, 302, 303)) or [0.0]
    result = {"clients": REPLY_CLIENTS, "seconds": seconds, "posted": len(outcomes), "accepted": accepted,
              "refused": len(outcomes) - accepted, "replies_in_topic": replies,
              "statuses": dict(Counter(str(status) for status, _ in outcomes)),
              "reply_count": topic.reply_count, "last_post_number": topic.last_post_number,
              "exact": replies == accepted == topic.reply_count == topic.last_post_number - 1,
              "replies_per_s": round(accepted / seconds, 1),
              "p50_ms": round(statistics.median(latencies), 1),
              "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1 if len(latencies) > 1 else 0], 1),
              "reads_during": reads}
    print(f"  replies under load: {accepted} accepted ({result['replies_per_s']}/s, "
          f"p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms), {result['refused']} refused, "
          f"{replies} in the topic: "
          f"{'exact' if result['exact'] else 'NOT EXACT'}; topic page meanwhile {reads['rps']:.0f} req/s, "
          f"p99 {reads['p99_ms']:.0f} ms")
    return result
