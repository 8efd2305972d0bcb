"""The tone of forum posts and idea comments (community.tone): scored in the background by
the review sentiment model, one row per post or comment, charted per area on the health
dashboard, and never used to hide or flag anything."""

import pytest

from community import tasks
from community.models import ContentTone
from forum.models import Post
from ideas import services as idea_services
from insights.selectors import community_health
from tests.factories import CommunityManagerFactory, ProductCategoryFactory, UserFactory
from tests.forum.factories import CategoryFactory, make_reply, make_topic
from tests.ideas.factories import published_idea

pytestmark = pytest.mark.django_db

GRUMPY = "This is terrible, broken and useless. I hate it."
HAPPY = "Great tip, thanks, works perfectly."


def _conversation():
    kitchen = CategoryFactory(name="Kitchen", slug="kitchen")
    topic = make_topic(category=kitchen, title="Descaling", body=HAPPY)
    make_reply(topic, body=GRUMPY)
    idea = published_idea(title="A quieter grinder", category=ProductCategoryFactory(name="Coffee"))
    idea_services.add_comment(author=UserFactory(), idea_id=idea.pk, body=GRUMPY)
    return topic


def test_posts_and_comments_are_scored_once_with_their_area():
    _conversation()
    assert tasks.score_content_tone() == "scored 3"
    assert tasks.score_content_tone() == "scored 0"
    areas = sorted(ContentTone.objects.values_list("area", flat=True))
    assert areas == ["Forum · Kitchen", "Forum · Kitchen", "Ideas · Coffee"]
    assert all(tone.model_version == "lexicon" for tone in ContentTone.objects.all())


def test_the_dashboard_charts_the_share_of_negative_posts_per_area(client):
    _conversation()
    tasks.score_content_tone()
    health = community_health(days=7)
    assert health.tone == {"Forum · Kitchen": [None] * 6 + [50], "Ideas · Coffee": [None] * 6 + [100]}
    client.force_login(CommunityManagerFactory())
    html = client.get("/staff/health/?days=7").content.decode()
    assert "Share of forum posts and idea comments reading as negative" in html
    assert "nothing is hidden or flagged because of it" in html


def test_a_negative_post_is_neither_hidden_nor_flagged():
    topic = _conversation()
    tasks.score_content_tone()
    assert not Post.objects.filter(topic=topic, is_hidden=True).exists()


def test_hidden_posts_are_left_out():
    topic = make_topic(title="Cheap descaler here", body=GRUMPY)
    Post.objects.filter(topic=topic).update(is_hidden=True)
    assert tasks.score_content_tone() == "scored 0"
