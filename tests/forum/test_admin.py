import pytest

from forum.models import Category
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_community_managers_manage_categories_in_the_wagtail_admin(client, manager):
    Category.objects.create(name="Kitchen", slug="kitchen", sort_order=1)
    Category.objects.create(name="Announcements", slug="announcements", sort_order=0)
    client.force_login(manager)
    index = client.get("/admin/forum_categories/")
    assert index.status_code == 200
    page = index.content.decode()
    assert page.index("Announcements") < page.index("Kitchen")
    response = client.post("/admin/forum_categories/new/", {
        "name": "Audio", "slug": "audio", "description": "Speakers and buds", "is_restricted": "on"})
    assert response.status_code == 302
    assert Category.objects.get(slug="audio").is_restricted


def test_members_cannot_manage_categories(client, alice):
    client.force_login(alice)
    assert client.get("/admin/forum_categories/").status_code in (302, 403)


def test_a_duplicate_slug_is_refused_in_the_admin(client):
    Category.objects.create(name="Kitchen", slug="kitchen")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.post("/admin/forum_categories/new/", {"name": "Kitchen 2", "slug": "kitchen"})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Category.objects.count() == 1
