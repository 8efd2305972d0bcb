"""Activity digest benchmark on PostgreSQL: send the digest to every seeded member, in batches.

    .venv/bin/python -m bench.digest [--members 20000] [--batch 500] [--keep]

Recreates the database (``DATABASE_URL``, default hearth_bench_digest) and migrates (``--keep``
reuses a database this command seeded with the same ``--members``), then seeds by PostgreSQL
COPY: ``--members`` members who agreed to marketing email and last logged in 40 days ago,
each with a topic in one of 10 categories that another member replied to two days ago, a
mention of them and some points; so every member is due a weekly digest with three sections
(replies, mentions, points) and the busy topics of their category.

Then runs ``outreach.services.run_digests`` (what ``manage.py send_digests`` runs) once, timed,
with Django's in-memory email backend (the outbox is emptied after each batch, as a mail
server takes the messages away), recording the process's resident memory after every batch
and its peak (``resource.getrusage``). Flat memory means the batch, not the run, bounds what
is held. Runs it a second time to check that no member gets the same digest twice. Writes
bench/results/digest-<date>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sys
import time
from pathlib import Path

from bench.badges import recreate_database, setup_django

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/hearth_bench_digest"
CATEGORIES = 10


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=500, help="members per batch")
    parser.add_argument("--keep", action="store_true",
                        help="reuse the seeded database when it holds --members members")
    return parser.parse_args()


def rss_mb() -> float:
    """The process's resident memory now, from /proc (Linux)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def seed(members: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from badges.models import UserPoints
    from bench.seed import copy_rows
    from community.markdown import render_markdown
    from community.models import Notification, User
    from forum.models import Category, Post, Topic
    from privacy.models import Consent
    from privacy.purposes import MARKETING_EMAIL, PURPOSES

    now = timezone.now()
    away = now - dt.timedelta(days=40)
    password = make_password("bench-password-1")
    version = PURPOSES[MARKETING_EMAIL].current_version
    body = "Has anyone tried descaling with citric acid? Mine is slow to boil."
    reply = "Citric acid works, then rinse twice and boil once with fresh water."
    with transaction.atomic():
        copy_rows(User, ["username", "email", "password", "display_name", "last_login", "date_joined",
                         "is_active", "is_staff", "is_superuser", "first_name", "last_name"],
                  ((f"digest{n}", f"digest{n}@example.com", password, f"Digest Member {n}", away,
                    away, True, False, False, "", "") for n in range(members)),
                  label="members", total=members)
        ids = [row[0] for row in User.objects.filter(username__startswith="digest")
               .order_by("pk").values_list("pk")]
        copy_rows(Consent, ["user_id", "purpose", "granted", "source", "wording_version", "recorded_at"],
                  ((pk, MARKETING_EMAIL, True, Consent.Source.SIGNUP, version, away) for pk in ids),
                  label="consents", total=members)
        categories = [Category.objects.create(name=f"Digest category {n}", slug=f"digest-{n}",
                                              sort_order=n) for n in range(CATEGORIES)]
        first_topic = Topic.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        first_topic += 1
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('forum_topic', 'id'), %s)",
                           [first_topic + members])
        created, replied = now - dt.timedelta(days=30), now - dt.timedelta(days=2)
        copy_rows(Topic, ["id", "category_id", "author_id", "title", "slug", "created_at", "is_pinned",
                          "is_locked", "is_hidden", "last_post_number", "reply_count", "like_count",
                          "last_post_at"],
                  ((first_topic + k, categories[k % CATEGORIES].pk, pk, f"Descaling question {k}",
                    f"descaling-question-{k}", created, False, False, False, 2, 1, 0, replied)
                   for k, pk in enumerate(ids)), label="topics", total=members)
        html, reply_html = render_markdown(body), render_markdown(reply)

        def posts():
            for k, pk in enumerate(ids):
                yield (first_topic + k, pk, 1, body, html, created, 0, 0, False, "")
                yield (first_topic + k, ids[(k + 1) % len(ids)], 2, reply, reply_html, replied, 0, 0,
                       False, "")

        copy_rows(Post, ["topic_id", "author_id", "post_number", "body", "body_html", "created_at",
                         "edit_count", "like_count", "is_hidden", "hidden_reason"], posts(),
                  label="posts", total=2 * members)
        copy_rows(Notification, ["recipient_id", "actor_id", "kind", "message", "url", "created_at"],
                  ((pk, ids[(k + 2) % len(ids)], "forum.mention",
                    f"Digest Member {(k + 2) % len(ids)} mentioned you in “Descaling question {k}”",
                    f"/forum/t/{first_topic + k}-descaling-question-{k}/", replied)
                   for k, pk in enumerate(ids)), label="mentions", total=members)
        copy_rows(UserPoints, ["user_id", "total", "spendable"],
                  ((pk, 15 + k % 400, 15 + k % 400) for k, pk in enumerate(ids)),
                  label="points", total=members)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    args = parse_args()
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not args.keep:
        recreate_database(database_url)
    setup_django(database_url)
    from django.conf import settings
    from django.core import mail
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.HEARTH_BASE_URL = "https://community.example"
    mail.outbox = []
    from community.models import User
    from outreach import services
    from outreach.models import OutreachEmail

    started = time.perf_counter()
    if not args.keep or User.objects.filter(username__startswith="digest").count() != args.members:
        if args.keep:
            print("--keep: the database does not hold this seed; seeding afresh")
            from django.db import connections
            connections.close_all()
            recreate_database(database_url)
        call_command("migrate", verbosity=0)
        print(f"migrated in {time.perf_counter() - started:.0f} s")
        seeded = time.perf_counter()
        seed(args.members)
        print(f"seeded {args.members:,} members in {time.perf_counter() - seeded:.0f} s")
    OutreachEmail.objects.filter(kind=OutreachEmail.Kind.DIGEST).delete()

    memory = []
    sent_in_outbox = 0

    def progress(done: int, total: int) -> None:
        nonlocal sent_in_outbox
        sent_in_outbox += len(mail.outbox)
        mail.outbox.clear()  # a mail server takes them away
        memory.append(round(rss_mb(), 1))
        elapsed = time.perf_counter() - t0
        print(f"\r{done:,}/{total:,} members, {sent_in_outbox:,} sent, {sent_in_outbox / elapsed:,.0f}/s, "
              f"RSS {memory[-1]:.0f} MB", end="", flush=True)

    rss_before = rss_mb()
    t0 = time.perf_counter()
    totals = services.run_digests(progress=progress, batch_size=args.batch)
    seconds = time.perf_counter() - t0
    print()
    again = services.run_digests(batch_size=args.batch)
    steady = memory[len(memory) // 4:] or memory
    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "members": args.members, "batch": args.batch, "totals": totals,
        "seconds": round(seconds, 1),
        "emails_per_second": round(totals["sent"] / seconds, 1) if seconds else 0,
        "emails_in_outbox": sent_in_outbox,
        "rss_mb_before": round(rss_before, 1),
        "rss_mb_after_each_batch": memory,
        "rss_mb_first_batch": memory[0] if memory else None,
        "rss_mb_last_batch": memory[-1] if memory else None,
        "rss_mb_steady_spread": round(max(steady) - min(steady), 1) if steady else None,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "second_run_sent": again["sent"], "second_run_already_sent": again["already_sent"],
        "load_average": list(os.getloadavg()),
    }
    print(json.dumps({k: v for k, v in report.items() if k != "rss_mb_after_each_batch"}, indent=2))
    ok = (totals["sent"] == args.members == sent_in_outbox and again["sent"] == 0)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"digest-{dt.date.today():%Y-%m-%d}.json").write_text(json.dumps(report, indent=2))
    if not ok:
        print("FAILED: every member should get exactly one digest, and the second run none",
              file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
