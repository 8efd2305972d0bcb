"""A refusal a view lets through becomes its response in one place
(community.refusals.RefusalMiddleware), whichever app raised it."""

import pytest
from django.contrib.messages import get_messages
from django.test import RequestFactory

from community.refusals import Conflict, NotPermitted, RateLimited, Refusal, Suspended, refusal_response
from ideas.services import IdeaActionRefused
from moderation.services import ActionRefused
from moderation.services.limits import ActionRateLimited, SuspendedFromActing
from moderation.services.queue import ModerationConflict

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def refusing_urls(settings):
    settings.ROOT_URLCONF = "tests.community.refusal_urls"


def test_the_apps_refusals_speak_the_one_vocabulary():
    assert issubclass(ActionRefused, NotPermitted)
    assert issubclass(SuspendedFromActing, Suspended) and issubclass(SuspendedFromActing, ActionRefused)
    assert issubclass(ActionRateLimited, RateLimited) and issubclass(ActionRateLimited, ActionRefused)
    assert issubclass(ModerationConflict, Conflict)
    assert issubclass(IdeaActionRefused, NotPermitted)
    statuses = {cls: cls("x").status for cls in (ActionRefused, SuspendedFromActing, ActionRateLimited,
                                                 ModerationConflict, IdeaActionRefused)}
    assert statuses == {ActionRefused: 403, SuspendedFromActing: 403, ActionRateLimited: 429,
                        ModerationConflict: 409, IdeaActionRefused: 403}


def test_a_refusal_keeps_its_message_and_when_to_try_again():
    refusal = ActionRateLimited("Wait a little.", retry_at=None)
    assert (refusal.message, str(refusal), refusal.retry_at) == ("Wait a little.", "Wait a little.", None)
    assert Refusal().message == "That cannot be done."


@pytest.mark.parametrize(("path", "status"), [
    ("/test-refusals/refused/", 403), ("/test-refusals/limited/", 429),
    ("/test-refusals/conflict/", 409), ("/test-refusals/idea/", 403),
])
def test_an_htmx_request_gets_the_message_as_a_toast_with_the_refusals_status(client, path, status):
    response = client.post(path, headers={"HX-Request": "true"})
    assert response.status_code == status
    assert response["HX-Retarget"] == "#toasts"
    assert response["HX-Reswap"] == "beforeend"
    assert response["Hearth-Refusal"] == str(status)
    assert response.content.decode().startswith('<div class="toast" role="alert">')


def test_the_toast_escapes_the_message():
    request = RequestFactory().post("/", headers={"HX-Request": "true"})
    response = refusal_response(request, NotPermitted("<script>alert(1)</script>"))
    assert b"<script>" not in response.content
    assert b"&lt;script&gt;" in response.content


def test_a_form_post_from_a_page_of_the_site_gets_the_message_and_goes_back_to_that_page(client):
    response = client.post("/test-refusals/limited/", headers={"Referer": "http://testserver/forum/"})
    assert response.status_code == 302
    assert response["Location"] == "http://testserver/forum/"
    assert [m.message for m in get_messages(response.wsgi_request)] == ["You have reached the limit for now."]


def test_a_post_whose_referer_is_another_site_is_never_redirected_there(client):
    response = client.post("/test-refusals/conflict/", headers={"Referer": "https://elsewhere.example/"})
    assert response.status_code == 409
    assert "Another moderator acted first." in response.content.decode()


def test_a_page_request_gets_the_403_page_with_the_reason(client):
    response = client.get("/test-refusals/idea/")
    assert response.status_code == 403
    assert "Only community managers can merge ideas." in response.content.decode()
    assert [t.name for t in response.templates][0] == "403.html"


def test_a_page_request_refused_for_another_reason_gets_the_refusal_page_with_its_status(client):
    response = client.get("/test-refusals/limited/")
    assert response.status_code == 429
    assert "You have reached the limit for now." in response.content.decode()
    assert [t.name for t in response.templates][0] == "refusal.html"
