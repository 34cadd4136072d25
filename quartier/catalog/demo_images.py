"""Pictures for the demo marketplaces, drawn locally with Pillow (nothing is downloaded):
avatars (initials on a colour) and listing covers (a simple illustration per category).

They are returned as uploads and stored through the same services as a person's upload
(provider_photo_set, listing_photo_add), so they are sniffed, re-encoded and resized.
"""

import io
from functools import cache

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

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
COVER_SIZE = (480, 360)  # 4:3, like the cards
AVATAR_SIZE = 192


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _upload(image: Image.Image, name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


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
    x, y = 240 + shift, 190
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


def cover_upload(*, category_root: str, number: int) -> SimpleUploadedFile:
    """A 4:3 illustration: sky, hills and the category's object, varied by `number`."""
    sky, ground, accent = COVER_PALETTES.get(category_root, COVER_PALETTES["home-assembly"])
    width, height = COVER_SIZE
    image = Image.new("RGB", COVER_SIZE, sky)
    draw = ImageDraw.Draw(image)
    # a sun or moon and two hills, placed by the number so covers differ
    sun_x = 60 + (number * 67) % 360
    draw.ellipse((sun_x, 30, sun_x + 50, 80), fill="#fde68a")
    draw.ellipse((-120, 250 - number % 30, 300, 520), fill="#d1d5db")
    draw.ellipse((180, 270 - number % 40, 640, 560), fill="#e5e7eb")
    _motif(draw, category_root, accent, ground, shift=((number * 37) % 60) - 30)
    return _upload(image, f"cover-{number}.png")
