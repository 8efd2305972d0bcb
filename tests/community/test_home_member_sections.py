"""The signed-in home page's sections of a member's own: their points and the rewards within
reach, their challenges, the ideas they support that moved. Each says why it is shown."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from badges.models import Challenge, ChallengeProgress
from community.models import Notification
from ideas import services as idea_services
from ideas.models import MilestoneReached
from tests.badges.conftest import restore_badge_defaults
from tests.factories import BrandStaffFactory, UserFactory
from tests.forum.factories import make_reply, make_topic
from tests.ideas.factories import published_idea
from tests.rewards.factories import give_points, level, make_reward

pytestmark = [pytest.mark.django_db,
              pytest.mark.usefixtures("moderation_relaxed", "site_tree", "levels")]


@pytest.fixture
def levels(db):
    """The default levels (Bronze 0, Silver 250, Gold 1000, Platinum 5000) and point rules."""
    restore_badge_defaults()


def _home(client, member) -> str:
    client.force_login(member)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_member_sees_their_points_the_next_level_and_rewards_within_reach(client):
    member = UserFactory()
    give_points(member, 300)
    make_reward(title="Sticker pack", cost=200)
    make_reward(title="Travel mug", cost=500)
    make_reward(title="Gold tote", cost=100, min_level=level("Gold"))
    html = _home(client, member)
    assert ">Your points</h2>" in html
    assert "You have 300 points to spend and are a Silver member." in html
    assert "700 more points to reach Gold" in html
    assert "Sticker pack" in html and "It is within your 300 points." in html
    assert "Travel mug" in html and "200 more points and it is yours." in html
    assert "Gold tote" not in html


def test_a_new_member_is_told_what_the_next_level_takes(client):
    html = _home(client, UserFactory())
    assert "You have 0 points to spend and are a Bronze member." in html
    assert "250 more points to reach Silver." in html


def test_a_reward_out_of_stock_is_not_suggested(client):
    member = UserFactory()
    give_points(member, 300)
    make_reward(title="Last mug", cost=100, kind="gift", stock=0)
    assert "Last mug" not in _home(client, member)


def _challenge(title: str, *, ends_in: datetime.timedelta) -> Challenge:
    now = timezone.now()
    return Challenge.objects.create(title=title, kind="reply_created", goal=5,
                                    starts_at=now - datetime.timedelta(days=1), ends_at=now + ends_in)


def test_a_member_sees_challenges_they_started_and_those_ending_soon(client):
    member = UserFactory()
    started = _challenge("Helping hand", ends_in=datetime.timedelta(days=20))
    _challenge("Weekend sprint", ends_in=datetime.timedelta(days=2))
    _challenge("Far away", ends_in=datetime.timedelta(days=20))
    finished = _challenge("Done already", ends_in=datetime.timedelta(days=1))
    ChallengeProgress.objects.create(challenge=started, user=member, count=3)
    ChallengeProgress.objects.create(challenge=finished, user=member, count=5,
                                     completed_at=timezone.now())
    html = _home(client, member)
    assert "Your challenges" in html
    assert "Helping hand" in html and "3 of 5" in html and "You have started it;" in html
    assert "Weekend sprint" in html and "It ends soon:" in html
    assert "Far away" not in html and "Done already" not in html


def test_a_supporter_sees_an_idea_that_moved_with_the_reason(client):
    supporter, bystander = UserFactory(), UserFactory()
    planned = published_idea(title="A travel kettle")
    popular = published_idea(title="A quieter grinder")
    for idea in (planned, popular):
        with transaction.atomic():
            idea_services.cast_support(user=supporter, idea_id=idea.pk)
    idea_services.decide_idea(actor=BrandStaffFactory(), idea_id=planned.pk, to_status="archived",
                              comment="Folded into the kettle range.")
    MilestoneReached.objects.create(idea=popular, supporters=100)
    html = _home(client, supporter)
    assert "Ideas you support are moving" in html
    assert "A travel kettle" in html and "Now Archived" in html
    assert "A quieter grinder" in html and "Reached 100 supporters" in html
    assert "You support this idea." in html
    assert "Ideas you support are moving" not in _home(client, bystander)


def test_publication_alone_is_not_a_move(client):
    supporter = UserFactory()
    idea = published_idea(title="A travel kettle")
    with transaction.atomic():
        idea_services.cast_support(user=supporter, idea_id=idea.pk)
    assert "Ideas you support are moving" not in _home(client, supporter)


def test_a_member_sees_unread_mentions_until_they_read_them(client, django_capture_on_commit_callbacks):
    mentioned = UserFactory(username="ada")
    topic = make_topic(title="Grinder settings")
    with django_capture_on_commit_callbacks(execute=True):
        make_reply(topic, body="@ada knows the answer")
    html = _home(client, mentioned)
    assert "Mentions of you" in html and "mentioned you in “Grinder settings”" in html
    assert "You were mentioned and have not read it yet." in html
    Notification.objects.filter(recipient=mentioned).update(read_at=timezone.now())
    assert "Mentions of you" not in _home(client, mentioned)


def test_an_owner_sees_new_reviews_and_brand_replies_on_what_they_bought(client):
    from reviews.services import reply_as_brand
    from tests.factories import make_product
    from tests.outreach.factories import bought
    from tests.reviews.factories import write_review

    owner, stranger = UserFactory(), UserFactory()
    kettle = make_product(title="Ember Kettle", sku="KET-1")
    bought(owner, kettle, days_ago=20)
    write_review(author=owner, product=kettle, rating=5, body="My own words about the kettle.")
    other = write_review(author=UserFactory(), product=kettle, rating=2,
                         body="The lid rattles when it boils.")
    reply_as_brand(staff=BrandStaffFactory(), review_id=other.pk,
                   body="Thank you, we are sending a new lid.", confirmed=True)
    html = _home(client, owner)
    assert "New about what you own" in html
    assert "1 new review, 1 brand reply" in html and "You own the Ember Kettle." in html
    assert "New about what you own" not in _home(client, stranger)
