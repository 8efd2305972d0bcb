"""Personal and service tokens: stored hashed, shown once, scoped, revocable, expiring, with
their last use recorded; every failure a problem-details answer that changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api import services
from api.models import ApiToken
from community.refusals import Invalid, NotPermitted
from forum.models import Post
from moderation.services.members import suspend_member
from tests.api.conftest import ApiClient, problem_of, token_for
from tests.forum.factories import make_topic

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("moderation_relaxed")]


def test_a_token_is_stored_as_a_sha256_digest_with_a_short_visible_prefix(alice):
    token, secret = token_for(alice)
    assert secret.startswith("hearth_") and len(secret) > 40
    assert token.key_hash == services.digest(secret) != secret
    assert secret.startswith(token.prefix) and len(token.prefix) == services.VISIBLE_CHARS
    assert not ApiToken.objects.filter(key_hash=secret).exists()
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())


def test_a_token_needs_a_name_known_scopes_and_a_future_expiry(alice):
    with pytest.raises(Invalid):
        services.create_token(user=alice, name=" ", scopes=["read"])
    with pytest.raises(Invalid):
        services.create_token(user=alice, name="x", scopes=[])
    with pytest.raises(Invalid):
        services.create_token(user=alice, name="x", scopes=["admin"])
    with pytest.raises(Invalid):
        services.create_token(user=alice, name="x", scopes=["read"], expires_at=timezone.now())
    assert not ApiToken.objects.exists()


def test_only_staff_accounts_may_have_the_staff_scope(alice, brand, manager):
    with pytest.raises(NotPermitted):
        services.create_token(user=alice, name="x", scopes=["read", "staff"])
    assert services.create_token(user=brand, name="x", scopes=["read", "staff"])[0].scopes == [
        "read",
        "staff",
    ]
    assert services.create_token(user=manager, name="x", scopes=["staff"])[0].scopes == ["staff"]


def test_a_suspended_member_creates_no_token(alice, manager):
    suspend_member(actor=manager, user=alice, days=3, reason="spam")
    alice.refresh_from_db()
    with pytest.raises(NotPermitted):
        services.create_token(user=alice, name="x", scopes=["read"])


def test_a_token_authenticates_as_its_member_and_records_its_last_use(alice):
    token, secret = token_for(alice)
    response = ApiClient(secret).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == "alice"
    assert response.json()["points"] == {"lifetime": 0, "spendable": 0}
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_an_unknown_token_is_a_401_problem(db):
    body = problem_of(ApiClient("hearth_not-a-real-token").get("/api/v1/topics/"), 401)
    assert body["type"] == "urn:hearth:problem:token-invalid"


def test_a_revoked_token_is_refused_and_revoking_twice_changes_nothing(alice):
    token, secret = token_for(alice)
    services.revoke_token(actor=alice, token_id=token.pk)
    first = ApiToken.objects.get(pk=token.pk).revoked_at
    services.revoke_token(actor=alice, token_id=token.pk)
    assert ApiToken.objects.get(pk=token.pk).revoked_at == first
    response = ApiClient(secret).get("/api/v1/me/")
    body = problem_of(response, 401)
    assert body["type"] == "urn:hearth:problem:token-revoked"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_nobody_revokes_someone_elses_token(alice, bob):
    token, _ = token_for(alice)
    with pytest.raises(NotPermitted):
        services.revoke_token(actor=bob, token_id=token.pk)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_an_expired_token_is_refused_and_its_write_changes_nothing(alice, category, bob):
    topic = make_topic(author=bob, category=category)
    token, secret = token_for(alice, expires_at=timezone.now() + timedelta(days=1))
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = ApiClient(secret).post(f"/api/v1/topics/{topic.pk}/posts/", {"body": "Too late."})
    assert problem_of(response, 401)["type"] == "urn:hearth:problem:token-expired"
    assert Post.objects.filter(topic=topic).count() == 1


def test_a_read_only_token_cannot_write_and_the_write_changes_nothing(alice, bob, category):
    topic = make_topic(author=bob, category=category)
    client = ApiClient(token_for(alice, scopes=["read"])[1])
    assert client.get(f"/api/v1/topics/{topic.pk}/").status_code == 200
    body = problem_of(client.post(f"/api/v1/topics/{topic.pk}/posts/", {"body": "Hello"}), 403)
    assert body["type"] == "urn:hearth:problem:insufficient-scope"
    assert "write" in body["detail"]
    assert Post.objects.filter(topic=topic).count() == 1


def test_a_write_only_token_cannot_read(alice):
    client = ApiClient(token_for(alice, scopes=["write"])[1])
    assert problem_of(client.get("/api/v1/me/"), 403)["type"] == "urn:hearth:problem:insufficient-scope"


def test_staff_endpoints_need_the_staff_scope_even_for_staff(brand):
    without = ApiClient(token_for(brand, scopes=["read", "write"])[1])
    assert (
        problem_of(without.get("/api/v1/follow-ups/"), 403)["type"] == "urn:hearth:problem:insufficient-scope"
    )
    with_staff = ApiClient(token_for(brand, scopes=["read", "staff"])[1])
    assert with_staff.get("/api/v1/follow-ups/").status_code == 200


def test_a_malformed_body_is_a_400_problem_and_changes_nothing(alice, bob, category):
    topic = make_topic(author=bob, category=category)
    client = ApiClient(token_for(alice)[1])
    body = problem_of(client.send("post", f"/api/v1/topics/{topic.pk}/posts/", raw="{not json"), 400)
    assert body["type"] == "urn:hearth:problem:malformed-body"
    body = problem_of(client.post(f"/api/v1/topics/{topic.pk}/posts/", {"bodyy": "x"}), 400)
    assert body["type"] == "urn:hearth:problem:invalid"
    assert "body" in body["errors"]
    assert Post.objects.filter(topic=topic).count() == 1


def test_a_service_token_acts_as_the_account_staff_chose(brand, manager):
    token, secret = services.create_token(
        user=brand, name="shop sync", scopes=["read", "staff"], kind=ApiToken.Kind.SERVICE, created_by=manager
    )
    assert token.kind == "service" and token.created_by == manager
    assert ApiClient(secret).get("/api/v1/me/").json()["username"] == brand.username


def test_a_member_has_at_most_twenty_usable_tokens(alice):
    for _ in range(services.MAX_ACTIVE_TOKENS):
        token_for(alice)
    with pytest.raises(Invalid):
        token_for(alice)


def test_unreadable_text_is_a_problem_too(alice):
    body = problem_of(ApiClient(token_for(alice)[1]).get("/api/v1/topics/", {"category": "a\x00b"}), 400)
    assert body["type"] == "urn:hearth:problem:malformed-body"


def test_a_body_that_is_not_json_is_a_415_problem(alice, bob, category):
    topic = make_topic(author=bob, category=category)
    client = ApiClient(token_for(alice)[1])
    response = client.client.post(
        f"/api/v1/topics/{topic.pk}/posts/",
        "body=plain",
        content_type="text/plain",
        headers={"Authorization": f"Bearer {client.secret}"},
    )
    assert problem_of(response, 415)["type"] == "urn:hearth:problem:unsupported-media-type"
    assert Post.objects.filter(topic=topic).count() == 1
