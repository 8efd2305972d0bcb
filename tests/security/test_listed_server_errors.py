"""The server errors found by hand (issue 16), each as it was sent: now a 4xx or a page.
The malformed-request walk (test_malformed_requests.py) covers every URL; these name the
cases that used to fail, so a regression reads plainly."""

import pytest
from channels.testing import WebsocketCommunicator
from django.urls import reverse

from community.middleware import storable_text
from community.params import parse_id
from moderation.models import QueueItem
from tests.factories import CommunityManagerFactory, UserFactory
from tests.forum.factories import make_topic
from tests.moderation.factories import flag_profile, member_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(moderation_relaxed):
    return member_at(2)


@pytest.mark.parametrize("reply_to", ["abc", "1.5", "²", "9" * 30, "-1", ""])
def test_a_reply_with_a_malformed_reply_to_is_answered_with_the_form_not_a_server_error(
        client, member, reply_to):
    topic = make_topic(author=member)
    client.force_login(member)
    response = client.post(reverse("forum:reply", args=[topic.pk]), {"body": "", "reply_to": reply_to})
    assert response.status_code == 400
    response = client.post(reverse("forum:reply", args=[topic.pk]),
                           {"body": "A reply long enough to post.", "reply_to": reply_to})
    assert response.status_code in (302, 400)


@pytest.mark.parametrize("path", [
    "/forum/search/?q=%00", "/u/%00/", "/badges/u/%00/achievements/", "/forum/members/?q=%00",
    "/moderation/members/%00/", "/forum/?page=%00",
])
def test_a_nul_byte_anywhere_in_a_request_is_a_bad_request(client, path):
    client.force_login(CommunityManagerFactory())
    assert client.get(path).status_code == 400


def test_invalid_utf8_in_a_query_is_read_with_replacement_characters(client):
    assert client.get("/forum/search/?q=%FF%FE%C0").status_code == 200


def test_a_nul_byte_in_a_form_field_or_cookie_is_a_bad_request(client, member):
    client.force_login(member)
    topic = make_topic(author=member)
    assert client.post(reverse("forum:reply", args=[topic.pk]), {"body": "hello\x00"}).status_code == 400
    client.cookies["sessionid"] = "abcdefgh\x00ijk"
    assert client.get("/forum/").status_code == 400


def test_a_multipart_body_without_a_boundary_is_a_bad_request(client, member):
    client.force_login(member)
    response = client.post("/ideas/new/", b"junk", content_type="multipart/form-data")
    assert response.status_code == 400


@pytest.mark.parametrize("version", ["abc", "", "9" * 30, "-1", "²"])
def test_the_moderation_edit_form_with_a_malformed_version_shows_the_form_again(client, version):
    manager = CommunityManagerFactory()
    flag_profile(UserFactory(display_name="Edited"))
    item = QueueItem.objects.latest("pk")
    client.force_login(manager)
    response = client.post(reverse("moderation:item_edit", args=[item.pk]),
                           {"display_name": "New", "bio": "", "version": version})
    assert response.status_code == 400
    assert "out of date" in response.content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/ws/nope/", "/ws/forum/t/-1/", "/ws/forum/t/abc/", "/ws/forum/t/%00/"])
async def test_an_unknown_websocket_path_is_refused_without_an_error(path, caplog):
    from config.asgi import application

    communicator = WebsocketCommunicator(application, path, headers=[(b"host", b"testserver"),
                                                                     (b"origin", b"http://testserver")])
    connected, _ = await communicator.connect(timeout=5)
    await communicator.disconnect()
    assert not connected
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


def test_numbers_from_urls_are_ascii_digits_within_the_id_range():
    assert [parse_id(text) for text in ["12", "0", "-1", "²", "١", "9" * 30, "", None, " 1"]] == \
        [12, None, None, None, None, None, None, None, None]
    assert storable_text("plain é") and not storable_text("a\x00b") and not storable_text("\ud800")


@pytest.mark.parametrize("path", ["/admin/documents/chooser/chosen/abc/", "/admin/images/chooser/chosen/x1/"])
def test_a_wagtail_chooser_asked_for_an_id_that_is_not_a_number_answers_not_found(client, path):
    client.force_login(CommunityManagerFactory())
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("next_value", ["abc", "https://evil.example/", "//evil.example/x"])
def test_the_admin_login_sends_a_signed_in_manager_on_only_to_a_path_of_this_site(client, next_value):
    client.force_login(CommunityManagerFactory())
    answer = client.get("/admin/login/", {"next": next_value})
    assert answer.status_code == 302 and answer["Location"] == "/admin/"
    assert client.get("/admin/login/", {"next": "/admin/pages/"})["Location"] == "/admin/pages/"
