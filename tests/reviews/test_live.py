"""Live product pages and the live follow-up queue over websockets, and the review fragment
the product page fetches."""

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.db import connections

from config.routing import websocket_urlpatterns
from reviews import services
from reviews.models import FollowUp
from tests.factories import BrandStaffFactory, CommunityManagerFactory, UserFactory, make_product
from tests.reviews.factories import write_review

SAD = "It broke after a week and leaks everywhere, terrible."


@pytest.fixture(autouse=True)
async def _close_thread_connections():
    """The ORM calls of these tests run in asgiref's worker thread; close its connection so
    the test database can be dropped at the end of the run."""
    yield
    await sync_to_async(connections.close_all)()


async def _connect(path: str, user=None):
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = user or AnonymousUser()
    connected, code = await communicator.connect()
    return communicator, connected, code


def _product(**fields):
    from community.site_tree import ensure_site_tree

    ensure_site_tree()
    return make_product(**fields)


@pytest.mark.django_db(transaction=True)
async def test_a_product_page_hears_of_new_reviews_brand_replies_and_helpful_votes():
    product = await sync_to_async(_product)(title="Kettle", sku="KET-1", slug="kettle")
    page, connected, _ = await _connect(f"/ws/reviews/products/{product.pk}/")
    assert connected

    review = await sync_to_async(write_review)(product=product, rating=5)
    assert await page.receive_json_from(timeout=5) == {"type": "review_changed", "review_id": review.pk}

    staff = await sync_to_async(BrandStaffFactory)()
    await sync_to_async(services.reply_as_brand)(staff=staff, review_id=review.pk, body="Thank you!",
                                                 p_negative=0.0)
    assert await page.receive_json_from(timeout=5) == {"type": "review_changed", "review_id": review.pk}

    voter = await sync_to_async(UserFactory)()
    await sync_to_async(services.mark_helpful)(voter=voter, review_id=review.pk)
    assert await page.receive_json_from(timeout=5) == {
        "type": "helpful_count", "review_id": review.pk, "helpful_count": 1}
    await page.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_product_that_is_not_live_cannot_be_followed():
    product = await sync_to_async(_product)(title="Draft", sku="DRA-1", slug="draft")
    await sync_to_async(type(product).objects.filter(pk=product.pk).update)(live=False)
    _page, connected, code = await _connect(f"/ws/reviews/products/{product.pk}/")
    assert not connected and code == 4403


@pytest.mark.django_db(transaction=True)
async def test_the_follow_up_queue_socket_refuses_visitors_and_customers():
    _socket, connected, code = await _connect("/ws/reviews/follow-ups/")
    assert not connected and code == 4401
    customer = await sync_to_async(UserFactory)()
    _socket, connected, code = await _connect("/ws/reviews/follow-ups/", customer)
    assert not connected and code == 4403


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ["brand staff", "community manager"])
async def test_staff_hear_when_a_review_is_flagged_and_when_a_follow_up_changes(role):
    worker = await sync_to_async(BrandStaffFactory if role == "brand staff" else CommunityManagerFactory)()
    queue, connected, _ = await _connect("/ws/reviews/follow-ups/", worker)
    assert connected
    product = await sync_to_async(_product)(title="Kettle", sku="KET-1", slug="kettle")

    await sync_to_async(write_review)(product=product, rating=1, body=SAD)
    follow_up = await sync_to_async(FollowUp.objects.get)()
    assert await queue.receive_json_from(timeout=5) == {"type": "follow_up_changed",
                                                        "follow_up_id": follow_up.pk}

    await sync_to_async(services.update_follow_up)(actor=worker, follow_up_id=follow_up.pk,
                                                   status=FollowUp.Status.IN_PROGRESS)
    assert await queue.receive_json_from(timeout=5) == {"type": "follow_up_changed",
                                                        "follow_up_id": follow_up.pk}
    await queue.disconnect()


@pytest.mark.django_db
def test_the_review_fragment_is_the_card_of_the_product_page_and_404_once_hidden(client, site_tree):
    make_product(title="Kettle", sku="KET-1", slug="kettle")
    review = write_review(product=make_product(title="Lamp", sku="LAM-1", slug="lamp"), title="Bright lamp")
    client.force_login(UserFactory())
    html = client.get(f"/reviews/{review.pk}/card/").content.decode()
    assert html.lstrip().startswith(f'<li class="card review" id="review-{review.pk}"')
    assert "Bright lamp" in html and "Flag this review" in html
    services.hide_review(actor=CommunityManagerFactory(), review_id=review.pk, reason="Spam")
    assert client.get(f"/reviews/{review.pk}/card/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("replies", [0, 1])
def test_the_review_fragment_query_count_is_fixed(client, site_tree, replies, django_assert_num_queries):
    review = write_review(product=make_product(title="Lamp", sku="LAM-1", slug="lamp"))
    if replies:
        services.reply_as_brand(staff=BrandStaffFactory(), review_id=review.pk, body="Thanks!",
                                p_negative=0.0)
    client.force_login(UserFactory())
    client.get(f"/reviews/{review.pk}/card/")
    # the product's view restrictions, the session user, the review with its author, reply and
    # vote, the author's groups, the reader's permissions (2) and groups (role checks).
    with django_assert_num_queries(QUERIES_CARD):
        client.get(f"/reviews/{review.pk}/card/")


QUERIES_CARD = 5  # the roles and permissions are one query (community.roles.viewer_roles)
