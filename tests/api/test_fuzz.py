"""The API fuzzed from its own OpenAPI schema (schemathesis): for every operation, requests
generated from the schema, valid and invalid, as a member with a read-and-write token and as a
brand-staff account with the staff scope. No answer may be a server error, and every answer's
status code, content type and body must be ones the schema documents."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode, checks

from tests.api.conftest import token_for
from tests.factories import BrandStaffFactory, UserFactory
from tests.forum.factories import make_reply, make_topic
from tests.ideas.factories import published_idea
from tests.reviews.factories import write_review

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("moderation_relaxed", "site_tree")]

CHECKS = [checks.not_a_server_error, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_schema_conformance]
EXAMPLES = 12  # per operation and per caller: about 40 operations, two callers


@pytest.fixture
def api_schema(settings, moderation_relaxed, site_tree):
    # Throttles would turn the later examples into 429s (documented, but they would hide the
    # answers under test); the throttle itself is tested in test_sessions_and_throttles.py.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    topic = make_topic(title="Descaling the kettle")
    make_reply(topic)
    published_idea(title="A travel kettle")
    write_review(rating=2)
    # As Django's test client does: the test's transaction keeps its connection between calls.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/", WSGIHandler())
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def _summary(failure: Exception) -> str:
    """The lines of schemathesis' report that name what failed (its ST… codes), with what
    was received and the curl command that reproduces it."""
    lines = [line.strip() for line in str(failure).splitlines()]
    kept = [line for line in lines
            if line.startswith(("- ST", "Received", "Documented", "curl", "[5"))]
    return " | ".join(kept or lines[:3])[:600]


def _fuzz(schema, secret: str, mode: GenerationMode) -> list[str]:
    """Every operation fuzzed as the token's account; the failures, one line each."""
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.generate])
        def call(case):
            case.call_and_validate(headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS)

        try:
            call()
        except Exception as failure:  # noqa: BLE001 - every kind is a finding, reported below
            failures.append(f"{operation.label}: {_summary(failure)}")
    return failures


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                         ids=["valid", "invalid"])
def test_a_member_with_a_read_write_token_never_meets_a_server_error(api_schema, mode):
    assert _fuzz(api_schema, token_for(UserFactory(), ("read", "write"))[1], mode) == []


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                         ids=["valid", "invalid"])
def test_brand_staff_with_the_staff_scope_never_meet_a_server_error(api_schema, mode):
    secret = token_for(BrandStaffFactory(), ("read", "write", "staff"))[1]
    assert _fuzz(api_schema, secret, mode) == []
