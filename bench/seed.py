"""Seeds a large community into the benchmark database through bulk inserts.

Each part records itself in a marker row when done, so a later run reuses what is there.
Parts are added as features land (forum, ideas, reviews, ledger).
"""

import time

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

USERS = 20_000
PRODUCTS = 200
BENCH_PASSWORD = "bench-password-1"  # noqa: S105 - a throwaway benchmark account


def _progress(label: str, done: int, total: int, started: float) -> None:
    rate = done / max(time.perf_counter() - started, 1e-6)
    print(f"\r  {label}: {done:,}/{total:,} ({rate:,.0f}/s)", end="", flush=True)
    if done >= total:
        print()


def _done(part: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_seed_parts (name text PRIMARY KEY, seeded_at timestamptz)"
        )
        cursor.execute("SELECT 1 FROM bench_seed_parts WHERE name = %s", [part])
        return cursor.fetchone() is not None


def _mark(part: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_seed_parts VALUES (%s, now()) ON CONFLICT DO NOTHING", [part])


def seed_users() -> None:
    from allauth.account.models import EmailAddress

    from community.models import User

    if _done("users"):
        return
    started = time.perf_counter()
    password = make_password(BENCH_PASSWORD)
    batch = 2000
    for start in range(0, USERS, batch):
        with transaction.atomic():
            users = User.objects.bulk_create(
                User(username=f"bench{n}", email=f"bench{n}@example.com", password=password,
                     display_name=f"Bench Member {n}")
                for n in range(start, min(start + batch, USERS))
            )
            EmailAddress.objects.bulk_create(
                EmailAddress(user=user, email=user.email, verified=True, primary=True)
                for user in users
            )
        _progress("users", min(start + batch, USERS), USERS, started)
    _mark("users")


def seed_products() -> None:
    from community.models import ProductCategory, ProductIndexPage, ProductPage
    from community.site_tree import ensure_site_tree

    if _done("products"):
        return
    ensure_site_tree()
    index = ProductIndexPage.objects.get()
    categories = [ProductCategory.objects.get_or_create(slug=f"bench-{n}", defaults={"name": f"Range {n}"})[0]
                  for n in range(10)]
    existing = ProductPage.objects.count()
    started = time.perf_counter()
    for n in range(existing, PRODUCTS):
        index.add_child(instance=ProductPage(
            title=f"Bench Product {n}", slug=f"bench-product-{n}", sku=f"BENCH-{n:05d}",
            category=categories[n % 10], summary="A product seeded for the benchmark.",
            description="<p>Seeded for the benchmark.</p>"))
        if (n + 1) % 20 == 0 or n + 1 == PRODUCTS:
            _progress("products", n + 1, PRODUCTS, started)
    _mark("products")


def seed() -> dict:
    from community.models import ProductPage

    print("seeding (reused between runs):")
    seed_users()
    seed_products()
    product = ProductPage.objects.order_by("pk").first()
    return {"product_url": product.url, "profile_username": "bench1", "login_username": "bench0"}
