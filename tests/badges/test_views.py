import pytest
from django.contrib.auth.models import Permission

from badges.models import BadgeGrant, SuspectedRing
from badges.services.ledger import record_event
from tests.badges.factories import ChallengeFactory, lift, next_source, suspend
from tests.factories import CommunityManagerFactory, UserFactory

pytestmark = pytest.mark.django_db


def earn(user, kind="topic_created", n=1, **kwargs):
    for _ in range(n):
        record_event(kind=kind, user_id=user.pk, source_id=next_source(), **kwargs)


def test_profile_shows_level_points_badges_and_the_reasons(client):
    member = UserFactory()
    earn(member, "reply_created")
    earn(member, "answer_accepted", actor_id=UserFactory().pk)
    html = client.get(f"/u/{member.username}/").content.decode()
    assert "Bronze" in html
    assert ">17</strong> points" in html
    assert "First Post" in html
    assert "Replied in a topic" in html
    assert "Your answer was accepted" in html
    assert "Silver at 250 points: 233 to go" in html


def test_point_history_shows_withdrawals_and_the_daily_cap(client, settings):
    from badges.services.ledger import reverse_event

    settings.HEARTH_BADGES_DAILY_CAP = 5
    member, liker = UserFactory(), UserFactory()
    earn(member, "topic_created")
    post = next_source()
    record_event(kind="like_received", user_id=member.pk, source_id=post, actor_id=liker.pk)
    reverse_event(kind="like_received", source_id=post)
    html = client.get(f"/u/{member.username}/").content.decode()
    assert "daily cap reached" in html
    assert "Withdrawn: a post of yours was liked" in html


def test_point_history_says_when_moderators_hid_and_restored_the_content(client):
    from badges.models import PointsEntry
    from badges.services.ledger import restore_source, reverse_source

    member = UserFactory()
    post = next_source()
    record_event(kind="reply_created", user_id=member.pk, source_id=post)
    reverse_source(source_label="forum.post", source_id=post, cause=PointsEntry.HIDDEN)
    restore_source(source_label="forum.post", source_id=post)
    html = client.get(f"/u/{member.username}/").content.decode()
    assert "Hidden by moderators: replied in a topic" in html
    assert "Restored: replied in a topic" in html
    assert ">2</strong> points" in html


def _profile_queries(client, django_assert_num_queries, member, expected):
    client.get(f"/u/{member.username}/")  # warm the content-type cache, as a server's is
    with django_assert_num_queries(expected):
        response = client.get(f"/u/{member.username}/")
    assert response.status_code == 200


def test_profile_query_count_does_not_grow_with_entries_badges_or_challenges(
    client, django_assert_num_queries
):
    member = UserFactory()
    ChallengeFactory(kind="reply_created")
    earn(member, "reply_created")
    # member + groups, trust level (moderation), points, levels, the levels' basis,
    # grants, history count + page, rule labels, challenges + own progress
    _profile_queries(client, django_assert_num_queries, member, 12)
    ChallengeFactory(kind="review_written")
    earn(member, "reply_created", 30)
    earn(member, "review_written", 10)
    assert BadgeGrant.objects.filter(user=member).count() >= 2
    _profile_queries(client, django_assert_num_queries, member, 12)


def test_badges_page_lists_every_badge_with_holders_and_rarity(client, django_assert_num_queries):
    holders = [UserFactory() for _ in range(3)]
    UserFactory()
    for member in holders:
        earn(member, "review_written")
    with django_assert_num_queries(2):  # members, badges with holder counts
        html = client.get("/badges/").content.decode()
    assert "Community Guardian" in html
    assert "Have 10 of your flags upheld by moderators." in html
    assert "3 holders · 75.0% of members" in html
    for _ in range(5):
        earn(UserFactory(), "reply_created")
    with django_assert_num_queries(2):
        client.get("/badges/")


def test_leaderboard_ranks_densely_and_excludes_suspended_members(client):
    first, tied_a, tied_b, last, suspended = (UserFactory() for _ in range(5))
    earn(first, n=3)
    earn(tied_a, n=2)
    earn(tied_b, n=2)
    earn(last, n=1)
    earn(suspended, n=10)
    suspend(suspended, days=2)
    response = client.get("/leaderboard/")
    rows = [(row.rank, row.user.pk) for row in response.context["board"].rows]
    assert rows[0] == (1, first.pk)
    assert {rows[1], rows[2]} == {(2, tied_a.pk), (2, tied_b.pk)}
    assert rows[3] == (3, last.pk)
    assert suspended.pk not in [pk for _, pk in rows]


def test_a_member_whose_suspension_is_lifted_early_is_back_on_the_leaderboards_at_once(client):
    member, other = UserFactory(), UserFactory()
    earn(member, n=5)
    earn(other, n=1)
    suspension = suspend(member, days=None)  # permanent: the old copy never ran out
    boards = ("/leaderboard/", "/leaderboard/?board=week", "/leaderboard/?board=month")
    for url in boards:
        assert member.pk not in [row.user.pk for row in client.get(url).context["board"].rows]
    lift(suspension)
    for url in boards:
        assert [row.user.pk for row in client.get(url).context["board"].rows][0] == member.pk


def test_leaderboard_shows_your_own_rank_when_you_are_off_the_page(client, settings):
    members = [UserFactory() for _ in range(4)]
    for n, member in enumerate(members, start=1):
        earn(member, n=n)
    client.force_login(members[0])
    from badges import selectors

    board = selectors.leaderboard(key="all", page=1, viewer=members[0], per_page=2)
    assert [row.rank for row in board.rows] == [1, 2]
    assert board.has_next
    assert (board.own.rank, board.own.points) == (4, 5)
    html = client.get("/leaderboard/").content.decode()
    assert "Your rank: <strong>#4</strong>" in html


def test_weekly_and_monthly_boards_count_only_the_period(client):
    import datetime

    from django.utils import timezone

    old, recent = UserFactory(), UserFactory()
    for _ in range(5):
        record_event(kind="topic_created", user_id=old.pk, source_id=next_source(),
                     now=timezone.now() - datetime.timedelta(days=60))
    earn(recent)
    for board in ("week", "month"):
        rows = client.get(f"/leaderboard/?board={board}").context["board"].rows
        assert [row.user.pk for row in rows] == [recent.pk]
    rows = client.get("/leaderboard/?board=all").context["board"].rows
    assert [row.user.pk for row in rows] == [old.pk, recent.pk]


@pytest.mark.parametrize("board", ["all", "month", "week"])
def test_leaderboard_query_count_is_constant(board, client, django_assert_num_queries):
    viewer = UserFactory()
    earn(viewer)
    client.force_login(viewer)
    for _ in range(3):
        earn(UserFactory(), n=2)
    # On the page: session, user, page rows, their groups (page 1 starts at rank 1: no count)
    with django_assert_num_queries(4):
        client.get(f"/leaderboard/?board={board}&page=1")
    for _ in range(55):
        earn(UserFactory(), n=3)
    # Off the page: two more, the viewer's own row and the rank of their points.
    with django_assert_num_queries(6):
        client.get(f"/leaderboard/?board={board}&page=1")
    for _ in range(20):
        earn(UserFactory(), n=2)
    # No more with more members; the rank of the same points comes from the cache (until
    # the points engine's next batch bumps the boards' version, or 30 s).
    with django_assert_num_queries(5):
        html = client.get(f"/leaderboard/?board={board}&page=1").content.decode()
    assert "Your rank: <strong>#3</strong>" in html


def test_the_rank_of_a_members_points_is_counted_again_after_the_engine_applies_a_batch(client):
    from community import cache_versions

    viewer = UserFactory()
    earn(viewer)
    for _ in range(51):
        earn(UserFactory(), n=3)
    client.force_login(viewer)
    assert "Your rank: <strong>#2</strong>" in client.get("/leaderboard/").content.decode()
    earn(UserFactory(), n=2)
    # What the drain's bump does once its batch commits (test transactions never commit).
    cache_versions._increment(cache_versions.version_key("leaderboard", 0))
    assert "Your rank: <strong>#3</strong>" in client.get("/leaderboard/").content.decode()


def test_challenges_page_shows_your_progress(client, django_assert_num_queries):
    member = UserFactory()
    ChallengeFactory(title="Review 3 products this month", kind="review_written", goal=3)
    earn(member, "review_written", 2)
    client.force_login(member)
    with django_assert_num_queries(4):  # session, user, challenges, own progress
        html = client.get("/challenges/").content.decode()
    assert "Review 3 products this month" in html
    assert "Your progress: 2 of 3" in html
    ChallengeFactory(kind="reply_created")
    with django_assert_num_queries(4):
        client.get("/challenges/")


def test_rings_page_is_for_community_managers_only(client):
    client.force_login(UserFactory())
    assert client.get("/badges/rings/").status_code == 403
    ring = SuspectedRing.objects.create(member_key="1,2", evidence={}, detected_at="2026-01-01T00:00Z")
    assert client.post(f"/badges/rings/{ring.pk}/reviewed/").status_code == 403
    ring.refresh_from_db()
    assert not ring.reviewed


def test_a_community_manager_reviews_a_ring(client):
    manager = CommunityManagerFactory()
    a, b = UserFactory(display_name="Ann"), UserFactory(display_name="Ben")
    ring = SuspectedRing.objects.create(
        member_key=f"{a.pk},{b.pk}", detected_at="2026-01-01T00:00Z",
        evidence={"base_rate": 1.2, "window_days": 30,
                  "pairs": [{"a": a.pk, "b": b.pk, "a_liked_b": 9, "b_liked_a": 8}]})
    ring.members.set([a, b])
    client.force_login(manager)
    html = client.get("/badges/rings/").content.decode()
    assert "Ann liked Ben's posts 9 times; 8 times back." in html
    client.post(f"/badges/rings/{ring.pk}/reviewed/")
    ring.refresh_from_db()
    assert ring.reviewed


def test_community_managers_may_edit_rules_badges_and_challenges():
    manager = CommunityManagerFactory()
    for codename in ("change_pointrule", "add_badge", "add_challenge", "change_level"):
        assert manager.has_perm(f"badges.{codename}")
    assert not Permission.objects.filter(codename="change_pointsentry",
                                         group__name="Community managers").exists()
