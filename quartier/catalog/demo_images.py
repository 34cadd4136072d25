"""Pictures for the demo marketplaces, drawn locally with Pillow (nothing is downloaded):
avatars (initials on a colour) and listing covers (a simple illustration per category).

They are returned as uploads and stored through the same services as a person's upload
(provider_photo_set, listing_photo_add), so they are sniffed, re-encoded and resized.
Covers come in COVER_VARIANTS per category, each drawn once per process and reused:
drawing and encoding a hundred unique pictures would cost seconds of the demo's minute.
"""

import io
from functools import cache

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageColor, ImageDraw, ImageFont

# Calm, saturated colours that carry white text (contrast >= 4.5:1).
AVATAR_COLOURS = (
    "#1d4ed8",
    "#b91c1c",
    "#047857",
    "#7c3aed",
    "#b45309",
    "#0f766e",
    "#be185d",
    "#4338ca",
    "#15803d",
    "#9d174d",
)
# (sky, ground, accent) per top-level category of the default tree.
COVER_PALETTES = {
    "internet-wlan": ("#dbeafe", "#1e3a8a", "#f59e0b"),
    "tv-entertainment": ("#ede9fe", "#4c1d95", "#f472b6"),
    "smartphone-computer": ("#dcfce7", "#14532d", "#38bdf8"),
    "home-assembly": ("#fef3c7", "#78350f", "#ef4444"),
}
COVER_SIZE = (640, 400)  # 16:10, like the cards and the listing page
COVER_VARIANTS = 6
AVATAR_SIZE = 192


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _upload(image: Image.Image, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _jpeg(image), content_type="image/jpeg")


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def initials(name: str) -> str:
    parts = [part for part in name.replace("-", " ").split() if part[:1].isalpha()]
    return "".join(part[0] for part in parts[:2]).upper() or "?"


def avatar_upload(*, name: str, number: int) -> SimpleUploadedFile:
    """A square avatar: the person's initials in white on one of AVATAR_COLOURS."""
    colour = AVATAR_COLOURS[number % len(AVATAR_COLOURS)]
    image = Image.new("RGB", (AVATAR_SIZE, AVATAR_SIZE), colour)
    draw = ImageDraw.Draw(image)
    draw.text(
        (AVATAR_SIZE / 2, AVATAR_SIZE / 2),
        initials(name),
        fill="#ffffff",
        font=_font(AVATAR_SIZE * 2 // 5),
        anchor="mm",
    )
    return _upload(image, f"avatar-{number}.png")


def _motif(draw: ImageDraw.ImageDraw, root: str, accent: str, ink: str, shift: int) -> None:
    """One simple object per category family, drawn in the middle of the cover."""
    x, y = COVER_SIZE[0] // 2 + shift, 210
    if root == "internet-wlan":  # a router with antennas and signal arcs
        draw.rounded_rectangle((x - 90, y, x + 90, y + 50), radius=12, fill=ink)
        draw.line((x - 60, y, x - 75, y - 60), fill=ink, width=8)
        draw.line((x + 60, y, x + 75, y - 60), fill=ink, width=8)
        for radius in (40, 70, 100):
            box = (x - radius, y - 40 - radius, x + radius, y - 40 + radius)
            draw.arc(box, 225, 315, fill=accent, width=8)
        for dot in range(3):
            draw.ellipse((x - 50 + dot * 25, y + 20, x - 40 + dot * 25, y + 30), fill=accent)
    elif root == "tv-entertainment":  # a screen on a stand with a play button
        draw.rounded_rectangle((x - 120, y - 90, x + 120, y + 50), radius=10, fill=ink)
        draw.rectangle((x - 108, y - 78, x + 108, y + 38), fill="#111827")
        draw.polygon([(x - 20, y - 45), (x - 20, y + 5), (x + 25, y - 20)], fill=accent)
        draw.rectangle((x - 10, y + 50, x + 10, y + 80), fill=ink)
        draw.rounded_rectangle((x - 60, y + 78, x + 60, y + 90), radius=6, fill=ink)
    elif root == "smartphone-computer":  # a laptop and a phone
        draw.rounded_rectangle((x - 130, y - 80, x + 40, y + 30), radius=8, fill=ink)
        draw.rectangle((x - 118, y - 68, x + 28, y + 18), fill=accent)
        keyboard = [(x - 150, y + 30), (x + 60, y + 30), (x + 75, y + 50), (x - 165, y + 50)]
        draw.polygon(keyboard, fill=ink)
        draw.rounded_rectangle((x + 70, y - 70, x + 130, y + 40), radius=10, fill=ink)
        draw.rectangle((x + 78, y - 58, x + 122, y + 26), fill="#f8fafc")
    else:  # home-assembly: a house with a toolbox
        draw.polygon([(x - 110, y - 10), (x, y - 100), (x + 110, y - 10)], fill=accent)
        draw.rectangle((x - 90, y - 10, x + 90, y + 80), fill=ink)
        draw.rectangle((x - 20, y + 20, x + 20, y + 80), fill="#f8fafc")
        draw.rectangle((x + 40, y + 5, x + 75, y + 35), fill="#f8fafc")
        draw.rounded_rectangle((x + 110, y + 40, x + 180, y + 80), radius=6, fill=accent)


def _gradient(top: str, bottom: str) -> Image.Image:
    """A vertical gradient the size of a cover: one column, stretched."""
    width, height = COVER_SIZE
    column = Image.new("RGB", (1, 2))
    column.putpixel((0, 0), ImageColor.getrgb(top))
    column.putpixel((0, 1), ImageColor.getrgb(bottom))
    return column.resize((width, height), Image.Resampling.BILINEAR)


@cache
def _cover(category_root: str, variant: int, label: str) -> bytes:
    sky, ground, accent = COVER_PALETTES.get(category_root, COVER_PALETTES["home-assembly"])
    width, height = COVER_SIZE
    image = _gradient("#ffffff", sky)
    draw = ImageDraw.Draw(image)
    # a sun and two hills, placed by the variant so neighbouring cards differ
    sun_x = 60 + (variant * 97) % (width - 120)
    draw.ellipse((sun_x, 30, sun_x + 56, 86), fill="#fde68a")
    draw.ellipse((-140, 290 - variant * 7, 360, 620), fill="#d1d5db")
    draw.ellipse((260, 310 - variant * 9, 800, 660), fill="#e5e7eb")
    _motif(draw, category_root, accent, ground, shift=(variant * 41) % 120 - 60)
    if label:
        font = _font(26)
        left, top, right, bottom = draw.textbbox((24, height - 52), label, font=font)
        draw.rounded_rectangle((left - 12, top - 8, right + 12, bottom + 8), radius=8, fill=ground)
        draw.text((24, height - 52), label, fill="#ffffff", font=font)
    return _jpeg(image)


def cover_upload(*, category_root: str, number: int, label: str = "") -> SimpleUploadedFile:
    """A 16:10 illustration: a gradient sky, hills, the category's object and a label;
    one of COVER_VARIANTS per category and label, picked by `number`."""
    data = _cover(category_root, number % COVER_VARIANTS, label)
    return SimpleUploadedFile(f"cover-{number}.jpg", data, content_type="image/jpeg")
