"""The header's staff menu: each role's staff pages with live counts, never for members."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from community import staff_links
from moderation.models import QueueItem
from reviews.models import FollowUp
from tests.factories import BrandStaffFactory, CommunityManagerFactory, UserFactory
from tests.moderation.factories import flag_profile, member_at
from tests.reviews.factories import write_review

pytestmark = pytest.mark.django_db

SAD = "It broke after two days and the support never answered. Very disappointed, avoid it."


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def menu_of(client, user) -> str:
    client.force_login(user)
    html = client.get("/forum/").content.decode()
    start = html.find('id="staff-menu"')
    return html[start:html.find("</details>", start)] if start >= 0 else ""


def test_each_role_sees_the_staff_pages_its_permissions_open(client):
    manager_menu = menu_of(client, CommunityManagerFactory())
    for label in ("Moderation queue", "Review follow-ups", "Loyalty dashboard", "Referrals to review"):
        assert label in manager_menu
    brand_menu = menu_of(client, BrandStaffFactory())
    assert "Moderation queue" not in brand_menu
    for label in ("Review follow-ups", "Loyalty dashboard", "Referrals to review"):
        assert label in brand_menu
    assert menu_of(client, UserFactory()) == ""


def test_every_registered_staff_page_refuses_those_the_menu_leaves_it_out_for(client):
    """Walks the registry: whoever the menu does not show an entry to gets 403 there."""
    people = [UserFactory(), BrandStaffFactory(), CommunityManagerFactory()]
    for link in staff_links.all_links():
        for person in people:
            client.force_login(person)
            status = client.get(link.url).status_code
            shown = link in staff_links.links_for(person)
            assert (status == 200) == shown, (link.key, person.username, status)


def test_the_counts_endpoint_counts_waiting_items_and_open_and_overdue_follow_ups(
        client, django_assert_num_queries):
    target = UserFactory()
    for _ in range(2):
        flag_profile(target, by=member_at(1))
    flag_profile(UserFactory(), by=member_at(1))
    for rating in (1, 2):
        write_review(rating=rating, body=SAD)
    FollowUp.objects.filter(pk=FollowUp.objects.order_by("pk").first().pk).update(
        due_at=timezone.now() - timedelta(hours=1))
    assert QueueItem.objects.filter(status="pending").count() == 2
    client.force_login(CommunityManagerFactory())
    client.get("/staff/counts/")
    # user, roles and permissions (1), queue count, follow-ups (open and overdue in one),
    # referrals held. The session comes from the cache.
    with django_assert_num_queries(5):
        data = client.get("/staff/counts/").json()
    assert data["links"]["moderation"] == [
        {"key": "waiting", "label": "waiting", "number": 2, "alert": False}]
    follow_ups = {count["key"]: count["number"] for count in data["links"]["follow_ups"]}
    assert follow_ups == {"open": FollowUp.objects.count(), "overdue": 1}
    assert data["links"]["referrals"][0]["number"] == 0
    assert data["total"] == 2 + FollowUp.objects.count()


def test_pages_show_the_last_counts_without_counting_again(client, django_assert_num_queries):
    flag_profile(UserFactory(), by=member_at(1))
    manager = CommunityManagerFactory()
    client.force_login(manager)
    client.get("/staff/counts/")
    html = client.get("/notifications/").content.decode()
    assert 'data-count="waiting">1 waiting</span>' in html
    # The menu adds no query to a page: the same count as a member's page.
    member = UserFactory()
    client.force_login(member)
    client.get("/notifications/")
    # user (roles and permissions in one), the page of notifications and its count.
    with django_assert_num_queries(3):
        client.get("/notifications/")
    client.force_login(manager)
    client.get("/notifications/")
    with django_assert_num_queries(3):
        client.get("/notifications/")


def test_members_and_visitors_get_no_counts(client):
    assert client.get("/staff/counts/").status_code == 302
    client.force_login(UserFactory())
    assert client.get("/staff/counts/").status_code == 403
    client.force_login(BrandStaffFactory())
    data = client.get("/staff/counts/").json()
    assert "moderation" not in data["links"] and "follow_ups" in data["links"]
