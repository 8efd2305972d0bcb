"""The home page's "Can you help?" (outreach/home_sections.py): unanswered questions of the
last 30 days about products the member bought, each saying why it is shown."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from forum import services as forum_services
from forum.models import Topic
from outreach.home_sections import questions_you_can_answer
from tests.factories import CommunityManagerFactory, UserFactory, make_product
from tests.forum.factories import CategoryFactory, make_reply
from tests.outreach.factories import bought

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("moderation_relaxed", "site_tree")]

REASON = "You own the Ember Kettle: can you help?"


@pytest.fixture
def kettle():
    return make_product(title="Ember Kettle", sku="EMB-1")


def _ask(product, *, author=None, title="Does the Ember Kettle descale itself?"):
    return forum_services.start_topic(author=author or UserFactory(), category=CategoryFactory(slug="help"),
                                      title=title, body="Mine is new and I wonder.", product=product)


def _home(member) -> str:
    client = Client()
    client.force_login(member)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_owner_is_asked_to_help_with_the_reason(kettle):
    owner = UserFactory()
    bought(owner, kettle, days_ago=40)
    topic = _ask(kettle)
    html = _home(owner)
    assert "Can you help?" in html and REASON in html
    assert f'href="{topic.get_absolute_url()}">Does the Ember Kettle descale itself?</a>' in html


def test_a_member_who_did_not_buy_it_is_not_asked(kettle):
    bought(UserFactory(), kettle)
    _ask(kettle)
    html = _home(UserFactory())
    assert "Can you help?" not in html and REASON not in html


def test_a_refunded_purchase_does_not_make_an_owner(kettle):
    from shop.models import Order

    refunded = UserFactory()
    bought(refunded, kettle, status=Order.Status.REFUNDED)
    _ask(kettle)
    assert REASON not in _home(refunded)


def test_answered_solved_hidden_and_old_questions_drop_out(kettle):
    owner = UserFactory()
    bought(owner, kettle)
    replied = _ask(kettle, title="Is the lid dishwasher safe?")
    make_reply(replied, body="Top rack only.")
    hidden = _ask(kettle, title="Cheap kettles here buy now")
    forum_services.hide_post(actor=CommunityManagerFactory(), post=hidden.posts.get(post_number=1),
                             reason="spam")
    old = _ask(kettle, title="Does it come in green?")
    Topic.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=31))
    other_product = _ask(make_product(title="Trail Flask"), title="How cold does the flask stay?")
    section = questions_you_can_answer(member=owner)
    assert [item.title for item in section.items] == []
    fresh = _ask(kettle, title="Can it boil half a litre?")
    section = questions_you_can_answer(member=owner)
    assert [(item.title, item.why, item.url) for item in section.items] == [
        ("Can it boil half a litre?", REASON, fresh.get_absolute_url())]
    assert other_product.pk not in [item.object_id for item in section.items]


def test_the_owners_own_question_is_not_put_to_them(kettle):
    owner = UserFactory()
    bought(owner, kettle)
    _ask(kettle, author=owner)
    assert questions_you_can_answer(member=owner).items == []
    assert REASON not in _home(owner)


def test_a_question_in_a_members_only_category_is_not_listed(kettle):
    from django.contrib.auth.models import Group

    owner = UserFactory()
    bought(owner, kettle)
    lounge = CategoryFactory(slug="lounge", members_group=Group.objects.create(name="Insiders"))
    forum_services.start_topic(author=CommunityManagerFactory(), category=lounge,
                               title="Insiders only: a new lid?", body="Tell us.", product=kettle)
    assert questions_you_can_answer(member=owner).items == []


def test_the_section_costs_two_queries_however_many_questions(kettle, django_assert_num_queries):
    owner = UserFactory()
    products = [kettle, make_product(title="Trail Flask")]
    bought(owner, *products)
    for index in range(7):
        _ask(products[index % 2], title=f"Question number {index} about it")
    with django_assert_num_queries(2):
        section = questions_you_can_answer(member=owner)
    assert len(section.items) == 5
    assert {item.why for item in section.items} == {REASON, "You own the Trail Flask: can you help?"}
