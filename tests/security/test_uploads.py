"""Hostile uploads through every member-facing upload field (avatar, idea images): refused
with a clear message, the form keeps what was typed, and nothing is stored."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile

from community.models import User
from ideas.models import Idea, IdeaImage
from tests.factories import UserFactory, image_upload

pytestmark = pytest.mark.django_db

UNREADABLE = "That file is not an image we can read"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    checksum = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)


def bomb_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A PNG of a few KB that claims 900 million pixels (a decompression bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    row = b"\x00" + b"\x00" * width
    body = zlib.compress(row * 10, 9)  # only the first rows: the header is what matters
    chunks = _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", body) + _png_chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def full_png(width: int, height: int) -> bytes:
    """A complete, valid greyscale PNG: every row present, all black, so a few hundred
    megapixels compress to a small file (40 MP is ~40 KB)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = b"\x00" * (width + 1)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    chunks = _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", body) + _png_chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def real_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def huge_file(size: int) -> bytes:
    return real_png() + b"\x00" * (size - len(real_png()))


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'

# name -> (file name, bytes, content type, words the message must contain)
HOSTILE_UPLOADS = {
    "html renamed .png": ("avatar.png", b"<html><script>alert(1)</script></html>", "image/png", UNREADABLE),
    "svg renamed .png": ("avatar.png", SVG, "image/png", UNREADABLE),
    "svg as svg": ("avatar.svg", SVG, "image/svg+xml", UNREADABLE),
    "exe renamed .jpg": ("avatar.jpg", b"MZ\x90\x00" + b"\x00" * 200, "image/jpeg", UNREADABLE),
    "pdf renamed .png": ("avatar.png", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF", "image/png", UNREADABLE),
    "truncated png": ("avatar.png", real_png()[:60], "image/png", UNREADABLE),
    "corrupt png": ("avatar.png", real_png()[:30] + b"\xff" * 40 + real_png()[70:], "image/png", UNREADABLE),
    "empty file": ("avatar.png", b"", "image/png", "empty"),
    "decompression bomb": ("avatar.png", bomb_png(), "image/png", "too large"),
    "huge dimensions, small file": ("avatar.png", bomb_png(9_000, 9_000), "image/png", "too large"),
    "40 megapixels, small and valid": ("avatar.png", full_png(8_000, 5_000), "image/png", "too large"),
    "bmp (a format not accepted)": ("avatar.png", None, "image/png", "Upload a JPEG, PNG, GIF or WebP image"),
    "oversized": ("avatar.png", huge_file(6 * 1024 * 1024), "image/png", "the limit is"),
}


def _bmp() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="BMP")
    return buffer.getvalue()


def hostile(name: str) -> SimpleUploadedFile:
    filename, content, content_type, _ = HOSTILE_UPLOADS[name]
    return SimpleUploadedFile(filename, _bmp() if content is None else content, content_type=content_type)


def _stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.mark.parametrize("name", HOSTILE_UPLOADS)
def test_a_hostile_avatar_is_refused_with_a_message_and_nothing_is_stored(client, settings, name):
    member = UserFactory(display_name="Before")
    client.force_login(member)
    response = client.post(reverse("community:profile_edit"),
                           {"display_name": "Typed name", "bio": "Typed bio", "avatar": hostile(name)})
    assert response.status_code in (200, 400), name
    page = response.content.decode()
    assert HOSTILE_UPLOADS[name][3] in page
    assert "Typed bio" in page  # what the member typed is kept
    member.refresh_from_db()
    assert member.display_name == "Before" and not member.avatar
    assert _stored_files(settings) == []


@pytest.mark.parametrize("name", HOSTILE_UPLOADS)
def test_a_hostile_idea_image_is_refused_with_a_message_and_nothing_is_stored(client, settings, name):
    member = UserFactory()
    client.force_login(member)
    response = client.post(reverse("ideas:new"), {
        "title": "A lid that clicks shut properly", "description": "So nothing leaks into the bag at all.",
        "images": [hostile(name)],
    })
    assert response.status_code == 400, name
    page = response.content.decode()
    assert HOSTILE_UPLOADS[name][3] in page
    assert "A lid that clicks shut properly" in page
    assert not Idea.objects.exists() and not IdeaImage.objects.exists()
    assert _stored_files(settings) == []


def test_a_polyglot_image_is_stored_only_as_the_image_hearth_re_encoded(client, settings):
    """A valid PNG with an HTML page appended decodes as an image: what is stored is a fresh
    JPEG with none of the appended bytes."""
    member = UserFactory()
    client.force_login(member)
    payload = real_png() + b"<html><script>alert(document.domain)</script></html>"
    upload = SimpleUploadedFile("a.png", payload, content_type="image/png")
    form = {"display_name": "Poly", "bio": "", "avatar": upload}
    response = client.post(reverse("community:profile_edit"), form)
    assert response.status_code == 302
    stored = User.objects.get(pk=member.pk).avatar
    data = stored.read()
    assert data.startswith(b"\xff\xd8") and b"<script" not in data
    assert stored.name.endswith(".jpg")


def test_a_normal_avatar_still_uploads(client):
    member = UserFactory()
    client.force_login(member)
    response = client.post(reverse("community:profile_edit"),
                           {"display_name": "Fine", "bio": "", "avatar": image_upload()})
    assert response.status_code == 302
    assert User.objects.get(pk=member.pk).avatar


@pytest.fixture
def decoding_forbidden(monkeypatch):
    """Fails the test if Pillow decodes any image's pixels."""
    def refuse_to_decode(self, *args, **kwargs):
        raise AssertionError("an image over the pixel budget was decoded")
    monkeypatch.setattr(Image.Image, "load", refuse_to_decode)
    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse_to_decode)


def test_an_avatar_over_the_pixel_budget_is_refused_from_its_header_without_decoding(
        client, settings, decoding_forbidden):
    settings.HEARTH_AVATAR_MAX_PIXELS = 16_000_000
    member = UserFactory()
    client.force_login(member)
    upload = SimpleUploadedFile("big.png", full_png(5_000, 4_000), content_type="image/png")
    response = client.post(reverse("community:profile_edit"),
                           {"display_name": "", "bio": "", "avatar": upload})
    assert response.status_code in (200, 400)
    assert "That image is 5000x4000 pixels (20 megapixels), which is too large: the limit is 16 megapixels" \
        in response.content.decode()
    assert not User.objects.get(pk=member.pk).avatar


def test_an_idea_image_over_the_pixel_budget_is_refused_from_its_header_without_decoding(
        client, settings, decoding_forbidden):
    settings.HEARTH_IMAGE_MAX_PIXELS = 25_000_000
    member = UserFactory()
    client.force_login(member)
    payload = full_png(8_000, 5_000)
    assert len(payload) < 130 * 1024
    response = client.post(reverse("ideas:new"), {
        "title": "A lid that clicks shut properly", "description": "So nothing leaks into the bag at all.",
        "images": [SimpleUploadedFile("big.png", payload, content_type="image/png")],
    })
    assert response.status_code == 400
    page = response.content.decode()
    assert "big.png: That image is 8000x5000 pixels (40 megapixels), which is too large" in page
    assert not IdeaImage.objects.exists()


def test_the_default_pixel_budgets_refuse_forty_megapixels(settings):
    assert settings.HEARTH_IMAGE_MAX_PIXELS < 40_000_000
    assert settings.HEARTH_AVATAR_MAX_PIXELS <= settings.HEARTH_IMAGE_MAX_PIXELS
