"""What an early-access reward opens: the catalogue says it (``community.group_access``),
redeeming it opens the members-only forum category of its group, and the end of the access
period (``rewards.services.access.end_expired_access``) closes it again at once."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from rewards.models import Reward
from rewards.services.access import end_expired_access
from rewards.services.redemption import redeem
from tests.factories import UserFactory
from tests.forum.factories import CategoryFactory, make_topic
from tests.rewards.factories import give_points, key, make_reward

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("levels", "moderation_relaxed")]


@pytest.fixture
def early_access():
    reward = make_reward(kind=Reward.Kind.EARLY_ACCESS, cost=100, access_days=7,
                         title="Early access to new products")
    lounge = CategoryFactory(name="Insiders lounge", slug="insiders-lounge", members_group=reward.group)
    staff = UserFactory(username="root", is_staff=True)
    topic = make_topic(author=staff, category=lounge, title="Trail Stove 2: first look")
    return reward, lounge, topic


def test_the_catalogue_and_the_reward_page_say_what_the_reward_opens(client, early_access):
    reward, _lounge, _topic = early_access
    opens = "Opens the members-only forum category “Insiders lounge” for 7 days"
    assert opens in client.get(reverse("rewards:index")).content.decode()
    assert opens in client.get(reward.get_absolute_url()).content.decode()


def test_a_reward_that_opens_nothing_says_nothing(client):
    make_reward(kind=Reward.Kind.EARLY_ACCESS, cost=100, title="Early access to the shop")
    assert "Opens" not in client.get(reverse("rewards:index")).content.decode()


def test_redeeming_opens_the_category_and_the_end_of_the_access_closes_it(client, early_access):
    reward, lounge, topic = early_access
    member = UserFactory()
    give_points(member, 500)
    client.force_login(member)
    assert client.get(topic.get_absolute_url()).status_code == 404
    now = timezone.now()
    redeem(member=member, reward_id=reward.pk, idempotency_key=key(), now=now)
    assert client.get(topic.get_absolute_url()).status_code == 200
    assert "Trail Stove 2" in client.get(lounge.get_absolute_url()).content.decode()
    assert end_expired_access(now=now + datetime.timedelta(days=8)) == 1
    assert client.get(topic.get_absolute_url()).status_code == 404
    assert client.get(lounge.get_absolute_url()).status_code == 404
    assert "Insiders lounge" not in client.get(reverse("forum:index")).content.decode()


def test_an_early_access_reward_opens_a_product_page_before_its_launch(client, site_tree):
    from wagtail.models import PageViewRestriction

    from tests.factories import make_product

    reward = make_reward(kind=Reward.Kind.EARLY_ACCESS, cost=100, access_days=7,
                         title="Early access to the Trail Stove 2")
    stove = make_product(title="Trail Stove 2", sku="STOVE-2", slug="trail-stove-2")
    restriction = PageViewRestriction.objects.create(page=stove, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(reward.group)
    opens = "Opens the product page “Trail Stove 2” before it is public for 7 days"
    assert opens in client.get(reward.get_absolute_url()).content.decode()

    member = UserFactory()
    give_points(member, 500)
    client.force_login(member)
    # A logged-in member outside the group is told why, not sent to log in again.
    refused = client.get(stove.url)
    assert refused.status_code == 403 and "open only to some members" in refused.content.decode()
    assert "no-cache" in refused["Cache-Control"]
    client.logout()
    # A visitor is sent to the site's log-in page, with the way back.
    assert client.get(stove.url)["Location"] == "/accounts/login/?next=/products/trail-stove-2/"
    client.force_login(member)
    assert "Trail Stove 2" not in client.get("/products/").content.decode()
    now = timezone.now()
    redeem(member=member, reward_id=reward.pk, idempotency_key=key(), now=now)
    assert client.get(stove.url).status_code == 200
    assert "Trail Stove 2" not in client.get("/products/").content.decode()  # not listed before launch
    end_expired_access(now=now + datetime.timedelta(days=8))
    assert client.get(stove.url).status_code == 403
