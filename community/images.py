"""Validation and re-encoding of images members upload.

Every uploaded image is decoded by Pillow and written out again, so what is stored is a
plain image Hearth produced: no polyglot files, no metadata (EXIF location), no bombs.

Decoding costs time and memory in proportion to the pixels, not the bytes: a 130 KB PNG can
hold 40 megapixels and take seconds of a web process to decode. So the pixel count is read
from the header (Pillow opens lazily) and checked against a budget before anything is decoded.
"""

from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def _pixel_budget_error(width: int, height: int, max_pixels: int) -> ValidationError:
    return ValidationError(
        f"That image is {width}x{height} pixels ({width * height / 1_000_000:.0f} megapixels), "
        f"which is too large: the limit is {max_pixels / 1_000_000:.0f} megapixels. Make it "
        "smaller and upload it again.",
        code="too_many_pixels",
    )


def open_validated_image(
    upload: UploadedFile, *, max_bytes: int, max_pixels: int | None = None
) -> Image.Image:
    """Return the decoded image or raise a ValidationError that says what is wrong.

    ``max_pixels`` (default HEARTH_IMAGE_MAX_PIXELS) is checked from the header, before
    decoding."""
    if max_pixels is None:
        max_pixels = settings.HEARTH_IMAGE_MAX_PIXELS
    if upload.size and upload.size > max_bytes:
        raise ValidationError(
            f"That image is {_megabytes(upload.size)}; the limit is {_megabytes(max_bytes)}.",
            code="too_large",
        )
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
            if image_format not in ALLOWED_FORMATS:
                raise ValidationError(
                    "Upload a JPEG, PNG, GIF or WebP image.", code="unsupported_format"
                )
            if width * height > max_pixels:
                raise _pixel_budget_error(width, height, max_pixels)
            probe.verify()
        upload.seek(0)
        image = Image.open(upload)
        image.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        # Pillow refuses to even open images far past its own pixel limit: say why.
        raise ValidationError("That image has far too many pixels, which is too large.",
                              code="too_many_pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            "That file is not an image we can read. Upload a JPEG, PNG, GIF or WebP image.",
            code="invalid_image",
        ) from None
    return image


def reencode_square(image: Image.Image, *, size: int, name: str) -> InMemoryUploadedFile:
    """Crop to a centred square of ``size`` pixels and re-encode as JPEG."""
    image = ImageOps.exif_transpose(image)
    image = ImageOps.fit(image.convert("RGB"), (size, size), Image.Resampling.LANCZOS)
    return _as_upload(image, name=name)


def reencode_within(image: Image.Image, *, max_side: int, name: str) -> InMemoryUploadedFile:
    """Shrink to fit ``max_side`` (never enlarge) and re-encode as JPEG."""
    image = ImageOps.exif_transpose(image).convert("RGB")
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return _as_upload(image, name=name)


def _as_upload(image: Image.Image, *, name: str) -> InMemoryUploadedFile:
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=85, optimize=True)
    size = buffer.tell()
    buffer.seek(0)
    return InMemoryUploadedFile(buffer, "image", f"{name}.jpg", "image/jpeg", size, None)
