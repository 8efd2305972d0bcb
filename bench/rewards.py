"""Redemption benchmark on PostgreSQL: the stock race and redemption throughput.

    .venv/bin/python -m bench.rewards [--racers 50] [--stock 10] [--workers 4] [--seconds 10]

Recreates the database (``DATABASE_URL``, default hearth_bench_rewards) and migrates, then:

1. the race: ``--racers`` processes, each a different member with enough points, redeem one
   reward with stock ``--stock`` at the same moment; exactly ``--stock`` must succeed, the
   others be refused as out of stock, and no points be spent for a refusal;
2. throughput: ``--workers`` processes redeem a discount code (a pool of codes, one member per
   redemption round-robin) for ``--seconds``; the baseline is the same processes writing one
   ledger award per transaction (``wallet.award_points``) for the same time, so the ratio
   says what the redemption's locks, stock update and code pick cost over a bare ledger write.

Checks ``recompute_points`` finds no drift afterwards. Writes bench/results/rewards-<date>.json.
"""

import argparse
import datetime as dt
import json
import multiprocessing
import os
import secrets
import sys
import time
from pathlib import Path

from bench.badges import recreate_database, setup_django

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/hearth_bench_rewards"


def _setup(database_url: str) -> None:
    """Django on the bench database; the redemption emails are rendered and sent to memory
    (their cost counts, printing them to the terminal would not)."""
    setup_django(database_url)
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _race_one(args):
    database_url, member_id, reward_id, start_at = args
    _setup(database_url)
    from community.models import User
    from community.refusals import Refusal
    from rewards.services.redemption import Choice, redeem

    member = User.objects.get(pk=member_id)
    address = {"ship_name": "Bench Racer", "ship_address": "1 Kettle Lane",
               "ship_postcode": "12345", "ship_city": "Springfield", "ship_country": "France"}
    while time.time() < start_at:
        time.sleep(0.001)
    try:
        redeem(member=member, reward_id=reward_id, idempotency_key=secrets.token_urlsafe(12),
               choice=Choice(address=address))
        return "redeemed"
    except Refusal as refusal:
        return refusal.message


def _throughput(args):
    database_url, mode, member_ids, reward_id, seconds, worker = args
    _setup(database_url)
    from badges.services.wallet import award_points
    from community.models import User
    from rewards.services.redemption import redeem

    members = list(User.objects.filter(pk__in=member_ids))
    done, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        member = members[done % len(members)]
        if mode == "redeem":
            redeem(member=member, reward_id=reward_id, idempotency_key=secrets.token_urlsafe(12))
        else:
            award_points(user_id=member.pk, points=1, reason="bench_award",
                         source_label="community.user", source_id=worker * 10_000_000 + done)
        done += 1
    return done


def _members(n: int, points: int, prefix: str) -> list[int]:
    from badges.services.wallet import award_points
    from community.models import User

    users = User.objects.bulk_create(
        [User(username=f"{prefix}{i}", email=f"{prefix}{i}@example.com") for i in range(n)])
    for user in users:
        award_points(user_id=user.pk, points=points, reason="bench_grant",
                     source_label="community.user", source_id=user.pk)
    return [user.pk for user in users]


def run_race(database_url: str, racers: int, stock: int) -> dict:
    from rewards.models import Redemption, Reward

    member_ids = _members(racers, 1_000, "racer")
    reward = Reward.objects.create(title="Race gift", description="-", kind=Reward.Kind.GIFT,
                                   cost=100, stock=stock)
    start_at = time.time() + 2.0
    with multiprocessing.get_context("spawn").Pool(racers) as pool:
        outcomes = pool.map(_race_one, [(database_url, member_id, reward.pk, start_at)
                                        for member_id in member_ids])
    reward.refresh_from_db()
    redeemed = outcomes.count("redeemed")
    return {"racers": racers, "stock": stock, "redeemed": redeemed,
            "redemptions_stored": Redemption.objects.filter(reward=reward).count(),
            "stock_left": reward.stock,
            "refusals": sorted(set(o for o in outcomes if o != "redeemed")),
            "exact": redeemed == stock and reward.stock == 0}


def run_throughput(database_url: str, workers: int, seconds: int) -> dict:
    from rewards.models import CodePool, DiscountCode, Reward

    member_ids = _members(200, 10_000_000, "buyer")
    pool = CodePool.objects.create(name="Bench codes", prefix="BENCH")
    DiscountCode.objects.bulk_create(DiscountCode(pool=pool, code=f"BENCH-{i:07d}")
                                     for i in range(200_000))
    reward = Reward.objects.create(title="Bench code", description="-",
                                   kind=Reward.Kind.DISCOUNT_CODE, cost=10,
                                   discount=Reward.Discount.AMOUNT, value=5, code_pool=pool)
    chunks = [member_ids[i::workers] for i in range(workers)]
    figures = {}
    for mode in ("award", "redeem"):
        with multiprocessing.get_context("spawn").Pool(workers) as processes:
            counts = processes.map(_throughput, [(database_url, mode, chunk, reward.pk, seconds, i)
                                                 for i, chunk in enumerate(chunks)])
        figures[mode] = round(sum(counts) / seconds, 1)
    return {"workers": workers, "seconds": seconds,
            "baseline_awards_per_second": figures["award"],
            "redemptions_per_second": figures["redeem"],
            "ratio": round(figures["redeem"] / figures["award"], 3) if figures["award"] else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--racers", type=int, default=50)
    parser.add_argument("--stock", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not database_url.startswith("postgres"):
        sys.exit("bench.rewards needs PostgreSQL (DATABASE_URL)")
    os.environ["DATABASE_URL"] = database_url
    recreate_database(database_url)
    _setup(database_url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    race = run_race(database_url, args.racers, args.stock)
    throughput = run_throughput(database_url, args.workers, args.seconds)
    from badges.services.recompute import recompute_points

    connection.close()
    result = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "race": race,
              "throughput": throughput, "recompute_drift_rows": recompute_points()}
    print(json.dumps(result, indent=2))
    out = ROOT / "bench" / "results" / f"rewards-{dt.date.today().isoformat()}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    sys.exit(0 if race["exact"] and result["recompute_drift_rows"] == 0 else 1)


if __name__ == "__main__":
    main()
