import pytest
from django.urls import reverse

from tests.factories import UserFactory
from webhooks.models import Delivery, Endpoint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_local", "moderation_relaxed")]


@pytest.fixture
def staff(client):
    user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def add(client, **data):
    return client.post(reverse("admin:webhooks_endpoint_add"), {
        "url": "", "description": "Shop", "is_active": "on", **data})


def test_staff_register_an_endpoint_and_see_its_secret(client, staff, receiver):
    response = add(client, url=receiver.url, events=["post.created", "badge.granted"])
    assert response.status_code == 302
    endpoint = Endpoint.objects.get()
    assert endpoint.events == ["post.created", "badge.granted"]
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) == 6 + 32
    page = client.get(reverse("admin:webhooks_endpoint_change", args=[endpoint.pk]))
    assert endpoint.secret in page.content.decode()


def test_a_refused_url_is_explained_and_what_was_typed_is_kept(client, staff, settings):
    settings.HEARTH_WEBHOOKS_ALLOW_PRIVATE = False
    response = add(client, url="https://127.0.0.1/hooks", description="My shop", events=["post.created"])
    assert response.status_code == 200
    html = response.content.decode()
    assert "resolves to a loopback address" in html
    assert "My shop" in html and 'value="https://127.0.0.1/hooks"' in html
    assert not Endpoint.objects.exists()
    assert "This field is required" in add(client, url="https://127.0.0.1/hooks").content.decode()


def test_people_who_are_not_staff_reach_neither_endpoints_nor_deliveries(client):
    client.force_login(UserFactory())
    for name in ("admin:webhooks_endpoint_changelist", "admin:webhooks_delivery_changelist"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_delivery_log_shows_attempts_and_redeliver_sends_again(
        client, staff, receiver, make_endpoint, site_tree, django_capture_on_commit_callbacks):
    from tests.factories import make_product
    from tests.reviews.factories import write_review

    make_endpoint(url=receiver.url, events=["review.published"])
    with django_capture_on_commit_callbacks(execute=True):
        write_review(product=make_product(), rating=5, body="Works well, great kettle.")
    delivery = Delivery.objects.get()
    listing = client.get(reverse("admin:webhooks_delivery_changelist")).content.decode()
    assert "review.published" in listing and "Succeeded" in listing
    page = client.get(reverse("admin:webhooks_delivery_change", args=[delivery.pk])).content.decode()
    assert "Redeliver" in page and "{&quot;ok&quot;: true}" in page and delivery.msg_id in page
    redeliver = reverse("admin:webhooks_delivery_redeliver", args=[delivery.pk])
    assert client.get(redeliver).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(redeliver)
    assert response.status_code == 302
    assert len(receiver.received) == 2
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert client.post(reverse("admin:webhooks_delivery_redeliver", args=["99999"])).status_code == 404
    assert client.post(reverse("admin:webhooks_delivery_redeliver", args=["x"])).status_code == 404
    # The list's action too.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:webhooks_delivery_changelist"),
                    {"action": "redeliver", "_selected_action": [delivery.pk]})
    assert len(receiver.received) == 3


def test_switching_an_endpoint_back_on_clears_its_failure_record(client, staff, make_endpoint):
    from django.utils import timezone

    endpoint = make_endpoint(url="http://127.0.0.1:9/", events=["post.created"], is_active=False)
    Endpoint.objects.filter(pk=endpoint.pk).update(disabled_at=timezone.now(), disabled_reason="Failing",
                                                   failing_since=timezone.now(), exhausted_in_row=3)
    response = client.post(reverse("admin:webhooks_endpoint_change", args=[endpoint.pk]), {
        "url": endpoint.url, "description": "Shop", "events": ["post.created"], "is_active": "on"})
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.disabled_at is None and endpoint.exhausted_in_row == 0


def test_every_webhooks_admin_url_answers_each_reader_without_a_server_error(
        client, receiver, make_endpoint, site_tree, django_capture_on_commit_callbacks):
    """The admin's own walk for this app, on real objects (the site-wide walk groups the
    Django admin under one prefix with made-up ids)."""
    from django.urls import get_resolver

    from tests.factories import make_product
    from tests.reviews.factories import write_review

    endpoint = make_endpoint(url=receiver.url, events=["review.published"])
    with django_capture_on_commit_callbacks(execute=True):
        write_review(product=make_product(), rating=5, body="Works well, great kettle.")
    delivery = Delivery.objects.get()
    admin_resolver = next(p for p in get_resolver().url_patterns if str(p.pattern) == "django-admin/")
    names = sorted({name for name in admin_resolver.reverse_dict if isinstance(name, str)
                    and name.startswith("webhooks_")})
    assert "webhooks_delivery_redeliver" in names
    readers = {"superuser": UserFactory(is_staff=True, is_superuser=True),
               "staff without permissions": UserFactory(is_staff=True), "member": UserFactory(),
               "visitor": None}
    for reader, user in readers.items():
        client.logout()
        if user:
            client.force_login(user)
        for name in names:
            obj = endpoint if "endpoint" in name else delivery
            try:
                url = reverse(f"admin:{name}", args=[obj.pk])
            except Exception:
                url = reverse(f"admin:{name}")
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                assert response.status_code < 500, (reader, name, method, response.status_code)
                if reader in ("member", "visitor"):
                    assert response.status_code == 302 and "/login/" in response["Location"], (reader, name)
                if reader == "staff without permissions":
                    assert response.status_code in (302, 403, 405), (reader, name, method)
    endpoint.refresh_from_db()
    assert endpoint.secret.startswith("whsec_")


def test_the_delivery_log_costs_the_same_queries_however_many_deliveries_it_lists(
        client, staff, make_endpoint, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from webhooks import services

    make_endpoint(url="http://127.0.0.1:9/", events=["badge.granted"])
    make_endpoint(url="http://127.0.0.1:9/other", events=["badge.granted"])
    services.record_event(event_type="badge.granted", build=lambda: ("badge.granted:1", {}))
    url = reverse("admin:webhooks_delivery_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(2, 12):
        services.record_event(event_type="badge.granted", build=lambda n=n: (f"badge.granted:{n}", {}))
    with django_assert_num_queries(len(few)):
        assert client.get(url).content.decode().count("badge.granted") >= 22


def test_staff_send_a_test_event_from_the_endpoint_page_and_read_what_it_answered(
        client, staff, receiver, make_endpoint, django_capture_on_commit_callbacks):
    import json

    from tests.webhooks.test_delivery import recipe

    endpoint = make_endpoint(url=receiver.url, events=["post.created"])
    page = client.get(reverse("admin:webhooks_endpoint_change", args=[endpoint.pk])).content.decode()
    button = reverse("admin:webhooks_endpoint_test_event", args=[endpoint.pk])
    assert f'action="{button}"' in page and "Send a test event" in page
    assert client.get(button).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(button)
    delivery = Delivery.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:webhooks_delivery_change", args=[delivery.pk])
    request = receiver.received[0]
    assert recipe()(endpoint.secret, request.headers, request.body)  # signed like every event
    payload = json.loads(request.body)
    assert payload["type"] == "webhook.test" and payload["data"]["endpoint_id"] == endpoint.pk
    log = client.get(response["Location"]).content.decode()
    assert "A test event is on its way" in log and "webhook.test" in log and "Succeeded" in log
    assert client.post(reverse("admin:webhooks_endpoint_test_event", args=["99999"])).status_code == 404
    assert client.post(reverse("admin:webhooks_endpoint_test_event", args=["x"])).status_code == 404


def test_a_failing_test_event_is_one_attempt_and_does_not_count_against_the_endpoint(
        client, staff, make_endpoint, django_capture_on_commit_callbacks):
    endpoint = make_endpoint(url="http://127.0.0.1:9/", events=["post.created"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:webhooks_endpoint_changelist"),
                    {"action": "send_test_event", "_selected_action": [endpoint.pk]})
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.FAILED and delivery.attempts == 1
    assert delivery.next_attempt_at is None  # no retries
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None and endpoint.exhausted_in_row == 0 and endpoint.is_active


def test_a_switched_off_endpoint_gets_no_test_event_and_staff_are_told_why(client, staff, make_endpoint):
    endpoint = make_endpoint(url="http://127.0.0.1:9/", events=["post.created"], is_active=False)
    response = client.post(reverse("admin:webhooks_endpoint_test_event", args=[endpoint.pk]), follow=True)
    assert "back on before sending it a test event" in response.content.decode()
    assert not Delivery.objects.exists()


def test_staff_who_may_only_read_endpoints_cannot_send_test_events(client, make_endpoint):
    from django.contrib.auth.models import Permission

    endpoint = make_endpoint(url="http://127.0.0.1:9/", events=["post.created"])
    reader = UserFactory(is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_endpoint"))
    client.force_login(reader)
    page = client.get(reverse("admin:webhooks_endpoint_change", args=[endpoint.pk])).content.decode()
    assert "Send a test event" not in page
    response = client.post(reverse("admin:webhooks_endpoint_test_event", args=[endpoint.pk]), follow=True)
    assert "You may not send test events." in response.content.decode()
    assert not Delivery.objects.exists()
