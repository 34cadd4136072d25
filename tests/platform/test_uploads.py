import io
import struct
import zlib

import pytest
from PIL import Image

from quartier.platform.errors import ApplicationError
from quartier.platform.uploads import document_clean, image_clean


def _image_bytes(fmt="PNG", size=(40, 30), mode="RGB", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 128)).save(
        buffer, format=fmt, **save
    )
    return buffer.getvalue()


def test_images_are_re_encoded_without_metadata():
    jpeg = _image_bytes("JPEG", exif=Image.Exif().tobytes())

    clean = image_clean(io.BytesIO(jpeg))

    assert clean.content_type == "image/jpeg"
    assert (clean.width, clean.height) == (40, 30)
    assert b"Exif" not in clean.content.read()


def test_transparent_images_stay_png():
    clean = image_clean(io.BytesIO(_image_bytes("PNG", mode="RGBA")))

    assert (clean.content_type, clean.extension) == ("image/png", "png")


def test_large_images_are_scaled_down():
    clean = image_clean(io.BytesIO(_image_bytes("PNG", size=(3000, 1500))), max_side=1200)

    assert (clean.width, clean.height) == (1200, 600)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"%PDF-1.4 pretending to be a picture", "image_invalid"),
        (b"GIF89a" + b"\x00" * 50, "image_invalid"),
        (b"", "image_invalid"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image_invalid"),
    ],
)
def test_non_images_are_refused(data, code):
    with pytest.raises(ApplicationError) as raised:
        image_clean(io.BytesIO(data), field="photo")

    assert raised.value.code == code
    assert list(raised.value.fields) == ["photo"]


def test_gif_is_not_an_allowed_format():
    with pytest.raises(ApplicationError) as raised:
        image_clean(io.BytesIO(_image_bytes("GIF")))

    assert raised.value.code == "file_type_not_allowed"


def _png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims width x height pixels (a decompression bomb)."""
    png = bytearray(_image_bytes("PNG", size=(8, 8)))
    header = struct.pack(">II", width, height) + bytes(png[24:29])
    png[16:29] = header
    png[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return bytes(png)


def test_a_decompression_bomb_is_refused_before_it_is_expanded():
    bomb = _png_claiming(60_000, 60_000)

    with pytest.raises(ApplicationError) as raised:
        image_clean(io.BytesIO(bomb), max_bytes=50 * 1024 * 1024)

    assert raised.value.code == "image_too_large"


def test_oversized_files_are_refused_without_reading_them_whole():
    class Huge(io.BytesIO):
        size = 50 * 1024 * 1024

    with pytest.raises(ApplicationError) as raised:
        image_clean(Huge(b"x"), max_bytes=5 * 1024 * 1024)

    assert raised.value.code == "file_too_large"
    assert raised.value.fields == {"image": ["The file is larger than 5 MB."]}


def test_documents_accept_pdf_and_images_by_content_not_name():
    pdf = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

    assert document_clean(io.BytesIO(pdf)).content_type == "application/pdf"
    assert document_clean(io.BytesIO(_image_bytes("PNG"))).content_type == "image/jpeg"
    with pytest.raises(ApplicationError) as raised:
        document_clean(io.BytesIO(b"MZ\x90\x00 an executable"))
    assert raised.value.code == "file_type_not_allowed"
    with pytest.raises(ApplicationError):
        document_clean(io.BytesIO(b"%PDF-1.7 truncated"))


def test_a_pdf_named_like_an_image_is_refused():
    pdf = io.BytesIO(b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    pdf.name = "passport.png"

    with pytest.raises(ApplicationError) as raised:
        document_clean(pdf)

    assert raised.value.code == "file_type_mismatch"
    assert raised.value.fields == {
        "file": ["This file is not a .png: its content is application/pdf."]
    }
