"""Questions about a product: a topic may name a live, public product (chosen on the new-topic
form, or pre-filled from the product page's "Ask a question about this product"); the topic
page links the product; the product page lists the latest questions about it, and its cached
copy for visitors goes stale when one is asked, answered, solved or hidden."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from wagtail.models import PageViewRestriction

from forum import services
from forum.models import Topic
from tests.factories import CommunityManagerFactory, UserFactory, make_product
from tests.forum.factories import CategoryFactory, make_reply, make_topic

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site_tree")]


@pytest.fixture
def kettle():
    return make_product(title="Ember Kettle", sku="EMB-1", slug="ember-kettle")


@pytest.fixture
def category():
    return CategoryFactory(name="Help", slug="help", sort_order=1)


def _ask(author, product, *, title="Does the Ember Kettle descale itself?", category=None):
    return services.start_topic(author=author, category=category or CategoryFactory(slug="help"),
                                title=title, body="Mine is new and I wonder.", product=product)


def _new_topic(client, category, **data):
    return client.post(reverse("forum:new_topic", args=[category.slug]),
                       {"title": "Is the kettle's lid dishwasher safe?",
                        "body": "The manual does not say.", **data})


def test_a_member_asks_about_a_product_from_the_new_topic_form(client, kettle, category):
    client.force_login(UserFactory())
    response = _new_topic(client, category, product=str(kettle.pk))
    topic = Topic.objects.get()
    assert response.status_code == 302 and response["Location"] == topic.get_absolute_url()
    assert topic.product_id == kettle.pk


def test_a_topic_need_not_be_about_a_product(client, kettle, category):
    client.force_login(UserFactory())
    assert _new_topic(client, category, product="").status_code == 302
    assert Topic.objects.get().product_id is None


@pytest.mark.parametrize("value", ["999999", "abc", "-1", "99999999999999999999"])
def test_a_product_that_is_not_on_the_site_is_refused_and_the_text_kept(client, kettle, category, value):
    client.force_login(UserFactory())
    response = _new_topic(client, category, product=value)
    html = response.content.decode()
    assert response.status_code == 200 and not Topic.objects.exists()
    assert "Choose a product from the list: that one is not on the site." in html
    assert "Is the kettle&#x27;s lid dishwasher safe?" in html and "The manual does not say." in html


def test_an_unpublished_or_private_product_cannot_be_asked_about(client, kettle, category):
    draft = make_product(title="Secret Grinder", sku="SEC-1")
    draft.unpublish()
    private = make_product(title="Staff Mug", sku="STF-1")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    client.force_login(UserFactory())
    form_html = client.get(reverse("forum:new_topic", args=[category.slug])).content.decode()
    assert "Ember Kettle" in form_html
    assert "Secret Grinder" not in form_html and "Staff Mug" not in form_html
    for product in (draft, private):
        response = _new_topic(client, category, product=str(product.pk))
        assert "Choose a product from the list" in response.content.decode()
    assert not Topic.objects.exists()
    # The service holds the same rule for any caller.
    with pytest.raises(ValidationError):
        _ask(UserFactory(), draft, category=category)


def test_the_ask_link_leads_to_a_new_topic_form_with_the_product_chosen(client, kettle, category):
    CategoryFactory(name="Announcements", slug="announcements", sort_order=0, is_restricted=True)
    client.force_login(UserFactory())
    response = client.get(f"{reverse('forum:ask_about_product')}?product={kettle.pk}")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('forum:new_topic', args=['help'])}?product={kettle.pk}"
    html = client.get(response["Location"]).content.decode()
    assert f'<option value="{kettle.pk}" selected>Ember Kettle</option>' in html


def test_a_visitor_asking_is_sent_to_log_in_first(client, kettle, category):
    response = client.get(f"{reverse('forum:ask_about_product')}?product={kettle.pk}")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_bad_product_in_the_link_is_simply_not_chosen(client, kettle, category):
    client.force_login(UserFactory())
    for value in ("nope", "0", "123456789"):
        response = client.get(f"{reverse('forum:new_topic', args=['help'])}?product={value}")
        assert response.status_code == 200
        select = response.content.decode().split('name="product"')[1].split("</select>")[0]
        assert f'<option value="{kettle.pk}">Ember Kettle</option>' in select


def test_the_topic_page_says_which_product_it_is_about(client, kettle, category):
    topic = _ask(UserFactory(), kettle, category=category)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert f'About: <a href="{kettle.url}">Ember Kettle</a>' in html
    other = make_topic(category=category, title="General chat about tea")
    assert "About:" not in client.get(other.get_absolute_url()).content.decode()


def test_the_product_page_lists_the_latest_questions_with_replies_and_solved(client, kettle, category):
    asker = UserFactory()
    solved = _ask(asker, kettle, title="Why does my kettle click twice?", category=category)
    answer = make_reply(solved, body="It is the thermostat settling.")
    services.accept_answer(actor=asker, post=answer)
    _ask(UserFactory(), kettle, title="Can it boil half a litre?", category=category)
    hidden = _ask(UserFactory(), kettle, title="Cheap kettles here buy now", category=category)
    services.hide_post(actor=CommunityManagerFactory(), post=hidden.posts.get(post_number=1), reason="spam")
    lounge = CategoryFactory(name="Lounge", slug="lounge",
                             members_group=Group.objects.create(name="Insiders"))
    _ask(CommunityManagerFactory(), kettle, title="Insiders only: a new lid?", category=lounge)
    make_topic(category=category, title="Not about the kettle at all")
    html = client.get(kettle.url).content.decode()
    section = html.split("Questions about this product")[1]
    assert "Why does my kettle click twice?" in section and "1 reply" in section and "Solved" in section
    assert "Can it boil half a litre?" in section and "no replies yet" in section
    assert "Cheap kettles" not in section and "Insiders only" not in section
    assert "Not about the kettle" not in section
    assert f"{reverse('forum:ask_about_product')}?product={kettle.pk}" in section
    assert "Ask a question about this product" in section


def test_the_product_page_shows_the_five_latest_questions(client, kettle, category):
    for index in range(7):
        _ask(UserFactory(), kettle, title=f"Kettle question number {index}", category=category)
    section = client.get(kettle.url).content.decode().split("Questions about this product")[1]
    assert section.count("Kettle question number") == 5
    assert "Kettle question number 6" in section and "Kettle question number 1" not in section


@pytest.mark.parametrize("questions", [0, 2, 6])
def test_the_product_page_query_count_does_not_grow_with_questions(client, kettle, category, questions,
                                                                   django_assert_num_queries):
    from tests.reviews.test_views import QUERIES_PRODUCT_PAGE

    for index in range(questions):
        make_reply(_ask(UserFactory(), kettle, title=f"Kettle question number {index}", category=category))
    client.force_login(UserFactory())
    client.get(kettle.url)  # warm Wagtail's site caches and the page of reviews
    with django_assert_num_queries(QUERIES_PRODUCT_PAGE):
        html = client.get(kettle.url).content.decode()
    assert html.count("Kettle question number") == min(questions, 5)


@pytest.mark.parametrize("change", ["asked", "replied", "solved", "hidden", "deleted", "moved"])
def test_the_visitors_cached_product_page_follows_its_questions(settings, kettle, category, change,
                                                                django_capture_on_commit_callbacks):
    settings.HEARTH_ANONYMOUS_PAGE_CACHE = True
    asker, manager = UserFactory(), CommunityManagerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        topic = _ask(asker, kettle, title="Does it keep water warm?", category=category)
    Client().get(kettle.url)  # stored in the page cache
    with django_capture_on_commit_callbacks(execute=True):
        if change == "asked":
            _ask(UserFactory(), kettle, title="How loud is the Ember Kettle?", category=category)
        elif change == "replied":
            make_reply(topic, body="Yes, for about an hour.")
        elif change == "solved":
            services.accept_answer(actor=asker, post=make_reply(topic, body="Yes, for about an hour."))
        elif change == "hidden":
            services.hide_post(actor=manager, post=topic.posts.get(post_number=1), reason="spam")
        elif change == "deleted":
            services.delete_post(actor=asker, post=topic.posts.get(post_number=1))
        else:
            services.move_topic(actor=manager, topic=topic, category=CategoryFactory(
                slug="secret", members_group=Group.objects.create(name="Insiders")))
    section = Client().get(kettle.url).content.decode().split("Questions about this product")[1]
    if change == "asked":
        assert "How loud is the Ember Kettle?" in section
    elif change == "replied":
        assert "1 reply" in section
    elif change == "solved":
        assert "Solved" in section
    else:
        assert "Does it keep water warm?" not in section


def test_the_api_shows_which_product_a_topic_is_about(client, kettle, category):
    topic = _ask(UserFactory(), kettle, category=category)
    plain = make_topic(category=category, title="General chat about tea")
    assert client.get(f"/api/v1/topics/{topic.pk}/").json()["product"] == kettle.pk
    assert client.get(f"/api/v1/topics/{plain.pk}/").json()["product"] is None


def test_the_author_changes_or_clears_the_product_when_editing_the_opening_post(client, kettle, category,
                                                                               django_capture_on_commit_callbacks):
    flask = make_product(title="Trail Flask", sku="FLA-1")
    author = UserFactory()
    topic = _ask(author, kettle, category=category)
    opening = topic.posts.get(post_number=1)
    client.force_login(author)
    edit_url = reverse("forum:edit_post", args=[opening.pk])
    form_html = client.get(edit_url).content.decode()
    assert f'<option value="{kettle.pk}" selected>Ember Kettle</option>' in form_html
    data = {"title": topic.title, "body": opening.body}
    response = client.post(edit_url, {**data, "product": "424242"})
    assert response.status_code == 200 and "Choose a product from the list" in response.content.decode()
    topic.refresh_from_db()
    assert topic.product_id == kettle.pk
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(edit_url, {**data, "product": str(flask.pk)}).status_code == 302
    topic.refresh_from_db()
    assert topic.product_id == flask.pk and opening.revisions.count() == 0
    assert "Does the Ember Kettle descale itself?" not in client.get(kettle.url).content.decode()
    assert "Does the Ember Kettle descale itself?" in client.get(flask.url).content.decode()
    assert client.post(edit_url, {**data, "product": ""}).status_code == 302
    topic.refresh_from_db()
    assert topic.product_id is None


def test_a_reply_has_no_product_to_edit(client, kettle, category):
    topic = _ask(UserFactory(), kettle, category=category)
    reply = make_reply(topic, body="Mine does, every week.")
    client.force_login(reply.author)
    html = client.get(reverse("forum:edit_post", args=[reply.pk])).content.decode()
    assert "About a product" not in html
    assert client.post(reverse("forum:edit_post", args=[reply.pk]),
                       {"body": "Mine does, every month.", "product": ""}).status_code == 302
    topic.refresh_from_db()
    assert topic.product_id == kettle.pk
