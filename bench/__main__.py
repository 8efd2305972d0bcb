"""`make bench`: seed a large community into PostgreSQL, serve Hearth as production runs it
(DEBUG off, nginx before gunicorn's sync workers as bin/run-stack starts it, Redis), drive each page
with wrk at 16 connections and print every page's throughput as a ratio to a bare baseline
view measured in the same run;
then concurrent writes, live fan-out across processes, the sentiment scorer, the points
engine and redemptions (the stock race and throughput). Results go to bench/results/<date>.json and .md.

    .venv/bin/python -m bench [--seconds 10] [--connections 16] [--workers 3]
                              [--only seed,pages,writes,fanout,sentiment,badges,rewards]
                              [--pages a,b]
"""

import argparse
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/hearth_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/5"
PARTS = ["seed", "pages", "writes", "fanout", "sentiment", "badges", "rewards"]
# Seconds of load before each measured run, not recorded (see measured_run).
WARM_UP_SECONDS = 2


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) + 1,
                        help="the HTTP server's sync workers (gunicorn.conf.py's default)")
    parser.add_argument("--port", type=int, default=8500,
                        help="the page server; fan-out uses the next port")
    parser.add_argument("--pages", default="", help="comma-separated page names to run")
    parser.add_argument("--only", default=",".join(PARTS),
                        help=f"comma-separated parts to run (of {', '.join(PARTS)}); seeding always "
                             "runs when anything needs the data, and is reused between runs")
    return parser.parse_args()


def prepare_environment() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    sys.path.insert(0, str(ROOT))
    create_database(os.environ["DATABASE_URL"])


def create_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def login_cookie(username: str) -> str:
    """A real signed-in session for ``username`` (what allauth's login stores), as a cookie."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore

    from community.models import User

    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def count_queries(path: str, cookie: str | None, *, page_cache: bool = False) -> tuple[int, int]:
    """(status, number of SQL queries) for one request, served in-process. Without
    ``page_cache`` the anonymous page cache is off: the count is what rendering the page
    costs; with it, what a visitor served from it costs."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    with override_settings(HEARTH_ANONYMOUS_PAGE_CACHE=page_cache):
        client = Client(HTTP_HOST="127.0.0.1")
        if cookie:
            name, value = cookie.split("=", 1)
            client.cookies[name] = value
        client.get(path)  # warm caches as the server's would be
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
    return response.status_code, len(queries)


def start_server(port: int, workers: int) -> dict[str, subprocess.Popen]:
    """The production stack (bench/server.py: nginx on ``port``, the HTTP server's ``workers``
    sync workers, the websocket server), its logs in the temporary directory."""
    from bench.server import start_stack

    ensure_port_free(port)
    log_dir = Path(tempfile.gettempdir()) / f"hearth-bench-{port}"
    print(f"  nginx on 127.0.0.1:{port} before gunicorn ({workers} sync workers; websockets: "
          f"1 uvicorn worker), logs: {log_dir}")
    return start_stack(port, workers, env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"},
                       log_dir=log_dir)


def ensure_port_free(port: int) -> None:
    """Refuse a port another server holds: nginx would fail to bind, and the bench would
    measure whatever answers there."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as nginx binds
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            raise SystemExit(f"127.0.0.1:{port} is in use ({exc.strerror}); pass --port") from exc


def stop_server(server: dict[str, subprocess.Popen]) -> None:
    from bench.server import stop_stack

    stop_stack(server)


def measured_run(url: str, args, cookie: str | None = None) -> dict:
    """One wrk run of ``url``, after an unrecorded warm-up on the same URL: the measured
    seconds then start with the page's templates and cache entries loaded and with the
    requests the previous run left in the server's hands (wrk stops, the server finishes
    them) already served."""
    from bench import wrk

    wrk.run(url, connections=args.connections, seconds=WARM_UP_SECONDS, cookie=cookie)
    return wrk.run(url, connections=args.connections, seconds=args.seconds, cookie=cookie)


def measure_pages(base: str, data: dict, cookies: dict, args) -> tuple[dict, list[dict]]:
    from bench.pages import PAGES, target_p99_ms

    wanted = {name.strip() for name in args.pages.split(",") if name.strip()}
    # A name with a comma ("topic first, its author") arrives split at it: all its parts.
    pages = [page for page in PAGES if not wanted or page.name in wanted
             or {part.strip() for part in page.name.split(",")} <= wanted]
    print(f"pages: {args.connections} connections, {args.seconds} s per run, "
          f"{args.workers} server processes")
    baseline = measured_run(base + "/bench/baseline", args)
    print(f"  baseline: {baseline['rps']:.0f} req/s, p99 {baseline['p99_ms']:.1f} ms")
    rows = []
    for page in pages:
        path = page.path(data)
        for logged_in in ((True,) if page.members_only else (False, True)):
            cookie = cookies[page.reader] if logged_in else None
            status, queries = count_queries(path, cookie)
            result = measured_run(base + path, args, cookie=cookie)
            target = page.target_logged_in if logged_in else page.target_anonymous
            cached_queries = count_queries(path, cookie, page_cache=True)[1]
            row = {"page": page.name, "path": path, "logged_in": logged_in, "status": status,
                   "queries": queries, "queries_from_page_cache": cached_queries, **result,
                   "ratio": round(result["rps"] / baseline["rps"], 3), "target_ratio": target,
                   "baseline_rps": baseline["rps"],
                   "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                   "target_p99_ms": target_p99_ms(page, logged_in=logged_in) if target else None}
            rows.append(row)
            print(f"  {page.name:<13} {'member' if logged_in else 'anon':<6} "
                  f"{row['rps']:8.0f} req/s  ratio {row['ratio']:.3f}  p50 {row['p50_ms']:.1f} ms  "
                  f"p99 {row['p99_ms']:.1f} ms  {queries} queries  errors {row['errors']}")
    return baseline, rows


def run_writes(port: int, data: dict, args) -> dict:
    from bench import writes, wrk

    print("writes:")
    supports = writes.concurrent_supports(port, login_cookie)
    topic_page = f"http://127.0.0.1:{port}{data['big_topic_url']}"
    replies = writes.replies_under_load(
        port, login_cookie, seconds=args.seconds,
        load=lambda: wrk.run(topic_page, connections=args.connections, seconds=args.seconds))
    return {"supports": supports, "replies": replies}


def run_fanout(args) -> dict:
    from bench import fanout

    # Replies are posted to the HTTP server and heard on the websocket server: separate
    # processes, sharing only Redis (the channel layer).
    print("live fan-out (HTTP and websocket servers in separate processes, sharing Redis):")
    server = start_server(args.port + 1, 1)
    try:
        return fanout.run(args.port + 1, args.port + 1, login_cookie)
    finally:
        stop_server(server)


def run_module(module: str, result_file: str) -> dict | None:
    """Run another benchmark of bench/ in its own process (each sets up its own database and
    settings) and read the JSON it writes."""
    print(f"{module}:")
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    completed = subprocess.run([sys.executable, "-m", module], cwd=ROOT, env=env, check=False)
    path = RESULTS / result_file
    if completed.returncode != 0 or not path.exists():
        print(f"  {module} failed (exit {completed.returncode})")
        return None
    return json.loads(path.read_text())


def last_result(pattern: str, **run_as: object) -> dict | None:
    """The latest saved result (by the date it records) of a part not run this time, marked as
    reused. ``run_as`` keeps only results of the run ``make bench`` makes: results saved from
    comparison runs (another path, other options) sit beside them under longer names, and the
    latest of those is not the part's figure."""
    results = [json.loads(path.read_text()) for path in RESULTS.glob(pattern)]
    results = [result for result in results
               if all(result.get(key) == value for key, value in run_as.items())]
    if not results:
        return None
    latest = max(results, key=lambda result: str(result.get("date", "")))
    return {**latest, "reused": True}


def load_average() -> list[float]:
    return [round(n, 2) for n in os.getloadavg()]


def main() -> None:
    args = parse_args()
    parts = {part.strip() for part in args.only.split(",") if part.strip()}
    unknown = parts - set(PARTS)
    if unknown:
        raise SystemExit(f"unknown parts: {', '.join(sorted(unknown))} (known: {', '.join(PARTS)})")
    prepare_environment()
    import django

    django.setup()
    from django.core.management import call_command

    from bench import seed

    report = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
              "machine": {"cores": os.cpu_count(), "load_average_before": load_average()},
              "settings": {"seconds": args.seconds, "connections": args.connections,
                           "workers": args.workers, "server": "nginx+sync"}}
    needs_data = parts & {"seed", "pages", "writes", "fanout"}
    if needs_data:
        print("migrating and collecting static files...")
        call_command("migrate", verbosity=0)
        call_command("collectstatic", verbosity=0, interactive=False)
        data = seed.seed()
        from django.core.cache import cache

        # The seed's COPY statements bump no object's version: forget what an earlier run
        # cached (pages, fragments, versions) so no page of the old data is served.
        cache.clear()
        report["seed"] = seed.sizes()
    if parts & {"pages", "writes"}:
        server = start_server(args.port, args.workers)
        try:
            if "pages" in parts:
                cookies = {"reader": login_cookie(data["login_username"]),
                           "author": login_cookie(data["author_username"]),
                           "supporter": login_cookie(data["supporter_username"]),
                           "reviewer": login_cookie(data["reviewer_username"]),
                           "liker": login_cookie(data["liker_username"]),
                           "replier": login_cookie(data["replier_username"]),
                           "manager": login_cookie(data["manager_username"])}
                print(f"  signed in as {data['login_username']} (a reader), and as "
                      f"{data['author_username']} (the topic's author), {data['liker_username']} "
                      f"(liked on its first page), {data['replier_username']} (replied there), "
                      f"{data['supporter_username']} (a supporter of the idea) and "
                      f"{data['reviewer_username']} (a reviewer of the product) where marked")
                report["baseline"], report["pages"] = measure_pages(
                    f"http://127.0.0.1:{args.port}", data, cookies, args)
                report["signed_in_as"] = {name: data[f"{name}_username"] if name != "reader"
                                          else data["login_username"] for name in cookies}
            if "writes" in parts:
                report["writes"] = run_writes(args.port, data, args)
        finally:
            stop_server(server)
    if "fanout" in parts:
        report["fanout"] = run_fanout(args)
    report["sentiment"] = (run_module("bench.sentiment", "sentiment.json") if "sentiment" in parts
                           else last_result("sentiment.json"))
    report["badges"] = (run_module("bench.badges", f"badges-{dt.date.today().isoformat()}.json")
                        if "badges" in parts else last_result("badges-*.json", path="inbox"))
    report["rewards"] = (run_module("bench.rewards", f"rewards-{dt.date.today().isoformat()}.json")
                         if "rewards" in parts else last_result("rewards-*.json"))
    report["machine"]["load_average_after"] = load_average()
    write_results(report)


def write_results(report: dict) -> None:
    from bench.summary import markdown

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    path = RESULTS / f"{stamp}.json"
    # A run of some parts (--only) keeps the same day's figures of the other parts.
    if path.exists():
        earlier = json.loads(path.read_text())
        if "pages" in report and "pages" in earlier:
            # A run of some pages (--pages) replaces those rows only; each row keeps the
            # baseline of its own run.
            measured = {(row["page"], row["logged_in"]) for row in report["pages"]}
            report["pages"] = [row for row in earlier["pages"]
                               if (row["page"], row["logged_in"]) not in measured] + report["pages"]
        report = {**earlier, **report}
    path.write_text(json.dumps(report, indent=2) + "\n")
    text = markdown(report)
    (RESULTS / f"{stamp}.md").write_text(text)
    print("\n" + text)
    print(f"written: bench/results/{stamp}.json and .md")


if __name__ == "__main__":
    main()
