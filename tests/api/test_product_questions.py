"""The API's topics say which product they are about, and a topic may be started about one."""

import pytest

from forum.models import Topic
from tests.api.conftest import problem_of
from tests.factories import UserFactory, make_product
from tests.forum.factories import CategoryFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site_tree", "moderation_relaxed")]

TOPIC = {"category": "help", "title": "Does the Ember Kettle descale itself?",
         "body": "Mine is new and I wonder."}


@pytest.fixture
def kettle():
    CategoryFactory(slug="help", name="Help")
    return make_product(title="Ember Kettle", sku="EMB-1")


def test_a_topic_is_started_about_a_product(api, kettle):
    response = api(UserFactory()).post("/api/v1/topics/", {**TOPIC, "product": kettle.pk})
    assert response.status_code == 201, response.content
    assert response.json()["product"] == kettle.pk
    assert Topic.objects.get().product_id == kettle.pk
    assert api().get(f"/api/v1/topics/{Topic.objects.get().pk}/").json()["product"] == kettle.pk


def test_a_topic_without_a_product_says_null(api, kettle):
    response = api(UserFactory()).post("/api/v1/topics/", TOPIC)
    assert response.status_code == 201 and response.json()["product"] is None


@pytest.mark.parametrize("value", [999999, 0, -3, "kettle", 2**40])
def test_a_product_that_is_not_on_the_site_is_refused(api, kettle, value):
    body = problem_of(api(UserFactory()).post("/api/v1/topics/", {**TOPIC, "product": value}), 400)
    assert "product" in body["errors"]
    assert not Topic.objects.exists()


def test_an_unpublished_product_is_refused(api, kettle):
    kettle.unpublish()
    body = problem_of(api(UserFactory()).post("/api/v1/topics/", {**TOPIC, "product": kettle.pk}), 400)
    assert body["errors"]["product"] == ["Choose a product from the list: that one is not on the site."]
