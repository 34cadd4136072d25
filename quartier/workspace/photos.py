"""The helper's photo as a centred square, cut from the sniffed and re-encoded upload."""

import io

from django.core.files.base import ContentFile
from PIL import Image

from quartier.platform.uploads import image_clean


def square_photo(upload) -> ContentFile:
    """Crop only pixels image_clean already decoded and re-encoded (never the raw bytes);
    the profile service cleans the result once more when it stores it."""
    clean = image_clean(upload, field="photo")
    image = Image.open(io.BytesIO(clean.content.read()))
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    cropped = image.crop((left, top, left + side, top + side))
    output = io.BytesIO()
    if clean.content_type == "image/png":
        cropped.save(output, format="PNG", optimize=True)
    else:
        cropped.convert("RGB").save(output, format="JPEG", quality=90)
    return ContentFile(output.getvalue(), name=f"photo.{clean.extension}")
