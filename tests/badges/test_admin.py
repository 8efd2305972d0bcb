import pytest

from badges.models import PointRule
from tests.factories import CommunityManagerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_community_manager_edits_a_point_rule_in_the_wagtail_admin(client, site_tree):
    client.force_login(CommunityManagerFactory())
    rule = PointRule.objects.get(key="reply_created")
    listing = client.get("/admin/points_rules/")
    assert listing.status_code == 200
    assert "Replied in a topic" in listing.content.decode()
    response = client.post(f"/admin/points_rules/edit/{rule.pk}/", {
        "label": "Replied in a topic", "points": "3", "counts_toward_cap": "on", "active": "on"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.points == 3


def test_a_bad_rule_edit_is_refused_and_keeps_what_was_typed(client, site_tree):
    client.force_login(CommunityManagerFactory())
    rule = PointRule.objects.get(key="reply_created")
    response = client.post(f"/admin/points_rules/edit/{rule.pk}/", {
        "label": "Typed label", "points": "lots", "active": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a whole number" in html
    assert "Typed label" in html
    rule.refresh_from_db()
    assert rule.points == 2


def test_members_cannot_reach_the_rules_admin(client, site_tree):
    client.force_login(UserFactory())
    assert client.get("/admin/points_rules/").status_code in (302, 403)


@pytest.mark.parametrize("path", ["/admin/points_badges/", "/admin/points_levels/",
                                  "/admin/points_challenges/", "/admin/points_rings/",
                                  "/admin/points_challenges/new/"])
def test_every_admin_screen_opens_for_a_community_manager(client, site_tree, path):
    client.force_login(CommunityManagerFactory())
    assert client.get(path).status_code == 200


def test_a_challenge_ending_before_it_starts_is_refused_with_a_message(client, site_tree):
    from badges.models import Challenge

    client.force_login(CommunityManagerFactory())
    response = client.post("/admin/points_challenges/new/", {
        "title": "Review 3 products this month", "description": "", "kind": "review_written",
        "goal": "3", "starts_at": "2026-12-10 00:00", "ends_at": "2026-12-01 00:00",
        "reward_points": "30"})
    assert response.status_code == 200
    assert "Review 3 products this month" in response.content.decode()
    assert "A challenge must end after it starts." in response.content.decode()
    assert not Challenge.objects.exists()


def test_a_community_manager_sets_a_levels_spend_next_to_its_points(client, site_tree):
    from decimal import Decimal

    from badges.models import Level

    client.force_login(CommunityManagerFactory())
    silver = Level.objects.get(name="Silver")
    assert "250.00" in client.get("/admin/points_levels/").content.decode()
    response = client.post(f"/admin/points_levels/edit/{silver.pk}/", {
        "name": "Silver", "min_points": "250", "min_spend": "400.00"})
    assert response.status_code == 302
    silver.refresh_from_db()
    assert silver.min_spend == Decimal("400.00")


def test_a_spend_out_of_order_with_the_points_is_refused_and_keeps_what_was_typed(
        client, site_tree):
    from badges.models import Level

    client.force_login(CommunityManagerFactory())
    silver = Level.objects.get(name="Silver")
    response = client.post(f"/admin/points_levels/edit/{silver.pk}/", {
        "name": "Silver", "min_points": "250", "min_spend": "1500.00"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "same order by spend as by points" in html
    assert "1500.00" in html
    silver.refresh_from_db()
    assert silver.min_spend == 250


def test_a_community_manager_chooses_spend_in_the_levels_setting(
        client, site_tree, django_capture_on_commit_callbacks):
    from badges.models import LevelSettings

    client.force_login(CommunityManagerFactory())
    page = client.get("/admin/settings/badges/levelsettings/", follow=True)
    assert page.status_code == 200
    with django_capture_on_commit_callbacks() as owed:
        response = client.post(page.redirect_chain[-1][0], {"basis": "spend"})
    assert response.status_code == 302
    assert LevelSettings.by_spend()
    assert owed  # the re-levelling of everyone, after commit
    bad = client.post(page.redirect_chain[-1][0], {"basis": "vibes"})
    assert bad.status_code == 200
    assert "Select a valid choice" in bad.content.decode()
    assert LevelSettings.by_spend()


def test_members_cannot_reach_the_levels_setting(client, site_tree):
    client.force_login(UserFactory())
    assert client.get("/admin/settings/badges/levelsettings/1/").status_code in (302, 403)
