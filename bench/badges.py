"""Points engine benchmark: 100,000 mixed synthetic events through the engine on PostgreSQL.

    .venv/bin/python -m bench.badges [--events 100000] [--members 5000] [--path inbox|direct]
                                     [--batch 500] [--workers 2]

Recreates the database (``DATABASE_URL``, default hearth_bench_badges), migrates, bulk-creates
members, then feeds the events to the engine (locks, duplicates, cap, badges, levels and
challenges for every event). ``--path inbox`` (the default) goes the way the site does: the
events are written to the engine's inbox as the receivers write them, and the clock runs
while ``badges.services.inbox.drain`` (one drainer, ``--batch`` events per transaction)
applies them. ``--path direct`` calls ``ledger.record_events`` from ``--workers`` processes
(``--batch 1`` makes each event its own transaction). Reports events per second, SQL
statements per event, and checks that ``recompute_points`` finds every total, rollup and
count equal to the ledger. Writes bench/results/badges-<date>.json.
"""

import argparse
import datetime as dt
import json
import multiprocessing
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/hearth_bench_badges"

# kind, weight; "unlike" withdraws an earlier like
MIX = [("like_received", 40), ("reply_created", 18), ("topic_created", 7),
       ("idea_support_received", 10), ("idea_supported", 5), ("review_written", 5),
       ("review_helpful", 5), ("answer_accepted", 3), ("flag_upheld", 1), ("idea_milestone", 1),
       ("idea_submitted", 1), ("unlike", 4)]


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.pop("REDIS_URL", None)
    # Worker processes are forked after the parent has connected: a pool opened in the
    # parent would hand its sockets to every child. One connection per process is all a
    # batch feeder needs.
    os.environ["HEARTH_DB_POOL_SIZE"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("HEARTH_LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def recreate_database(database_url: str) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def make_events(n: int, member_ids: list[int], seed: int = 6) -> list[tuple]:
    """(kind, user_id, source_id, actor_id, variant) tuples; a deterministic mix."""
    rng = random.Random(seed)
    kinds = [kind for kind, _ in MIX]
    weights = [weight for _, weight in MIX]
    posts = {}  # post id -> author
    likes = []
    events = []
    next_id = 1
    for _ in range(n):
        kind = rng.choices(kinds, weights)[0]
        user = rng.choice(member_ids)
        actor = rng.choice(member_ids)
        if kind in ("reply_created", "topic_created", "review_written", "idea_submitted",
                    "flag_upheld"):
            next_id += 1
            posts[next_id] = user
            events.append((kind, user, next_id, None, None))
        elif kind == "like_received" and posts:
            post = rng.randrange(max(2, next_id - 2000), next_id + 1)
            author = posts.get(post, user)
            events.append((kind, author, post, actor, None))
            likes.append((author, post, actor))
        elif kind == "unlike" and likes:
            author, post, actor = likes[rng.randrange(len(likes))]
            events.append(("unlike", author, post, actor, None))
        elif kind == "idea_milestone":
            events.append((kind, user, rng.randrange(1, 500), None, rng.choice([100, 1000])))
        elif kind in ("answer_accepted", "review_helpful", "idea_support_received",
                      "idea_supported"):
            events.append((kind, user, rng.randrange(1, 20_000), actor,
                           0 if kind == "idea_supported" else None))
        else:
            next_id += 1
            events.append(("reply_created", user, next_id, None, None))
    return events


def feed(events: list[tuple], batch: int) -> tuple[int, int]:
    """Feed ``events`` in batches; returns (events, SQL statements sent)."""
    from django.db import connection

    from badges.services.ledger import record_events

    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        for start in range(0, len(events), batch):
            record_events(events=[
                {"kind": "like_received", "source_id": source, "user_id": user, "variant": actor,
                 "reverse": True} if kind == "unlike" else
                {"kind": kind, "user_id": user, "source_id": source, "actor_id": actor,
                 "variant": variant}
                for kind, user, source, actor, variant in events[start:start + batch]
            ])
    connection.close()
    return len(events), statements


def as_inbox_rows(events: list[tuple]) -> list:
    """The events as the receivers put them in the engine's inbox, in order."""
    from badges.models import PendingEvent

    rows = []
    for kind, user, source, actor, variant in events:
        if kind == "unlike":
            rows.append(PendingEvent(op="reverse", args={
                "kind": "like_received", "source_id": source, "user_id": user, "variant": actor}))
        else:
            rows.append(PendingEvent(op="record", args={
                "kind": kind, "user_id": user, "source_id": source, "actor_id": actor,
                "variant": variant}))
    return rows


def drain_inbox(events: list[tuple], batch: int) -> tuple[int, int, float]:
    """Put the events in the inbox (as the receivers do), then time the drain that feeds them
    to the engine. Returns (events applied, SQL statements, seconds draining)."""
    from django.db import connection

    from badges.models import PendingEvent
    from badges.services import inbox

    PendingEvent.objects.bulk_create(as_inbox_rows(events), batch_size=5000)
    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        applied = inbox.drain(batch_size=batch, wait=True)
    return applied, statements, time.perf_counter() - started


def _worker(args):
    database_url, chunk, batch = args
    setup_django(database_url)
    return feed(chunk, batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=None,
                        help="events per transaction (default: the inbox's 500, direct: 100)")
    parser.add_argument("--path", choices=["inbox", "direct"], default="inbox",
                        help="inbox: through the engine's inbox and its single drainer, as the "
                             "site runs; direct: record_events batches from --workers processes")
    args = parser.parse_args()
    if args.batch is None:
        args.batch = 500 if args.path == "inbox" else 100
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not database_url.startswith("postgres"):
        sys.exit("bench.badges needs PostgreSQL (DATABASE_URL)")
    recreate_database(database_url)
    setup_django(database_url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from community.models import User

    User.objects.bulk_create(
        [User(username=f"bench{i}", email=f"bench{i}@example.com") for i in range(args.members)],
        batch_size=2000)
    member_ids = list(User.objects.values_list("pk", flat=True))
    events = make_events(args.events, member_ids)
    if args.path == "inbox":
        print(f"feeding {len(events):,} events for {len(member_ids):,} members through the "
              f"inbox (one drainer, batches of {args.batch})...", flush=True)
        fed, statements, elapsed = drain_inbox(events, args.batch)
        report(args, fed, statements, elapsed, len(member_ids))
        return
    connection.close()
    # Split by member so each worker keeps one member's events in order (as one queue would);
    # members' locks make any split safe.
    chunks = [[] for _ in range(args.workers)]
    for event in events:
        chunks[event[1] % args.workers].append(event)
    print(f"feeding {len(events):,} events for {len(member_ids):,} members "
          f"with {args.workers} worker process(es)...", flush=True)
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        fed_and_statements = pool.map(_worker, [(database_url, chunk, args.batch)
                                                for chunk in chunks])
    elapsed = time.perf_counter() - started
    fed = sum(events_fed for events_fed, _ in fed_and_statements)
    statements = sum(sent for _, sent in fed_and_statements)
    report(args, fed, statements, elapsed, len(member_ids))


def report(args, fed: int, statements: int, elapsed: float, members: int) -> None:
    from django.db.models import Sum

    from badges.models import BadgeGrant, PointsEntry, UserPoints
    from badges.services.recompute import recompute_points

    ledger_sum = PointsEntry.objects.aggregate(s=Sum("points"))["s"] or 0
    totals_sum = UserPoints.objects.aggregate(s=Sum("total"))["s"] or 0
    check_started = time.perf_counter()
    drift = recompute_points()
    check_seconds = time.perf_counter() - check_started
    result = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "events": fed, "members": members, "path": args.path,
        "workers": 1 if args.path == "inbox" else args.workers, "batch": args.batch,
        "seconds": round(elapsed, 2), "events_per_second": round(fed / elapsed),
        "statements_per_event": round(statements / fed, 2),
        "entries": PointsEntry.objects.count(), "badge_grants": BadgeGrant.objects.count(),
        "ledger_points": ledger_sum, "total_points": totals_sum,
        "recompute_drift_rows": drift, "recompute_seconds": round(check_seconds, 2),
    }
    print(json.dumps(result, indent=2))
    print("totals equal recompute_points exactly" if drift == 0 and ledger_sum == totals_sum
          else "MISMATCH between incremental totals and the ledger")
    out = ROOT / "bench" / "results" / f"badges-{dt.date.today().isoformat()}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    sys.exit(0 if drift == 0 and ledger_sum == totals_sum else 1)


if __name__ == "__main__":
    main()
