"""Test data for themes: images and a valid set of changes."""

import io
import os

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

PHP = b"<?php system($_GET['c']); ?>\n"


def png_bytes(*, size: tuple[int, int] = (40, 20), colour=(200, 0, 90, 255)) -> bytes:
    output = io.BytesIO()
    Image.new("RGBA", size, colour).save(output, format="PNG")
    return output.getvalue()


def noise_png_bytes(side: int) -> bytes:
    """An incompressible PNG of about side * side * 3 bytes."""
    output = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(output, format="PNG")
    return output.getvalue()


def png_upload(name: str = "logo.png", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


def php_as_png(name: str = "logo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PHP, content_type="image/png")
