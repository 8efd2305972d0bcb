"""Product pictures for the demo catalogue, drawn at seed time with Pillow (no files are
shipped or downloaded): a soft backdrop in the category's colour and a simple silhouette of
the kind of product, so the catalogue looks like a shop rather than a row of letters."""

from __future__ import annotations

import io

from django.core.files.images import ImageFile
from PIL import Image as PilImage
from PIL import ImageDraw

SIZE = (960, 600)
PALETTES = {
    # category slug: (backdrop top, backdrop bottom, product colour, detail colour)
    "kitchen": ((250, 236, 222), (236, 206, 180), (196, 84, 46), (92, 44, 30)),
    "outdoor": ((224, 238, 228), (186, 214, 196), (46, 110, 82), (24, 56, 44)),
    "audio": ((230, 230, 246), (198, 200, 232), (64, 72, 140), (28, 30, 70)),
}
DEFAULT_PALETTE = ((238, 238, 238), (210, 210, 210), (90, 90, 90), (40, 40, 40))


def _backdrop(top, bottom) -> PilImage.Image:
    width, height = SIZE
    picture = PilImage.new("RGB", SIZE, top)
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        share = y / (height - 1)
        draw.line([(0, y), (width, y)],
                  fill=tuple(round(a + (b - a) * share) for a, b in zip(top, bottom, strict=True)))
    draw.ellipse([300, 470, 660, 530], fill=tuple(max(c - 30, 0) for c in bottom))  # shadow
    return picture


def _kettle(draw, body, detail):
    draw.rounded_rectangle([360, 230, 600, 500], radius=60, fill=body)
    draw.polygon([(600, 300), (690, 250), (700, 270), (610, 360)], fill=body)  # spout
    draw.arc([400, 140, 560, 300], 180, 360, fill=detail, width=22)  # handle
    draw.rectangle([360, 470, 600, 500], fill=detail)


def _grinder(draw, body, detail):
    draw.rounded_rectangle([400, 260, 560, 500], radius=24, fill=body)
    draw.polygon([(380, 260), (580, 260), (540, 170), (420, 170)], fill=detail)  # hopper
    draw.line([(480, 170), (480, 120), (590, 120)], fill=detail, width=16)  # crank
    draw.ellipse([575, 105, 615, 145], fill=body)


def _pour_over(draw, body, detail):
    draw.polygon([(380, 200), (580, 200), (515, 320), (445, 320)], fill=body)  # dripper
    draw.rounded_rectangle([420, 330, 540, 500], radius=30, fill=detail)  # server
    draw.arc([520, 360, 590, 450], 270, 90, fill=detail, width=14)


def _flask(draw, body, detail):
    draw.rounded_rectangle([420, 180, 540, 500], radius=50, fill=body)
    draw.rounded_rectangle([435, 140, 525, 200], radius=14, fill=detail)  # cap
    draw.rectangle([420, 300, 540, 330], fill=detail)


def _lantern(draw, body, detail):
    draw.arc([420, 120, 540, 240], 180, 360, fill=detail, width=14)  # handle
    draw.rounded_rectangle([400, 180, 560, 220], radius=10, fill=detail)
    draw.rounded_rectangle([415, 220, 545, 450], radius=20, fill=(255, 226, 140))  # light
    draw.rectangle([470, 240, 490, 430], fill=body)
    draw.rounded_rectangle([395, 450, 565, 500], radius=12, fill=detail)


def _stove(draw, body, detail):
    draw.rounded_rectangle([340, 380, 620, 500], radius=20, fill=body)
    draw.ellipse([400, 330, 560, 400], fill=detail)  # burner
    for x in (380, 580):
        draw.line([(x, 380), (x - 40 if x < 480 else x + 40, 300)], fill=detail, width=14)
    draw.pieslice([440, 260, 520, 360], 200, 340, fill=(240, 130, 60))  # flame


def _speaker(draw, body, detail):
    draw.rounded_rectangle([370, 160, 590, 500], radius=40, fill=body)
    draw.ellipse([410, 300, 550, 440], fill=detail)
    draw.ellipse([445, 335, 515, 405], fill=body)
    draw.ellipse([455, 200, 505, 250], fill=detail)


def _buds(draw, body, detail):
    draw.rounded_rectangle([360, 340, 600, 500], radius=70, fill=detail)  # case
    for x in (410, 510):
        draw.ellipse([x, 220, x + 80, 300], fill=body)
        draw.rounded_rectangle([x + 25, 280, x + 55, 370], radius=14, fill=body)


SILHOUETTES = {
    "kettle": _kettle, "grinder": _grinder, "pour-over": _pour_over, "flask": _flask,
    "lantern": _lantern, "stove": _stove, "speaker": _speaker, "buds": _buds,
}


def silhouette_for(slug: str):
    """The drawing whose name ends the product's slug ("ember-kettle" -> kettle), else a
    plain box."""
    for name, draw in SILHOUETTES.items():
        if slug.endswith(name):
            return draw
    return lambda draw, body, detail: draw.rounded_rectangle([380, 200, 580, 500], radius=30,
                                                             fill=body)


def product_picture(*, slug: str, category_slug: str) -> bytes:
    """A PNG of the product ``slug`` in its category's colours."""
    top, bottom, body, detail = PALETTES.get(category_slug, DEFAULT_PALETTE)
    picture = _backdrop(top, bottom)
    silhouette_for(slug)(ImageDraw.Draw(picture), body, detail)
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()


def picture_image(*, title: str, slug: str, category_slug: str):
    """A Wagtail image of the product's picture, saved to the media storage."""
    from wagtail.images import get_image_model

    data = io.BytesIO(product_picture(slug=slug, category_slug=category_slug))
    image = get_image_model()(title=f"{title} (demo picture)")
    image.file.save(f"demo-{slug}.png", ImageFile(data, name=f"demo-{slug}.png"), save=False)
    image.save()
    return image
