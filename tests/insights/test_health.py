import csv
import datetime
import io

import pytest
from django.utils import timezone

from community.models import SearchWithoutResults, User
from forum.models import Post, Topic
from forum.services import accept_answer
from insights import selectors
from insights.selectors import QUERIES, community_health, window
from moderation.models import QueueItem
from reviews.models import Review
from tests.factories import (
    BrandStaffFactory,
    CommunityManagerFactory,
    ProductCategoryFactory,
    UserFactory,
    make_product,
)
from tests.forum.factories import make_reply, make_topic
from tests.ideas.factories import published_idea, submitted_idea
from tests.moderation.factories import flag_profile
from tests.reviews.factories import write_review

pytestmark = pytest.mark.django_db

URL = "/staff/health/"


def _ago(**delta) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)


def _small_community():
    """Two answered topics (one solved), one unanswered, ideas, reviews, a flag."""
    asker, helper = UserFactory(), UserFactory()
    answered = make_topic(author=asker, title="Why does my kettle click?")
    reply = make_reply(answered, author=helper)
    Topic.objects.filter(pk=answered.pk).update(created_at=_ago(hours=10))
    Post.objects.filter(pk=answered.posts.get(post_number=1).pk).update(created_at=_ago(hours=10))
    Post.objects.filter(pk=reply.pk).update(created_at=_ago(hours=8))  # 2 h to reply
    accept_answer(actor=asker, post=reply)  # and to the solution
    second = make_topic(author=asker, title="Is the lid dishwasher safe?")
    late = make_reply(second, author=helper)
    Topic.objects.filter(pk=second.pk).update(created_at=_ago(hours=10))
    Post.objects.filter(pk=second.posts.get(post_number=1).pk).update(created_at=_ago(hours=10))
    Post.objects.filter(pk=late.pk).update(created_at=_ago(hours=6))  # 4 h to reply
    make_topic(author=helper, title="Anyone tried the travel flask?")
    published_idea(creator=asker)
    submitted_idea(creator=helper, title="A bigger handle")
    kettles = ProductCategoryFactory(name="Kettles")
    grumpy = write_review(author=asker, product=make_product(title="Kettle one", category=kettles), rating=2)
    happy = write_review(author=helper, product=make_product(title="Kettle two", category=kettles), rating=5)
    Review.objects.filter(pk=grumpy.pk).update(p_negative=0.9)
    Review.objects.filter(pk=happy.pk).update(p_negative=0.1)
    flag_profile(helper)
    return asker, helper


def test_the_figures_count_what_members_did_in_the_period():
    asker, helper = _small_community()
    health = community_health(days=7)
    # asker and helper posted and reviewed today; the idea staff member and the flagger too
    assert health.daily_active[-1] >= 2
    assert health.monthly_active[-1] >= health.daily_active[-1]
    assert health.stickiness[-1] == round(100 * health.daily_active[-1] / health.monthly_active[-1], 1)
    assert sum(health.posts) == 5
    assert health.answers == {"topics": 3, "unanswered": 1, "solved": 1, "solved_percent": 33,
                              "hours_to_reply": 3.0, "hours_to_solution": 2.0}
    assert {row["status"]: row["total"] for row in health.ideas} == {"In review": 1, "Gathering support": 1}
    assert health.stars == [0, 1, 0, 0, 1]
    assert health.sentiment == {"Kettles": [None] * 6 + [50]}
    assert sum(health.flags) == 1
    assert health.queue["waiting"] == 1
    assert sum(health.new_members) == User.objects.count()


def test_a_member_active_three_weeks_ago_counts_monthly_but_not_daily():
    topic = make_topic()
    Post.objects.filter(topic=topic).update(created_at=_ago(days=21))
    Topic.objects.filter(pk=topic.pk).update(created_at=_ago(days=21))
    health = community_health(days=30)
    assert health.daily_active[-22] == 1
    assert health.daily_active[-1] == 0
    assert health.monthly_active[-1] == 1
    assert health.monthly_active[-21] == 1  # the day after: still within 30 days
    assert health.stickiness[-1] == 0.0


def test_weeks_are_counted_back_from_today_and_a_week_has_days():
    now = timezone.now()
    win = window(30, now=now)
    buckets = win.buckets()
    assert len(buckets) == 5
    assert buckets[-1][1] == timezone.localdate(now) + datetime.timedelta(days=1)
    assert buckets[0][0] == win.dates[0] and (buckets[0][1] - buckets[0][0]).days == 2
    assert len(window(7, now=now).buckets()) == 7


def test_a_manager_sees_the_dashboard_with_charts_and_their_tables(client):
    _small_community()
    client.force_login(CommunityManagerFactory())
    response = client.get(URL, {"days": "7"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="stat-number" id="stat-reply-hours">3.0 h</span>' in html
    assert '<span class="stat-number" id="stat-solved">33%</span>' in html
    assert '<span class="stat-number" id="stat-queue-waiting">1</span>' in html
    # the site's chart: SVG with axes, and the same figures as a table
    assert html.count('<figure class="chart"') == 10
    assert '<th scope="col">Kettles</th>' in html
    assert "The figures as a table" in html
    assert '<option value="7" selected>' in html
    assert 'href="/staff/health/export/?days=7"' in html


def test_the_number_of_queries_does_not_grow_with_the_data_or_the_period(client, django_assert_num_queries):
    from django.core.cache import cache

    client.force_login(CommunityManagerFactory())
    client.get(URL)
    cache.delete_many([f"insights:health:{days}:{timezone.localdate().isoformat()}"
                       for days in (7, 30, 90)])
    # session and member, roles; the figures (QUERIES)
    with django_assert_num_queries(2 + QUERIES):
        assert client.get(URL).status_code == 200
    _small_community()
    for _ in range(3):
        SearchWithoutResults.objects.create(query="descaler", where="forum")
    for days in ("7", "30", "90"):
        cache.delete(f"insights:health:{days}:{timezone.localdate().isoformat()}")
        with django_assert_num_queries(2 + QUERIES):
            assert client.get(URL, {"days": days}).status_code == 200
    cache.delete(f"insights:health:90:{timezone.localdate().isoformat()}")
    with django_assert_num_queries(2 + QUERIES):
        assert client.get(URL + "export/", {"days": "90"}).status_code == 200


def test_a_reload_within_minutes_reuses_the_figures_and_says_when_they_were_computed(
        client, django_assert_num_queries):
    client.force_login(CommunityManagerFactory())
    first = client.get(URL).content.decode()
    assert "figures as of" in first
    with django_assert_num_queries(2):  # session and member, roles
        assert client.get(URL).status_code == 200


@pytest.mark.parametrize("days", ["14", "abc", "-1", "7.5", "9" * 40, "30;DROP"])
def test_a_period_we_do_not_offer_is_refused_with_a_clear_message(client, days):
    client.force_login(CommunityManagerFactory())
    response = client.get(URL, {"days": days})
    assert response.status_code == 400
    assert "Choose a period of 7, 30 or 90 days." in response.content.decode()
    export = client.get(URL + "export/", {"days": days})
    assert export.status_code == 400
    assert export.content.decode() == "Choose a period of 7, 30 or 90 days.\n"


def test_no_period_means_the_last_30_days(client):
    client.force_login(CommunityManagerFactory())
    html = client.get(URL, {"days": ""}).content.decode()
    assert '<option value="30" selected>' in html


def test_the_export_is_csv_with_a_row_per_day_and_searched_text_kept_out_of_formulas(client):
    _small_community()
    SearchWithoutResults.objects.create(query="=HYPERLINK(1)", where="forum")
    SearchWithoutResults.objects.create(query="Descaler", where="catalogue")
    SearchWithoutResults.objects.create(query="descaler", where="forum")
    client.force_login(CommunityManagerFactory())
    response = client.get(URL + "export/", {"days": "7"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="community-health-7-days-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["date", "active_members", "monthly_active_members"]
    assert rows[7][0] == timezone.localdate().isoformat()
    assert sum(int(row[5]) for row in rows[1:8]) == 5  # posts
    assert ["median_hours_to_first_reply", "3.0"] in rows
    assert ["Kettles", timezone.localdate().isoformat(),
            (timezone.localdate() + datetime.timedelta(days=1)).isoformat(), "50"] in rows
    assert ["descaler", "2"] in rows
    assert ["'=hyperlink(1)", "1"] in rows


@pytest.mark.parametrize("factory, status", [
    (UserFactory, 403), (BrandStaffFactory, 403), (CommunityManagerFactory, 200),
    (lambda: UserFactory(is_staff=True), 200),
])
def test_only_community_managers_and_staff_accounts_see_it(client, factory, status):
    client.force_login(factory())
    assert client.get(URL).status_code == status
    assert client.get(URL + "export/").status_code == status


def test_visitors_are_sent_to_sign_in(client):
    assert client.get(URL).url.startswith("/accounts/login/")


def test_the_staff_menu_links_it_for_managers_only(client):
    client.force_login(CommunityManagerFactory())
    assert 'id="staff-link-health"' in client.get("/forum/").content.decode()
    client.force_login(BrandStaffFactory())
    assert 'id="staff-link-health"' not in client.get("/forum/").content.decode()


def test_a_forum_search_that_finds_nothing_is_recorded_without_the_searcher(client):
    make_topic(title="Descaling the kettle")
    client.force_login(UserFactory())
    client.get("/forum/search/", {"q": "  Teapot   warmer "})
    client.get("/forum/search/", {"q": "descaling"})
    client.get("/forum/search/", {"q": "   "})
    row = SearchWithoutResults.objects.get()
    assert (row.query, row.where) == ("Teapot warmer", "forum")
    assert not [f for f in SearchWithoutResults._meta.get_fields() if f.is_relation]


def test_a_catalogue_search_that_finds_nothing_is_recorded(client):
    make_product(title="Travel kettle")
    index_url = make_product(title="Other kettle").get_parent().url
    client.get(index_url, {"q": "samovar"})
    client.get(index_url, {"q": "kettle"})
    assert list(SearchWithoutResults.objects.values_list("query", "where")) == [("samovar", "catalogue")]


def test_old_searches_are_pruned():
    from community.tasks import prune_searches

    SearchWithoutResults.objects.create(query="old", where="forum", searched_at=_ago(days=181))
    SearchWithoutResults.objects.create(query="new", where="forum")
    assert prune_searches() == 1
    assert list(SearchWithoutResults.objects.values_list("query", flat=True)) == ["new"]


def test_the_queue_age_is_the_pending_items_wait():
    flag_profile(UserFactory())
    flag_profile(UserFactory())
    QueueItem.objects.update(created_at=_ago(hours=4))
    QueueItem.objects.filter(pk=QueueItem.objects.order_by("pk").first().pk).update(created_at=_ago(hours=10))
    queue = selectors.moderation_queue(now=timezone.now())
    assert queue["waiting"] == 2 and queue["oldest_hours"] == 10.0 and queue["median_hours"] == 7.0


def test_the_embedded_demo_s_sqlite_gets_a_median_aggregate():
    import sqlite3

    from insights.aggregates import add_sqlite_median

    class Wrapper:
        vendor = "sqlite"
        connection = sqlite3.connect(":memory:")

    add_sqlite_median(sender=None, connection=Wrapper)
    db = Wrapper.connection
    db.execute("CREATE TABLE waits (seconds INTEGER)")
    db.executemany("INSERT INTO waits VALUES (?)", [(1,), (5,), (2,), (None,), (10,)])
    assert db.execute("SELECT hearth_median(seconds) FROM waits").fetchone() == (3.5,)
    assert db.execute("SELECT hearth_median(seconds) FROM waits WHERE 0").fetchone() == (None,)
