import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from community.models import User
from tests.factories import BrandStaffFactory, CommunityManagerFactory, UserFactory, image_upload

pytestmark = pytest.mark.django_db
EDIT = "/settings/profile/"


def test_public_profile_shows_name_bio_and_role_label(client):
    staff = BrandStaffFactory(display_name="Sam Care", bio="Here to help.")
    html = client.get(f"/u/{staff.username}/").content.decode()
    assert "Sam Care" in html
    assert "Here to help." in html
    assert "Brand staff" in html


def test_profile_of_unknown_member_is_404(client):
    assert client.get("/u/nobody-here/").status_code == 404


def test_profile_page_query_count_is_constant(client, django_assert_num_queries):
    member = CommunityManagerFactory()
    # the member, their groups (role label), trust level; then the achievements section:
    # points, levels and their basis setting, badges, history count, rule labels, challenges
    # (tests/badges/test_views.py checks it does not grow)
    with django_assert_num_queries(10):
        client.get(f"/u/{member.username}/")


def test_editing_the_profile_saves_and_reencodes_the_avatar(client):
    member = UserFactory()
    client.force_login(member)
    upload = image_upload("me.png", size=(800, 600))
    response = client.post(EDIT, {"display_name": "Ivy Green", "bio": "Hello!", "avatar": upload})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Ivy Green"
    assert member.avatar.name.endswith(".jpg")
    with Image.open(member.avatar.path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (256, 256)


def test_a_non_image_avatar_is_refused_and_the_typed_text_is_kept(client):
    member = UserFactory()
    client.force_login(member)
    fake = SimpleUploadedFile("me.png", b"<?php echo 'hi'; ?>", content_type="image/png")
    response = client.post(EDIT, {"display_name": "Ivy Green", "bio": "My bio", "avatar": fake})
    assert response.status_code == 200
    html = response.content.decode()
    assert "not an image we can read" in html
    assert 'value="Ivy Green"' in html
    assert "My bio" in html
    member.refresh_from_db()
    assert member.display_name != "Ivy Green"


def test_an_oversized_avatar_is_refused(client, settings):
    settings.HEARTH_AVATAR_MAX_BYTES = 1000
    member = UserFactory()
    client.force_login(member)
    response = client.post(EDIT, {"display_name": "", "bio": "",
                                  "avatar": image_upload(size=(400, 400), fmt="BMP")})
    assert "the limit is" in response.content.decode()


def test_a_decompression_bomb_is_refused_before_decoding(client, settings):
    settings.HEARTH_AVATAR_MAX_PIXELS = 100 * 100
    member = UserFactory()
    client.force_login(member)
    buffer = io.BytesIO()
    Image.new("L", (2000, 2000)).save(buffer, format="PNG")
    upload = SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")
    response = client.post(EDIT, {"display_name": "", "bio": "", "avatar": upload})
    assert "too large" in response.content.decode()


def test_an_unsupported_image_format_is_refused(client):
    member = UserFactory()
    client.force_login(member)
    response = client.post(EDIT, {"display_name": "", "bio": "",
                                  "avatar": image_upload("x.bmp", fmt="BMP", content_type="image/bmp")})
    assert "Upload a JPEG, PNG, GIF or WebP image." in response.content.decode()


def test_profile_editing_needs_a_login(client):
    response = client.get(EDIT)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_display_name_without_letters_is_refused(client):
    member = UserFactory()
    client.force_login(member)
    response = client.post(EDIT, {"display_name": "!!!", "bio": ""})
    assert "at least one letter or digit" in response.content.decode()
    assert User.objects.get(pk=member.pk).display_name != "!!!"


def test_uploaded_avatars_are_served_with_nosniff(client):
    member = UserFactory()
    client.force_login(member)
    client.post(EDIT, {"display_name": "Ivy", "bio": "", "avatar": image_upload()})
    member.refresh_from_db()
    response = client.get(member.avatar.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
