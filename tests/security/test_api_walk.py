"""Every route of the REST API, for every role, with a token of every scope the role may
hold, with every method and with a malformed body: never a server error, and every error is
problem details (application/problem+json), never the site's HTML pages."""

from __future__ import annotations

import pytest

from api import services as api_services
from api.models import ApiToken
from tests.security.urlwalk import walk_urls
from tests.security.walker import RoleClient
from tests.security.world import ROLES, make_roles, make_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("production_path")]

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
BODIES = ("{}", "{not json", '{"body": "x", "title": "Walk", "category": "walk", "rating": 3, "product": 1}')


def _scopes(user) -> list[str]:
    from community.roles import is_staff_member

    return ["read", "write", "staff"] if is_staff_member(user) else ["read", "write"]


def _token(user, scopes) -> str:
    """A token of ``user`` (a suspended member's too: one made before the suspension)."""
    secret = f"{api_services.TOKEN_PREFIX}walk-{user.pk}-{'-'.join(scopes)}"
    ApiToken.objects.create(
        user=user, name="walk", scopes=scopes, prefix=secret[:12], key_hash=api_services.digest(secret)
    )
    return secret


def test_every_api_route_answers_every_role_and_token_without_a_server_error(settings):
    # The walk would otherwise be throttled long before it ends.
    from rest_framework.throttling import SimpleRateThrottle

    saved = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = dict.fromkeys(saved, "100000/minute")
    try:
        world = make_world()
        roles = make_roles()
        urls = [
            url
            for url in walk_urls(world)
            if url.key.startswith("api:") and url.key not in ("api:schema", "api:docs")
        ]
        assert len(urls) > 15
        callers = {"anonymous": RoleClient(None)}
        for role, user in roles.items():
            if user is None:
                continue
            for scopes in (["read"], ["write"], _scopes(user)):
                callers[f"{role} {'+'.join(scopes)}"] = (RoleClient(None), _token(user, scopes))
        errors, not_problems, checked = [], [], 0
        for url in urls:
            for method in METHODS:
                for body in BODIES if method != "GET" else ("",):
                    for name, caller in callers.items():
                        client, token = caller if isinstance(caller, tuple) else (caller, None)
                        headers = {"Authorization": f"Bearer {token}"} if token else {}
                        got, response = client.request(
                            method, url.path, body, content_type="application/json", headers=headers
                        )
                        checked += 1
                        where = f"{method} {url.path} [{url.key}] as {name} with {body!r}"
                        if got == "error":
                            errors.append(f"{where}: {response}")
                        elif (
                            response.status_code >= 400
                            and response["Content-Type"] != "application/problem+json"
                        ):
                            not_problems.append(f"{where}: {response.status_code} {response['Content-Type']}")
        print(f"\nAPI walk: {len(urls)} routes, {len(callers)} callers, {checked} requests")
        assert not errors, "\n".join(errors[:20])
        assert not not_problems, "\n".join(not_problems[:20])
    finally:
        SimpleRateThrottle.THROTTLE_RATES = saved


def test_the_roles_of_the_walk_are_all_there():
    assert {"anonymous", "customer", "suspended", "brand_staff", "manager", "superuser"} == set(ROLES)
