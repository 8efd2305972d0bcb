"""`make bench`: seed a large community into PostgreSQL, serve Hearth as production runs it
(DEBUG off, several Daphne processes, Redis), drive each page with wrk at 16 connections and
print every page's throughput as a ratio to a bare baseline view measured in the same run.

    .venv/bin/python -m bench [--seconds 10] [--connections 16] [--workers 2] [--pages a,b]
"""

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/hearth_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/5"


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="ASGI server processes")
    parser.add_argument("--port", type=int, default=8300)
    parser.add_argument("--pages", default="", help="comma-separated page names to run")
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


def count_queries(path: str, cookie: str | None) -> tuple[int, int]:
    """(status, number of SQL queries) for one request, served in-process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    if cookie:
        name, value = cookie.split("=", 1)
        client.cookies[name] = value
    client.get(path)  # warm caches as the server's would be
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response.status_code, len(queries)


def start_server(port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port), "--workers", str(workers),
         "--no-scheduler", "-v", "0"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/baseline", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("the benchmark server did not start")


def main() -> None:
    args = parse_args()
    prepare_environment()
    import django

    django.setup()
    from django.core.management import call_command

    from bench import seed, wrk
    from bench.pages import PAGES

    print("migrating and collecting static files...")
    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    data = seed.seed()
    cookie = login_cookie(data["login_username"])
    wanted = {name.strip() for name in args.pages.split(",") if name.strip()}
    pages = [page for page in PAGES if not wanted or page.name in wanted]

    server = start_server(args.port, args.workers)
    base = f"http://127.0.0.1:{args.port}"
    rows = []
    try:
        print(f"measuring: {args.connections} connections, {args.seconds} s per run, "
              f"{args.workers} server processes")
        baseline = wrk.run(base + "/bench/baseline", connections=args.connections, seconds=args.seconds)
        print(f"  baseline: {baseline['rps']:.0f} req/s")
        for page in pages:
            path = page.path(data)
            for logged_in in (False, True):
                status, queries = count_queries(path, cookie if logged_in else None)
                result = wrk.run(base + path, connections=args.connections, seconds=args.seconds,
                                 cookie=cookie if logged_in else None)
                target = page.target_logged_in if logged_in else page.target_anonymous
                row = {"page": page.name, "path": path, "logged_in": logged_in, "status": status,
                       "queries": queries, **result,
                       "ratio": round(result["rps"] / baseline["rps"], 3), "target_ratio": target}
                rows.append(row)
                print(f"  {page.name:<16} {'member' if logged_in else 'anon':<6} "
                      f"{row['rps']:8.0f} req/s  ratio {row['ratio']:.3f}  p50 {row['p50_ms']:.1f} ms  "
                      f"p99 {row['p99_ms']:.1f} ms  {queries} queries  errors {row['errors']}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    write_results(baseline, rows, args)


def write_results(baseline: dict, rows: list[dict], args) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    report = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
              "machine": {"cores": os.cpu_count()},
              "settings": {"seconds": args.seconds, "connections": args.connections,
                           "workers": args.workers},
              "baseline": baseline, "pages": rows}
    (RESULTS / f"{stamp}.json").write_text(json.dumps(report, indent=2))
    lines = [f"Baseline (bare view, same stack): {baseline['rps']:.0f} req/s, "
             f"p99 {baseline['p99_ms']:.1f} ms. {args.workers} Daphne processes, "
             f"{args.connections} connections, {args.seconds} s per run.", "",
             "| page | who | req/s | ratio | target | p50 ms | p99 ms | queries | errors |",
             "|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        target = f">= {row['target_ratio']}" if row["target_ratio"] else ""
        lines.append(f"| {row['page']} | {'member' if row['logged_in'] else 'anonymous'} | "
                     f"{row['rps']:.0f} | {row['ratio']:.3f} | {target} | {row['p50_ms']:.1f} | "
                     f"{row['p99_ms']:.1f} | {row['queries']} | {row['errors']} |")
    (RESULTS / f"{stamp}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"\nwritten: bench/results/{stamp}.json and .md")


if __name__ == "__main__":
    main()
