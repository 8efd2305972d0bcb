"""Soak: Hearth on the real stack under a mix of readers and writers for N minutes.

    .venv/bin/python -m bench.soak [--minutes 10] [--readers 6] [--writers 6] [--workers 3]

Runs what production runs: nginx before gunicorn's N sync workers and the websocket server
(as bin/run-stack starts them), two Celery worker nodes and Celery beat, on PostgreSQL
(database `hearth_soak`, recreated each run) and Redis (db 6); override with DATABASE_URL /
REDIS_URL. Readers fetch the forum, topics, ideas and product pages anonymously; writers are
signed-in members who start topics, reply, like and unlike, support and withdraw, and review
products, through the same HTML forms a browser posts. At the end it checks:

* zero 5xx responses (and no transport errors);
* no lost writes: what the clients were told was saved equals the rows in the database
  (topics, replies, likes, supports, reviews), and the task outbox has drained (the worker
  gets DRAIN_SECONDS after the clients stop; tasks that failed are sent again by the sweep),
  and so has the points engine's inbox, with every total equal to the ledger (recompute);
* periodic jobs run once: every job beat sent was received by one worker node, none twice;
* memory: the RSS of every server, worker and beat process, sampled every 10 s; growth from
  the end of the warm-up (the first fifth of the run) to the end must stay under 15 %.

Writes bench/results/soak-<date>.json and prints a summary.
"""

import argparse
import datetime as dt
import json
import os
import random
import re
import secrets
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/hearth_soak"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/6"
SETTINGS = "bench.soak_settings"
MEMORY_GROWTH_BOUND = 0.15
SAMPLE_EVERY = 10.0
REQUEST_TIMEOUT = 120
# After the clients stop, the worker gets this long to finish what the outbox still owes.
DRAIN_SECONDS = 480
WORKER_NODES = ("a", "b")
VOCABULARY = ["kettle", "filter", "lid", "handle", "boils", "quickly", "quiet", "cable", "warranty",
              "descaling", "light", "base", "spout", "water", "steam", "temperature", "button",
              "cracked", "lovely", "replaced"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--readers", type=int, default=6)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) + 1,
                        help="the HTTP server's sync workers (gunicorn.conf.py's default)")
    parser.add_argument("--port", type=int, default=8610)
    parser.add_argument("--think", type=float, default=0.1, help="seconds each client waits between requests")
    parser.add_argument("--sentiment", default="lexicon", help="HEARTH_SENTIMENT_BACKEND for the worker")
    return parser.parse_args()


# --- the stack -------------------------------------------------------------------------------

def recreate_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def start_processes(args, log_dir: Path) -> dict[str, subprocess.Popen]:
    from bench.server import start_stack, stop_stack

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "HEARTH_SENTIMENT_BACKEND": args.sentiment}
    commands = {
        # Two worker nodes on one queue, as when workers scale out: each message goes to one.
        **{f"worker-{node}": [sys.executable, "-m", "celery", "-A", "config", "worker",
                              "-n", f"soak-{node}@%h", "--concurrency=1", "--without-heartbeat",
                              "--without-gossip", "--without-mingle", "--loglevel=INFO"]
           for node in WORKER_NODES},
        "beat": [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO",
                 "-s", str(log_dir / "beat-schedule")],
    }
    processes = {}
    for name, command in commands.items():
        log = open(log_dir / f"{name}.log", "w")  # noqa: SIM115 - kept open for the run
        processes[name] = subprocess.Popen(command, cwd=ROOT, env=env,
                                           stdout=log, stderr=subprocess.STDOUT)
    try:
        # nginx, the HTTP server and the websocket server, as bin/run-stack starts them.
        processes.update(start_stack(args.port, args.workers, env=env, log_dir=log_dir))
    except BaseException:
        stop_stack(processes)
        raise
    return processes


def stop_processes(processes: dict[str, subprocess.Popen]) -> None:
    from bench.server import stop_stack

    stop_stack(processes)


def _children() -> dict[int, list[int]]:
    tree = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree[parent].append(int(entry.name))
    return tree


def _rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def sample_memory(processes: dict[str, subprocess.Popen]) -> dict[str, int]:
    """RSS (kB) of every process of the stack: each root and its descendants, by role."""
    tree = _children()
    sample = {}
    for role, root in processes.items():
        stack, n = [root.pid], 0
        while stack:
            pid = stack.pop()
            rss = _rss_kb(pid)
            if rss is not None:
                sample[f"{role}:{pid}"] = rss
                n += 1
            stack.extend(tree.get(pid, []))
    return sample


def memory_report(samples: list[tuple[float, dict[str, int]]], warm_up_seconds: float) -> dict:
    report = {}
    names = sorted({name for _, sample in samples for name in sample})
    for name in names:
        series = [(t, s[name]) for t, s in samples if name in s]
        warm = [rss for t, rss in series if t >= warm_up_seconds]
        if len(warm) < 2:
            continue
        growth = (warm[-1] - warm[0]) / warm[0]
        report[name] = {"first_mb": round(series[0][1] / 1024, 1), "warm_mb": round(warm[0] / 1024, 1),
                        "max_mb": round(max(rss for _, rss in series) / 1024, 1),
                        "last_mb": round(warm[-1] / 1024, 1), "growth_after_warm_up": round(growth, 3),
                        "stable": growth < MEMORY_GROWTH_BOUND}
    return report


# --- clients ---------------------------------------------------------------------------------

class Tally:
    """Everything the clients saw, shared by their threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = Counter()
        self.by_action = defaultdict(Counter)
        self.transport_errors = Counter()
        self.latencies = defaultdict(list)
        self.server_errors = []

    def record(self, action: str, status: int, seconds: float, path: str) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.by_action[action][status] += 1
            self.latencies[action].append(seconds)
            if status >= 500:
                self.server_errors.append({"action": action, "status": status, "path": path})

    def failed(self, action: str, error: Exception) -> None:
        with self.lock:
            self.transport_errors[f"{action}: {type(error).__name__}"] += 1


class Client(threading.Thread):
    def __init__(self, *, base: str, tally: Tally, stop: threading.Event, think: float, seed: int):
        super().__init__(daemon=True)
        self.base, self.tally, self.stop, self.think = base, tally, stop, think
        self.random = random.Random(seed)
        self.http = requests.Session()

    def call(self, action: str, method: str, path: str, **kwargs) -> requests.Response | None:
        started = time.perf_counter()
        try:
            # Readers follow redirects (short links to canonical ones); writers read the redirect
            # itself, which is how a form says it saved.
            response = self.http.request(method, self.base + path, timeout=REQUEST_TIMEOUT,
                                         allow_redirects=method == "GET", **kwargs)
        except requests.RequestException as error:
            self.tally.failed(action, error)
            return None
        self.tally.record(action, response.status_code, time.perf_counter() - started, path)
        return response

    def run(self) -> None:
        while not self.stop.is_set():
            self.step()
            self.stop.wait(self.think * self.random.uniform(0.5, 1.5))


class Reader(Client):
    def __init__(self, *, world: dict, **kwargs):
        super().__init__(**kwargs)
        self.world = world

    def step(self) -> None:
        with self.world["lock"]:
            topics = list(self.world["topics"][-50:])
        choice = self.random.random()
        if choice < 0.4 and topics:
            self.call("read topic", "GET", f"/forum/t/{self.random.choice(topics)}/")
        elif choice < 0.55:
            self.call("read forum", "GET", "/forum/")
        elif choice < 0.7:
            self.call("read category", "GET", f"/forum/c/{self.world['category']}/")
        elif choice < 0.85:
            self.call("read idea", "GET", f"/ideas/{self.random.choice(self.world['ideas'])}/")
        else:
            self.call("read product", "GET", self.random.choice(self.world["products"])[1])


class Writer(Client):
    """A signed-in member. Keeps what the server said it saved, to compare with the database."""

    def __init__(self, *, world: dict, member: dict, **kwargs):
        super().__init__(**kwargs)
        self.world, self.member = world, member
        self.csrf = secrets.token_hex(16)  # an unmasked 32-character token, as the cookie holds
        self.http.cookies.set("csrftoken", self.csrf)
        name, value = member["cookie"].split("=", 1)
        self.http.cookies.set(name, value)
        self.saved = {"topics": 0, "replies": 0}
        self.likes: dict[int, bool] = {}
        self.supports: dict[int, bool] = {}
        self.reviewed: set[int] = set()

    def post(self, action: str, path: str, data: dict | None = None) -> bool:
        response = self.call(action, "POST", path, data={"csrfmiddlewaretoken": self.csrf, **(data or {})},
                             headers={"Referer": self.base + path})
        # Every form answers a saved write with a redirect; 200 means the form came back with errors.
        return response is not None and response.status_code in (302, 303)

    def step(self) -> None:
        choice = self.random.random()
        if choice < 0.10:
            self.new_topic()
        elif choice < 0.45:
            self.reply()
        elif choice < 0.70:
            self.toggle_like()
        elif choice < 0.90:
            self.toggle_support()
        else:
            self.review()

    def text(self, words: int) -> str:
        words_used = " ".join(self.random.choice(VOCABULARY) for _ in range(words))
        return f"{words_used} ({uuid.uuid4().hex[:8]})"

    def new_topic(self) -> None:
        ok = self.post("topic", f"/forum/c/{self.world['category']}/new/",
                       {"title": "Soak question " + uuid.uuid4().hex[:10], "body": self.text(30),
                        "token": str(uuid.uuid4())})
        if ok:
            self.saved["topics"] += 1

    def reply(self) -> None:
        with self.world["lock"]:
            topics = list(self.world["topics"][-30:])
        topic_id = self.random.choice(topics)
        data = {"body": self.text(25), "token": str(uuid.uuid4())}
        if self.post("reply", f"/forum/t/{topic_id}/reply/", data):
            self.saved["replies"] += 1

    def toggle_like(self) -> None:
        post_id = self.random.choice(self.world["posts"])
        liked = self.likes.get(post_id, False)
        if self.post("unlike" if liked else "like", f"/forum/p/{post_id}/{'unlike' if liked else 'like'}/"):
            self.likes[post_id] = not liked

    def toggle_support(self) -> None:
        idea_id = self.random.choice(self.world["ideas"])
        supported = self.supports.get(idea_id, False)
        action = "withdraw" if supported else "support"
        if self.post(action, f"/ideas/{idea_id}/{action}/"):
            self.supports[idea_id] = not supported

    def review(self) -> None:
        product_id, url, slug = self.random.choice(self.world["products"])
        rating = self.random.choice([1, 2, 4, 5])
        data = {"rating": rating, "title": "Soak review " + uuid.uuid4().hex[:6], "body": self.text(40)}
        if self.post("review", f"/products/{slug}/review/", data):
            self.reviewed.add(product_id)


# --- the community the clients meet ----------------------------------------------------------

def prepare_world(writers: int) -> dict:
    from allauth.account.models import EmailAddress
    from django.core.management import call_command

    from bench.__main__ import login_cookie
    from community.models import ProductPage, User
    from forum.models import Category, Post, Topic
    from ideas.models import Idea, Status

    call_command("seed_demo", verbosity=0)
    members = []
    for n in range(writers):
        user, _ = User.objects.get_or_create(username=f"soak{n}", defaults={"email": f"soak{n}@example.com"})
        EmailAddress.objects.get_or_create(user=user, email=user.email,
                                           defaults={"verified": True, "primary": True})
        members.append({"username": user.username, "id": user.pk, "cookie": login_cookie(user.username)})
    category = Category.objects.filter(is_restricted=False).order_by("sort_order", "pk").first()
    ideas = list(Idea.objects.filter(status=Status.GATHERING_SUPPORT).values_list("pk", flat=True))
    products = [(p.pk, p.url, p.slug) for p in ProductPage.objects.live().order_by("pk")]
    topics = list(Topic.objects.filter(category=category, is_hidden=False, deleted_at__isnull=True)
                  .values_list("pk", flat=True))
    posts = list(Post.objects.filter(topic__in=topics, is_hidden=False, deleted_at__isnull=True)
                 .values_list("pk", flat=True))
    if not (category and ideas and products and topics and posts):
        raise SystemExit("the demo data has no open category, idea, product or topic to soak")
    return {"members": members, "category": category.slug, "ideas": ideas, "products": products,
            "topics": topics, "posts": posts, "lock": threading.Lock()}


def follow_new_topics(world: dict, stop: threading.Event) -> None:
    """Readers and repliers move on to the topics writers start, as a community does."""
    from django.db import close_old_connections

    from forum.models import Topic

    while not stop.wait(5):
        close_old_connections()
        newest = list(Topic.objects.filter(author__username__startswith="soak").order_by("-pk")
                      .values_list("pk", flat=True)[:20])
        with world["lock"]:
            known = set(world["topics"])
            world["topics"].extend(pk for pk in reversed(newest) if pk not in known)


# --- the checks ------------------------------------------------------------------------------

def check_writes(writers: list[Writer]) -> dict:
    from django.db import close_old_connections

    from community.models import OutboxTask
    from forum.models import Like, Post, Topic
    from ideas.models import Support
    from reviews.models import Review

    close_old_connections()
    soak = {"author__username__startswith": "soak"}
    by_soak = {"user__username__startswith": "soak"}
    expected = {
        "topics": sum(w.saved["topics"] for w in writers),
        "replies": sum(w.saved["replies"] for w in writers),
        "likes": {(w.member["id"], post) for w in writers for post, on in w.likes.items() if on},
        "supports": {(w.member["id"], idea) for w in writers for idea, on in w.supports.items() if on},
        "reviews": {(w.member["id"], product) for w in writers for product in w.reviewed},
    }
    actual = {
        "topics": Topic.objects.filter(**soak).count(),
        "replies": Post.objects.filter(**soak, post_number__gt=1).count(),
        "likes": set(Like.objects.filter(**by_soak).values_list("user_id", "post_id")),
        "supports": set(Support.objects.filter(**by_soak).values_list("user_id", "idea_id")),
        "reviews": set(Review.objects.filter(**soak).values_list("author_id", "product_id")),
    }
    result = {}
    for kind in expected:
        want, have = expected[kind], actual[kind]
        if isinstance(want, set):
            result[kind] = {"acknowledged": len(want), "in_database": len(have),
                            "lost": len(want - have), "unacknowledged": len(have - want)}
        else:
            result[kind] = {"acknowledged": want, "in_database": have, "lost": max(0, want - have),
                            "unacknowledged": max(0, have - want)}
    deadline = time.monotonic() + DRAIN_SECONDS
    while OutboxTask.objects.filter(completed_at__isnull=True).exists() and time.monotonic() < deadline:
        time.sleep(2)
    result["outbox"] = {"rows": OutboxTask.objects.count(),
                        "still_owed": OutboxTask.objects.filter(completed_at__isnull=True).count(),
                        "dispatched_more_than_once": OutboxTask.objects.filter(attempts__gt=1).count()}
    result["points"] = check_points(deadline)
    return result


def check_points(deadline: float) -> dict:
    """The points engine's inbox drained (beat's drain runs every minute), and every total,
    rollup and count equals the ledger."""
    from django.db.models import Sum

    from badges.models import PendingEvent, PointsEntry, UserPoints
    from badges.services.recompute import recompute_points

    while PendingEvent.objects.exists() and time.monotonic() < deadline:
        time.sleep(2)
    ledger = PointsEntry.objects.aggregate(total=Sum("points"))["total"] or 0
    totals = UserPoints.objects.aggregate(total=Sum("total"))["total"] or 0
    return {"entries": PointsEntry.objects.count(), "ledger_points": ledger, "total_points": totals,
            "recompute_drift_rows": recompute_points(),
            "still_owed": PendingEvent.objects.count()}


BEAT_SENT = re.compile(r"Sending due task (\S+) \((\S+)\)")
TASK_RECEIVED = re.compile(r"Task (\S+)\[([0-9a-f-]+)\] received")


def check_periodic_jobs(log_dir: Path) -> dict:
    """Each periodic job beat sent ran once, on one of the worker nodes: per scheduled task,
    what beat sent, what each node received (by task id), and ids received more than once.
    Tasks the web processes also send (a drain after commit) are received more often than
    beat sent them; the check is then that none ran twice."""
    sent = Counter(match.group(2) for match in BEAT_SENT.finditer((log_dir / "beat.log").read_text()))
    received: dict[str, Counter] = defaultdict(Counter)
    ids = Counter()
    for node in WORKER_NODES:
        for match in TASK_RECEIVED.finditer((log_dir / f"worker-{node}.log").read_text()):
            received[match.group(1)][node] += 1
            ids[match.group(2)] += 1
    twice = {task_id for task_id, n in ids.items() if n > 1}
    jobs = {task: {"sent_by_beat": n, "received": dict(received[task]),
                   "missing": max(0, n - sum(received[task].values()))}
            for task, n in sorted(sent.items())}
    # A tick sent just before the stack stopped may not have been taken yet.
    return {"jobs": jobs, "task_ids_received_twice": len(twice),
            "nodes_used": sorted({node for task in received.values() for node in task}),
            "once": not twice and all(job["missing"] <= 1 for job in jobs.values())}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def main() -> None:
    args = parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    sys.path.insert(0, str(ROOT))
    recreate_database(os.environ["DATABASE_URL"])
    flush_redis(os.environ["REDIS_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    print("migrating, collecting static files, seeding the demo community...")
    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    world = prepare_world(args.writers)

    log_dir = Path(os.environ.get("HEARTH_SOAK_LOGS", ROOT / ".soak-logs"))
    log_dir.mkdir(parents=True, exist_ok=True)
    processes = start_processes(args, log_dir)
    base = f"http://127.0.0.1:{args.port}"
    tally, stop = Tally(), threading.Event()
    clients = [Reader(world=world, base=base, tally=tally, stop=stop, think=args.think, seed=n)
               for n in range(args.readers)]
    writers = [Writer(world=world, member=member, base=base, tally=tally, stop=stop, think=args.think,
                      seed=1000 + n) for n, member in enumerate(world["members"])]
    duration = args.minutes * 60
    samples: list[tuple[float, dict[str, int]]] = []
    print(f"soaking for {args.minutes:g} min: {args.readers} readers, {args.writers} writers, "
          f"nginx before {args.workers} HTTP workers and a websocket server, "
          f"{len(WORKER_NODES)} Celery worker nodes, beat")
    started = time.monotonic()
    follower = threading.Thread(target=follow_new_topics, args=(world, stop), daemon=True)
    try:
        for client in [*clients, *writers]:
            client.start()
        follower.start()
        while (elapsed := time.monotonic() - started) < duration:
            samples.append((elapsed, sample_memory(processes)))
            print(f"  {elapsed / 60:5.1f} min  {sum(tally.statuses.values()):7d} requests  "
                  f"5xx {sum(n for s, n in tally.statuses.items() if s >= 500)}", flush=True)
            time.sleep(min(SAMPLE_EVERY, max(0.0, duration - elapsed)))
        stop.set()
        for client in [*clients, *writers]:
            client.join(timeout=REQUEST_TIMEOUT)
        samples.append((time.monotonic() - started, sample_memory(processes)))
        writes = check_writes(writers)
    finally:
        stop.set()
        stop_processes(processes)
    memory = memory_report(samples, warm_up_seconds=duration / 5)
    writes["periodic"] = check_periodic_jobs(log_dir)
    report = build_report(args, tally, writes, memory, time.monotonic() - started)
    write_report(report)


def build_report(args, tally: Tally, writes: dict, memory: dict, seconds: float) -> dict:
    total = sum(tally.statuses.values())
    errors_5xx = sum(n for status, n in tally.statuses.items() if status >= 500)
    lost = sum(kind["lost"] for name, kind in writes.items()
               if name not in ("outbox", "points", "periodic"))
    points = writes["points"]
    points_exact = (points["still_owed"] == 0 and points["recompute_drift_rows"] == 0
                    and points["ledger_points"] == points["total_points"])
    actions = {action: {"requests": sum(statuses.values()), "statuses": dict(statuses),
                        "p50_ms": round(percentile(tally.latencies[action], 0.5) * 1000, 1),
                        "p99_ms": round(percentile(tally.latencies[action], 0.99) * 1000, 1)}
               for action, statuses in sorted(tally.by_action.items())}
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "load_average_at_end": os.getloadavg()},
        "settings": {"minutes": args.minutes, "readers": args.readers, "writers": args.writers,
                     "http_workers": args.workers, "server": "nginx+sync",
                     "celery_worker_nodes": len(WORKER_NODES),
                     "think_seconds": args.think,
                     "sentiment": args.sentiment, "memory_growth_bound": MEMORY_GROWTH_BOUND},
        "requests": total, "requests_per_second": round(total / seconds, 1),
        "errors_5xx": errors_5xx, "transport_errors": dict(tally.transport_errors),
        "server_errors": tally.server_errors[:20], "actions": actions,
        "writes": writes, "lost_writes": lost, "memory": memory,
        "memory_stable": all(row["stable"] for row in memory.values()),
        "passed": errors_5xx == 0 and not tally.transport_errors and lost == 0
        and writes["outbox"]["still_owed"] == 0 and points_exact and writes["periodic"]["once"]
        and all(row["stable"] for row in memory.values()),
    }


def write_report(report: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    path = RESULTS / f"soak-{stamp}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\n{report['requests']} requests ({report['requests_per_second']}/s), "
          f"5xx: {report['errors_5xx']}, transport errors: {sum(report['transport_errors'].values())}, "
          f"lost writes: {report['lost_writes']}")
    for kind, row in report["writes"].items():
        print(f"  {kind:<9} {row}")
    for name, row in report["memory"].items():
        print(f"  {name:<22} warm {row['warm_mb']:7.1f} MB  last {row['last_mb']:7.1f} MB  "
              f"max {row['max_mb']:7.1f} MB  growth {row['growth_after_warm_up']:+.1%}")
    print(f"{'PASSED' if report['passed'] else 'FAILED'}; written: {path.relative_to(ROOT)}")
    sys.exit(0 if report["passed"] else 1)


if __name__ == "__main__":
    main()
