"""The home page's sections (community/home.py): what visitors see, what a member sees of
their own, each with the reason it is shown; fixed query counts; the visitors' cached page
goes stale with what it lists."""

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client

from community.home import register_section
from forum import services as forum_services
from ideas import services as idea_services
from tests.factories import CommunityManagerFactory, UserFactory, make_product
from tests.forum.factories import CategoryFactory, make_reply, make_topic
from tests.ideas.factories import published_idea
from tests.outreach.factories import bought
from tests.reviews.factories import write_review

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("moderation_relaxed", "site_tree")]


def _home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_visitors_see_latest_topics_trending_ideas_and_top_rated_products():
    make_topic(title="Descaling the kettle")
    published_idea(title="A travel kettle")
    write_review(product=make_product(title="Ember Kettle"), rating=5)
    html = _home(Client())
    for heading in ("Latest in the forum", "Trending ideas", "Top-rated products"):
        assert heading in html
    assert "Descaling the kettle" in html and "A travel kettle" in html
    assert "5.0 out of 5 from 1 review" in html
    assert "New replies to your topics" not in html


def test_a_member_sees_unread_replies_to_their_topics_with_the_reason(client):
    member = UserFactory()
    topic = make_topic(author=member, title="My grinder squeaks")
    make_reply(topic, body="Oil the burr.")
    make_reply(topic, body="Or ask support.")
    client.force_login(member)
    html = _home(client)
    assert "New replies to your topics" in html
    assert "My grinder squeaks" in html and "2 new replies" in html
    assert "You started this topic." in html


def test_replies_the_member_read_or_wrote_are_not_new(client):
    member = UserFactory()
    topic = make_topic(author=member, title="My grinder squeaks")
    make_reply(topic, body="Oil the burr.")
    make_reply(topic, author=member, body="Thanks, that worked.")
    client.force_login(member)
    assert "New replies to your topics" not in _home(client)


def test_a_topic_hidden_by_a_manager_leaves_the_visitors_cached_home_at_once(
        settings, django_capture_on_commit_callbacks):
    settings.HEARTH_ANONYMOUS_PAGE_CACHE = True
    topic = make_topic(title="Buy cheap descaler here")
    assert "Buy cheap descaler here" in _home(Client())
    with django_capture_on_commit_callbacks(execute=True):
        forum_services.hide_post(actor=CommunityManagerFactory(),
                                 post=topic.posts.get(post_number=1), reason="spam")
    assert "Buy cheap descaler here" not in _home(Client())


def test_a_section_for_visitors_must_say_what_it_lists():
    with pytest.raises(ValueError, match="depends_on"):
        register_section("test.unnamed", lambda *, member: None, order=1)


@pytest.mark.parametrize("rows", [1, 4])
def test_the_members_home_query_count_does_not_grow(client, rows, django_assert_num_queries):
    member = UserFactory()
    for index in range(rows):
        topic = make_topic(author=member, title=f"Question {index}")
        make_reply(topic)
        published_idea(title=f"Idea {index}")
        product = make_product(title=f"Thing {index}", sku=f"T-{index}")
        write_review(author=UserFactory(), product=product, rating=4)
        bought(member, product, days_ago=3)
    client.force_login(member)
    _home(client)
    with django_assert_num_queries(QUERIES_MEMBER_HOME):
        html = _home(client)
    assert html.count("You started this topic.") == rows
    assert html.count("and have not reviewed it yet.") == min(rows, 3)


# The session and member (with their groups; the site, its root page and where view
# restrictions are come from the cache: community/sites.py), one for the
# member's new replies, one for their unread mentions, one for the ideas they support that
# moved, one for their points balance, one for their purchases (read once for the three
# sections built on them: outreach.home_sections._purchases), one for which of them the member
# reviewed, one for the unanswered questions about them, three for the news about them
# (reviews, brand replies, the products with news: reviews.selectors.product_news) and one for
# which trending ideas they support. The latest topics, trending ideas, top-rated products,
# the levels, the catalogue and the running challenges every member sees alike come from the
# cache (no challenge runs here: no progress is asked).
QUERIES_MEMBER_HOME = 13


def test_the_visitors_home_query_count(django_assert_num_queries):
    for index in range(3):
        make_topic(title=f"Question {index}")
        published_idea(title=f"Idea {index}")
        write_review(product=make_product(title=f"Thing {index}", sku=f"T-{index}"), rating=4)
    _home(Client())
    with django_assert_num_queries(QUERIES_VISITOR_HOME):
        html = _home(Client())
    assert html.count("out of 5 from 1 review") == 3


# The page cache off: one for each section (the site, its root page and where view
# restrictions are come from the cache: community/sites.py).
QUERIES_VISITOR_HOME = 5


def test_a_repeat_visitor_gets_the_home_page_from_the_cache(settings, django_assert_num_queries):
    settings.HEARTH_ANONYMOUS_PAGE_CACHE = True
    make_topic(title="Descaling the kettle")
    _home(Client())
    with django_assert_num_queries(0):
        assert "Descaling the kettle" in _home(Client())


def test_members_of_an_early_access_group_share_a_latest_list_that_others_never_get(client):
    insiders = Group.objects.create(name="Early access")
    lounge = CategoryFactory(name="Insiders lounge", slug="insiders-lounge", members_group=insiders)
    first, second, outsider = UserFactory(), UserFactory(), UserFactory()
    for member in (first, second):
        member.groups.add(insiders)
    make_topic(author=first, category=lounge, title="Quokka prototype first look")
    for reader, sees in ((first, True), (outsider, False), (second, True), (outsider, False)):
        client.force_login(reader)
        assert ("Quokka prototype first look" in _home(client)) is sees


def test_a_members_own_hidden_topic_is_not_in_the_latest_list_others_share(client):
    author, reader = UserFactory(), UserFactory()
    topic = make_topic(author=author, title="Buy cheap descaler here")
    forum_services.hide_post(actor=CommunityManagerFactory(),
                             post=topic.posts.get(post_number=1), reason="spam")
    for member in (author, reader):
        client.force_login(member)
        assert "Buy cheap descaler here" not in _home(client)


def test_the_shared_trending_list_says_you_support_it_only_to_supporters(client):
    idea = published_idea(title="A travel kettle")
    supporter, other = UserFactory(), UserFactory()
    with transaction.atomic():
        idea_services.cast_support(user=supporter, idea_id=idea.pk)
    client.force_login(supporter)
    assert "You support it." in _home(client)
    client.force_login(other)
    html = _home(client)
    assert "A travel kettle" in html and "You support it." not in html


def test_a_new_topic_reaches_the_cached_latest_list_at_once(client, django_capture_on_commit_callbacks):
    member = UserFactory()
    client.force_login(member)
    make_topic(title="Descaling the kettle")
    assert "Descaling the kettle" in _home(client)
    with django_capture_on_commit_callbacks(execute=True):
        make_topic(title="A squeaky grinder")
    assert "A squeaky grinder" in _home(client)


def test_a_member_sharing_a_view_gets_the_shared_sections_from_the_cache(
        client, django_assert_num_queries):
    for index in range(3):
        make_topic(title=f"Question {index}")
        published_idea(title=f"Idea {index}")
        write_review(product=make_product(title=f"Thing {index}", sku=f"T-{index}"), rating=4)
    client.force_login(UserFactory())
    _home(client)
    client.force_login(UserFactory())
    _home(client)  # the session and the member's first request
    # Without purchases, nothing more is asked about them: which the member reviewed, the
    # questions about them nobody has answered, the news about them.
    with django_assert_num_queries(QUERIES_MEMBER_HOME - 5):
        html = _home(client)
    assert html.count("out of 5 from 1 review") == 3
