"""Seeds a large community into the benchmark database through bulk inserts.

Sizes are the benchmarks issue's: 20,000 members, 10 categories, 5,000 topics with 60,000
posts (one topic of 1,000 posts), 5,000 ideas with 300,000 supports, 200 products with
50,000 reviews, 285,000 likes and 1,000,000 ledger entries that match that content.

Rows go in with PostgreSQL COPY (``copy_rows``), in batches that print progress. Each part
records itself in ``bench_seed_parts`` when its transaction commits, so a later run reuses
what is there and an interrupted run resumes at the first missing part. Denormalised
counters are then rebuilt by the project's own recomputers (``recompute_counts``), which
also prove the ledger caches equal a full recompute.
"""

import datetime as dt
import time
from collections.abc import Iterable

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

USERS = 20_000
CATEGORIES = 10
TOPICS = 5_000
POSTS = 60_000
BIG_TOPIC_POSTS = 1_000
IDEAS = 5_000
SUPPORTS = 300_000
HOT_IDEA_SUPPORTS = 5_000
PRODUCTS = 200
REVIEWS = 50_000
LIKES = 285_000
LEDGER = 1_000_000
BENCH_PASSWORD = "bench-password-1"  # noqa: S105 - a throwaway benchmark account
BATCH = 50_000

BODIES = [
    "Has anyone found a way to keep the **battery** going through a full day? Mine drops to "
    "20% by lunch since the last update.",
    "Try turning off the always-on display and background sync; that gave me about *three* "
    "more hours.\n\n- Settings > Display\n- Settings > Accounts > Sync",
    "Same here. The support team told me a fix is coming in the next firmware release.",
    "Thanks, that worked! Marking this as solved for anyone who finds it later.",
    "I had the opposite experience: after a factory reset the problem came back within a week.",
]
REVIEW_TEXTS = [
    (5, "Exactly what I needed", "Set up in minutes and it has worked flawlessly for a month."),
    (4, "Very good, small quirks", "Great sound and build. The app is a bit slow to connect."),
    (2, "Disappointed", "Looked great but the hinge cracked within two weeks of normal use."),
    (1, "Stopped working", "Died after ten days and support never answered my emails."),
    (3, "Does the job", "Fine for the price, nothing special. Battery could be better."),
]


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


def copy_rows(model, columns: list[str], rows: Iterable[tuple], *, label: str, total: int) -> None:
    """COPY ``rows`` (tuples in the order of ``columns``, the model's column names) into the
    model's table. Columns left out take the field's default, so a field added later with a
    default does not break the seeding (text fields get ""); nullable fields stay NULL."""
    extra_columns, extra_values = [], []
    for field in model._meta.concrete_fields:
        if field.column in columns or field.primary_key:
            continue
        if field.has_default() or (not field.null and field.empty_strings_allowed):
            extra_columns.append(field.column)
            extra_values.append(field.get_db_prep_save(field.get_default(), connection))
        elif not field.null:
            raise ValueError(f"{model.__name__}.{field.name} needs a value in the seed")
    names = ", ".join(f'"{c}"' for c in columns + extra_columns)
    started = time.perf_counter()
    done = 0
    raw = connection.cursor().cursor  # the psycopg cursor under Django's wrapper
    with raw.copy(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN') as copy:  # noqa: S608
        for row in rows:
            copy.write_row((*row, *extra_values))
            done += 1
            if done % BATCH == 0:
                _progress(label, done, total, started)
    if done % BATCH:
        _progress(label, done, total, started)


def _ids(sql: str, params=()) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _user_ids() -> list[int]:
    return _ids("SELECT id FROM community_user WHERE username LIKE 'bench%%' ORDER BY id")


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
    existing = ProductPage.objects.filter(slug__startswith="bench-product-").count()
    started = time.perf_counter()
    for n in range(existing, PRODUCTS):
        index.add_child(instance=ProductPage(
            title=f"Bench Product {n}", slug=f"bench-product-{n}", sku=f"BENCH-{n:05d}",
            category=categories[n % 10], summary="A product seeded for the benchmark.",
            description="<p>Seeded for the benchmark.</p>"))
        if (n + 1) % 20 == 0 or n + 1 == PRODUCTS:
            _progress("products", n + 1, PRODUCTS, started)
    _mark("products")


def _posts_per_topic() -> list[int]:
    """The big topic first, then the other 59,000 posts spread as evenly as they go."""
    rest, extra = divmod(POSTS - BIG_TOPIC_POSTS, TOPICS - 1)
    return [BIG_TOPIC_POSTS] + [rest + (1 if k < extra else 0) for k in range(TOPICS - 1)]


def seed_forum() -> None:
    from community.markdown import render_markdown
    from forum.models import Category, Post, Topic

    if _done("forum"):
        return
    users = _user_ids()
    rendered = [render_markdown(body) for body in BODIES]
    now = timezone.now()
    with transaction.atomic():
        categories = [Category.objects.get_or_create(
            slug=f"bench-{n}", defaults={"name": f"Bench category {n}", "sort_order": 100 + n,
                                         "description": "Seeded for the benchmark."})[0]
                      for n in range(CATEGORIES)]
        sizes = _posts_per_topic()
        first_topic = _ids("SELECT coalesce(max(id), 0) + 1 FROM forum_topic")[0]
        _ids("SELECT setval(pg_get_serial_sequence('forum_topic', 'id'), %s)", [first_topic + TOPICS])

        def topic_rows():
            for k, size in enumerate(sizes):
                created = now - dt.timedelta(days=60) + dt.timedelta(minutes=17 * k)
                author = users[(k * 37) % USERS]
                title = "Battery life after the update" if k == 0 else f"Bench question {k} about setup"
                yield (first_topic + k, categories[k % CATEGORIES].pk, author, title,
                       title.lower().replace(" ", "-")[:80], created, False, False, False,
                       size, size - 1, 0, created + dt.timedelta(minutes=size))

        copy_rows(Topic, ["id", "category_id", "author_id", "title", "slug", "created_at", "is_pinned",
                          "is_locked", "is_hidden", "last_post_number", "reply_count", "like_count",
                          "last_post_at"], topic_rows(), label="topics", total=TOPICS)

        def post_rows():
            n = 0
            for k, size in enumerate(sizes):
                created = now - dt.timedelta(days=60) + dt.timedelta(minutes=17 * k)
                for number in range(1, size + 1):
                    body = BODIES[n % len(BODIES)]
                    yield (first_topic + k, users[(k * 37 + number * 101) % USERS], number, body,
                           rendered[n % len(BODIES)], created + dt.timedelta(minutes=number), 0, 0,
                           False, "")
                    n += 1

        copy_rows(Post, ["topic_id", "author_id", "post_number", "body", "body_html", "created_at",
                         "edit_count", "like_count", "is_hidden", "hidden_reason"], post_rows(),
                  label="posts", total=POSTS)
        _mark("forum")


def seed_likes() -> None:
    """285,000 likes spread over every post, none by the post's author."""
    from forum.models import Like

    if _done("likes"):
        return
    users = _user_ids()
    index_of = {user_id: n for n, user_id in enumerate(users)}
    with connection.cursor() as cursor:
        cursor.execute("SELECT p.id, p.author_id FROM forum_post p JOIN forum_topic t ON t.id = p.topic_id "
                       "WHERE t.slug LIKE 'bench-%%' OR t.title LIKE 'Battery life%%' ORDER BY p.id")
        posts = cursor.fetchall()
    now = timezone.now()

    def rows():
        for n in range(LIKES):
            post_id, author_id = posts[n % len(posts)]
            liker = users[(index_of[author_id] + 1 + n // len(posts)) % USERS]
            yield post_id, liker, now - dt.timedelta(minutes=n % 20_000)

    with transaction.atomic():
        copy_rows(Like, ["post_id", "user_id", "created_at"], rows(), label="likes", total=LIKES)
        _mark("likes")


def _supports_per_idea() -> list[int]:
    rest, extra = divmod(SUPPORTS - HOT_IDEA_SUPPORTS, IDEAS - 1)
    return [HOT_IDEA_SUPPORTS] + [rest + (1 if k < extra else 0) for k in range(IDEAS - 1)]


def seed_ideas() -> None:
    from community.markdown import render_markdown
    from ideas.models import Idea, Milestone, MilestoneReached, Status, Support

    if _done("ideas"):
        return
    users = _user_ids()
    ladder = list(Milestone.objects.order_by("supporters"))
    description = ("It would help a lot if the app could **export** my settings to a file, so a new "
                   "device can be set up in one step.")
    description_html = render_markdown(description)
    now = timezone.now()
    sizes = _supports_per_idea()
    with transaction.atomic():
        first_idea = _ids("SELECT coalesce(max(id), 0) + 1 FROM ideas_idea")[0]
        _ids("SELECT setval(pg_get_serial_sequence('ideas_idea', 'id'), %s)", [first_idea + IDEAS])

        def next_milestone(count: int):
            return next((m for m in ladder if m.supporters > count), ladder[-1])

        def idea_rows():
            for k, size in enumerate(sizes):
                published = now - dt.timedelta(days=20, minutes=-5 * k)
                title = "Export and import settings" if k == 0 else f"Bench idea {k}: a setting to sync"
                yield (first_idea + k, users[k], title, Idea.slug_for(title), description,
                       description_html, Status.GATHERING_SUPPORT.value, published, published,
                       published, published + dt.timedelta(days=300), next_milestone(size).pk, size, 0)

        copy_rows(Idea, ["id", "creator_id", "title", "slug", "description", "description_html",
                         "status", "created_at", "published_at", "status_changed_at", "deadline",
                         "next_milestone_id", "support_count", "comment_count"], idea_rows(),
                  label="ideas", total=IDEAS)
        MilestoneReached.objects.bulk_create(
            MilestoneReached(idea_id=first_idea, supporters=m.supporters, reached_at=now)
            for m in ladder if m.supporters <= sizes[0])

        def support_rows():
            for k, size in enumerate(sizes):
                for j in range(size):
                    yield (first_idea + k, users[(k + 1 + j) % USERS],
                           now - dt.timedelta(minutes=(k * 7 + j) % 40_000))

        copy_rows(Support, ["idea_id", "user_id", "created_at"], support_rows(), label="supports",
                  total=SUPPORTS)
        _mark("ideas")


def seed_reviews() -> None:
    from community.models import ProductPage
    from reviews.models import Review

    if _done("reviews"):
        return
    users = _user_ids()
    products = list(ProductPage.objects.filter(slug__startswith="bench-product-").order_by("pk")
                    .values_list("pk", flat=True))
    per_product = REVIEWS // len(products)
    now = timezone.now()

    def rows():
        for p, product_id in enumerate(products):
            for j in range(per_product):
                rating, title, body = REVIEW_TEXTS[(p + j) % len(REVIEW_TEXTS)]
                written = now - dt.timedelta(minutes=p * 300 + j * 7)
                yield (product_id, users[(p * 97 + j) % USERS], rating, title, body, j % 3 == 0,
                       written, "scored", 0.9 if rating <= 2 else 0.1, "lexicon", written, rating <= 2)

    with transaction.atomic():
        copy_rows(Review, ["product_id", "author_id", "rating", "title", "body", "verified_owner",
                           "created_at", "sentiment", "p_negative", "sentiment_backend", "scored_at",
                           "flagged_negative"], rows(), label="reviews", total=REVIEWS)
        _mark("reviews")


def seed_ledger() -> None:
    """1,000,000 ledger entries, each for a real row (topic, reply, like, idea, support,
    review), then the caches the engine keeps (totals, period rollups, event counts, per-source
    tallies) computed in SQL; ``recompute_counts`` checks them against the ledger afterwards."""
    from badges import kinds
    from badges.models import PointRule, PointsEntry

    if _done("ledger"):
        return
    rules = {rule.key: rule for rule in PointRule.objects.all()}
    content_type = {kind: kinds.content_type_for(label).pk for kind, label in kinds.SOURCES.items()}
    now = timezone.now()
    # (kind, SQL giving user_id, source_id, variant) for each event of the seeded content.
    sources = [
        (kinds.TOPIC_CREATED, "SELECT author_id, id, 0 FROM forum_topic"),
        (kinds.REPLY_CREATED, "SELECT author_id, id, 0 FROM forum_post WHERE post_number > 1"),
        (kinds.LIKE_RECEIVED, "SELECT p.author_id, p.id, l.user_id FROM forum_like l "
                              "JOIN forum_post p ON p.id = l.post_id"),
        (kinds.IDEA_SUBMITTED, "SELECT creator_id, id, 0 FROM ideas_idea"),
        (kinds.IDEA_SUPPORTED, "SELECT user_id, idea_id, 0 FROM ideas_support"),
        (kinds.IDEA_SUPPORT_RECEIVED, "SELECT i.creator_id, i.id, s.user_id FROM ideas_support s "
                                      "JOIN ideas_idea i ON i.id = s.idea_id"),
        (kinds.REVIEW_WRITTEN, "SELECT author_id, id, 0 FROM reviews_review"),
    ]

    # Read every event before the COPY starts: the connection is busy while it runs.
    events = []
    for kind, sql in sources:
        with connection.cursor() as cursor:
            cursor.execute(sql + f" ORDER BY 2, 3 LIMIT {LEDGER - len(events)}")  # noqa: S608
            events.extend((kind, *row) for row in cursor.fetchall())
    print(f"  ledger events read: {len(events):,}")

    def rows():
        for n, (kind, user_id, source_id, variant) in enumerate(events):
            rule = rules.get(kind)
            points = rule.points if rule and rule.active else 0
            # Fourteen days of history, so today's, this week's and this month's boards all
            # have entries.
            created = now - dt.timedelta(minutes=(n * 13) % (14 * 24 * 60))
            yield (user_id, points, kind, content_type[kind], source_id, variant, created,
                   rule.counts_toward_cap if rule else True, points)

    with transaction.atomic():
        copy_rows(PointsEntry, ["user_id", "points", "reason", "source_type_id", "source_id", "variant",
                                "created_at", "counts_toward_cap", "rule_points"], rows(),
                  label="ledger entries", total=LEDGER)
        _fill_ledger_caches()
        _mark("ledger")


def _fill_ledger_caches() -> None:
    """The caches ``badges.services.recompute`` rebuilds, computed in SQL (the seed has no
    reversals, so every count is a plain count)."""
    from badges import kinds

    tallied = list(kinds.TALLIED)
    statements = [
        # Every seeded entry is an earning: the spendable balance equals the lifetime total.
        "INSERT INTO badges_userpoints (user_id, total, spendable) SELECT user_id, sum(points), "
        "sum(points) FROM badges_pointsentry GROUP BY user_id ON CONFLICT (user_id) DO UPDATE "
        "SET total = excluded.total, spendable = excluded.spendable",
        "CREATE TEMP TABLE bench_days ON COMMIT DROP AS SELECT user_id, "
        "(created_at AT TIME ZONE 'UTC')::date AS day, sum(points) AS points, "
        "sum(CASE WHEN counts_toward_cap AND points > 0 THEN points ELSE 0 END) AS capped "
        "FROM badges_pointsentry GROUP BY 1, 2",
        "INSERT INTO badges_pointsperiod (user_id, kind, start, points, capped_points) "
        "SELECT user_id, 'day', day, points, capped FROM bench_days",
        "INSERT INTO badges_pointsperiod (user_id, kind, start, points, capped_points) "
        "SELECT user_id, 'week', day - (extract(isodow FROM day)::int - 1), sum(points), 0 FROM bench_days "
        "GROUP BY 1, 3",
        "INSERT INTO badges_pointsperiod (user_id, kind, start, points, capped_points) "
        "SELECT user_id, 'month', date_trunc('month', day)::date, sum(points), 0 FROM bench_days "
        "GROUP BY 1, 3",
        "INSERT INTO badges_eventcount (user_id, kind, count) SELECT user_id, reason, count(*) "
        "FROM badges_pointsentry GROUP BY 1, 2",
    ]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
        cursor.execute(
            "INSERT INTO badges_sourcetally (user_id, kind, source_type_id, source_id, count) "
            "SELECT min(user_id), reason, source_type_id, source_id, count(*) FROM badges_pointsentry "
            "WHERE reason = ANY(%s) GROUP BY 2, 3, 4", [tallied])
    print("  ledger caches: totals, periods, event counts and tallies filled")


def analyze() -> None:
    """Give PostgreSQL's planner statistics of the loaded tables, as autovacuum does on a
    running site. Until autovacuum gets to them (it may not during a run), every table
    loaded by COPY is planned as nearly empty: the signed-in idea list then joined all 5,000
    ideas before sorting (19 ms) instead of reading the top 20 from the trending index
    (0.5 ms). Cheap (seconds), so it runs every time."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  statistics: ANALYZE in {time.perf_counter() - started:.1f} s")


def recompute_counters() -> dict:
    """Rebuild every denormalised counter from rows with the project's recomputers; returns
    how many rows each one found drifted (the ledger's must be 0)."""
    from community.counters import all_recomputers

    if _done("counters"):
        return {}
    results = {}
    for name, recompute in all_recomputers():
        started = time.perf_counter()
        results[name] = recompute()
        print(f"  recomputed {name}: {results[name]} row(s) corrected in "
              f"{time.perf_counter() - started:.1f} s")
    from ideas.services.lifecycle import refresh_trending

    refresh_trending()
    _mark("counters")
    return results


def seed() -> dict:
    from community.models import ProductPage
    from forum.models import Topic
    from ideas.models import Idea

    print("seeding (reused between runs):")
    seed_users()
    seed_products()
    seed_forum()
    seed_likes()
    seed_ideas()
    seed_reviews()
    seed_ledger()
    recompute_counters()
    analyze()
    product = ProductPage.objects.filter(slug="bench-product-0").get()
    big_topic = Topic.objects.get(title="Battery life after the update",
                                  last_post_number__gte=BIG_TOPIC_POSTS)
    idea = Idea.objects.get(title="Export and import settings")
    return {
        "product_url": product.url,
        "profile_username": "bench1",
        "login_username": quiet_reader(topic_id=big_topic.pk, idea_id=idea.pk, product_id=product.pk),
        "author_username": "bench0",
        "supporter_username": recent_supporter(idea_id=idea.pk),
        "reviewer_username": top_reviewer(product_id=product.pk),
        "liker_username": page_liker(topic_id=big_topic.pk),
        "replier_username": page_replier(topic_id=big_topic.pk),
        "category_slug": big_topic.category.slug,
        "big_topic_url": big_topic.get_absolute_url(),
        "big_topic_id": big_topic.pk,
        "big_topic_pages": big_topic.page_count,
        "idea_url": idea.get_absolute_url(),
        "manager_username": community_manager(),
    }


def community_manager() -> str:
    """A community manager for the staff pages (made once; the seed's members are customers)."""
    from django.contrib.auth.models import Group

    from community.models import User
    from community.roles import COMMUNITY_MANAGERS

    manager, _ = User.objects.get_or_create(username="bench-manager",
                                            defaults={"email": "bench-manager@bench.example"})
    manager.groups.add(Group.objects.get(name=COMMUNITY_MANAGERS))
    return manager.username


def recent_supporter(*, idea_id: int) -> str:
    """A member shown among the idea's recent supporters (its latest): their page shows
    "You support this idea"."""
    from ideas.models import Support

    return (Support.objects.filter(idea_id=idea_id).order_by("-created_at", "-pk")
            .values_list("user__username", flat=True).first())


def top_reviewer(*, product_id: int) -> str:
    """The author of the product page's first review (most helpful first): their page shows
    their own review without a helpful button, and "Edit your review"."""
    from reviews.models import Review

    return (Review.objects.visible().filter(product_id=product_id)
            .order_by("-helpful_count", "-created_at")
            .values_list("author__username", flat=True).first())


def quiet_reader(*, topic_id: int, idea_id: int, product_id: int) -> str:
    """The member the signed-in pages are measured as: the first who reads the big topic, the
    idea and the product without having taken part in them (no post or like in the topic, no
    support or comment on the idea, no review or vote on the product), as most members
    reading a page have not. The seed's first member started the topic and proposed the
    idea; the pages as their author sees them are measured separately."""
    sql = """
        SELECT u.username FROM community_user u
        WHERE u.username LIKE 'bench%%' AND u.is_active
          AND NOT EXISTS (SELECT 1 FROM forum_topic t WHERE t.id = %(topic)s AND t.author_id = u.id)
          AND NOT EXISTS (SELECT 1 FROM forum_post p WHERE p.topic_id = %(topic)s AND p.author_id = u.id)
          AND NOT EXISTS (SELECT 1 FROM forum_like l JOIN forum_post p ON p.id = l.post_id
                          WHERE p.topic_id = %(topic)s AND l.user_id = u.id)
          AND NOT EXISTS (SELECT 1 FROM ideas_idea i WHERE i.id = %(idea)s AND i.creator_id = u.id)
          AND NOT EXISTS (SELECT 1 FROM ideas_support s WHERE s.idea_id = %(idea)s AND s.user_id = u.id)
          AND NOT EXISTS (SELECT 1 FROM ideas_ideacomment c WHERE c.idea_id = %(idea)s AND c.author_id = u.id)
          AND NOT EXISTS (SELECT 1 FROM reviews_review r
                          WHERE r.product_id = %(product)s AND r.author_id = u.id)
          AND NOT EXISTS (SELECT 1 FROM reviews_helpfulvote v JOIN reviews_review r ON r.id = v.review_id
                          WHERE r.product_id = %(product)s AND v.voter_id = u.id)
        ORDER BY u.id LIMIT 1
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"topic": topic_id, "idea": idea_id, "product": product_id})
        return cursor.fetchone()[0]


def page_liker(*, topic_id: int) -> str:
    """The first member (not the topic's author) who liked a post on the big topic's first
    page: their page shows their liked buttons."""
    return _first_member("""
        SELECT u.username FROM community_user u
        JOIN forum_like l ON l.user_id = u.id JOIN forum_post p ON p.id = l.post_id
        JOIN forum_topic t ON t.id = p.topic_id
        WHERE t.id = %(topic)s AND p.post_number <= %(per_page)s AND u.id <> t.author_id
        ORDER BY u.id LIMIT 1""", topic_id)


def page_replier(*, topic_id: int) -> str:
    """The author of the first reply on the big topic's first page (not the topic's author):
    their page shows edit and delete links on their own post."""
    return _first_member("""
        SELECT u.username FROM community_user u
        JOIN forum_post p ON p.author_id = u.id JOIN forum_topic t ON t.id = p.topic_id
        WHERE t.id = %(topic)s AND p.post_number BETWEEN 2 AND %(per_page)s
          AND u.id <> t.author_id
        ORDER BY p.post_number LIMIT 1""", topic_id)


def _first_member(sql: str, topic_id: int) -> str:
    from forum.models import POSTS_PER_PAGE

    with connection.cursor() as cursor:
        cursor.execute(sql, {"topic": topic_id, "per_page": POSTS_PER_PAGE})
        return cursor.fetchone()[0]


def sizes() -> dict:
    """What the benchmark database holds, counted (not what the seed meant to write)."""
    tables = {"members": "community_user", "topics": "forum_topic", "posts": "forum_post",
              "likes": "forum_like", "ideas": "ideas_idea", "supports": "ideas_support",
              "reviews": "reviews_review", "ledger_entries": "badges_pointsentry"}
    with connection.cursor() as cursor:
        counts = {}
        for name, table in tables.items():
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
            counts[name] = cursor.fetchone()[0]
    return counts
