"""Uploaded files are sniffed, size-limited and (images) re-encoded before we keep them.

Never trust a file's name or declared type: the bytes decide. Images are decoded by
Pillow with a pixel budget (decompression bombs are refused before they are expanded),
then re-encoded from pixels, which drops metadata (GPS positions in photos) and anything
smuggled after the image data.
"""

import io
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from quartier.platform.errors import ApplicationError

FILE_TOO_LARGE = "file_too_large"
FILE_TYPE_MISMATCH = "file_type_mismatch"
FILE_TYPE_NOT_ALLOWED = "file_type_not_allowed"
IMAGE_INVALID = "image_invalid"
IMAGE_TOO_LARGE = "image_too_large"

MAX_IMAGE_PIXELS = 25_000_000  # 5000 x 5000
_PDF_MAGIC = b"%PDF-"
_IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
}


@dataclass(frozen=True)
class CleanFile:
    content: ContentFile
    content_type: str
    extension: str
    size: int
    width: int | None = None
    height: int | None = None


def _read_limited(upload, *, max_bytes: int, field: str) -> bytes:
    declared = getattr(upload, "size", None)
    if declared is not None and declared > max_bytes:
        raise _too_large(max_bytes, field)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(max_bytes, field)
    if not data:
        raise ApplicationError.invalid_field(field, _("The file is empty."), code=IMAGE_INVALID)
    return data


def _too_large(max_bytes: int, field: str) -> ApplicationError:
    megabytes = max_bytes / (1024 * 1024)
    return ApplicationError.invalid_field(
        field,
        _("The file is larger than %(megabytes)s MB.") % {"megabytes": f"{megabytes:g}"},
        code=FILE_TOO_LARGE,
    )


def image_clean(
    upload,
    *,
    field: str = "image",
    max_bytes: int = 5 * 1024 * 1024,
    max_side: int = 2400,
    formats: frozenset[str] = frozenset(_IMAGE_FORMATS),
) -> CleanFile:
    """Decode an uploaded image safely and re-encode it (JPEG, or PNG when transparent)."""
    data = _read_limited(upload, max_bytes=max_bytes, field=field)
    image = _open_image(data, field=field, formats=formats)
    image.thumbnail((max_side, max_side))
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    output = io.BytesIO()
    if has_alpha:
        image.convert("RGBA").save(output, format="PNG", optimize=True)
        content_type = "image/png"
    else:
        image.convert("RGB").save(output, format="JPEG", quality=85, optimize=True)
        content_type = "image/jpeg"
    encoded = output.getvalue()
    return CleanFile(
        content=ContentFile(encoded),
        content_type=content_type,
        extension=_EXTENSIONS[content_type],
        size=len(encoded),
        width=image.width,
        height=image.height,
    )


def _open_image(data: bytes, *, field: str, formats: frozenset[str]) -> Image.Image:
    with warnings.catch_warnings():
        # Pillow only warns between 1x and 2x its pixel limit; treat that as an error too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data))
            if probe.format not in formats:
                raise ApplicationError.invalid_field(
                    field, _("Upload a JPEG, PNG or WebP image."), code=FILE_TYPE_NOT_ALLOWED
                )
            width, height = probe.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ApplicationError.invalid_field(
                    field, _("The image has too many pixels."), code=IMAGE_TOO_LARGE
                )
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
        except ApplicationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise ApplicationError.invalid_field(
                field, _("The image has too many pixels."), code=IMAGE_TOO_LARGE
            ) from error
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise ApplicationError.invalid_field(
                field, _("This file is not a valid image."), code=IMAGE_INVALID
            ) from error
    return image


_DECLARED = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
}


def _check_declared_type(upload, sniffed: str, field: str) -> None:
    """A file whose name claims another type than its bytes is refused, not renamed:
    it is either a mistake the user should see or an attempt to smuggle something."""
    name = getattr(upload, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    declared = _DECLARED.get(extension)
    same_family = sniffed == "image/*" and declared and declared.startswith("image/")
    if declared and declared != sniffed and not same_family:
        raise ApplicationError.invalid_field(
            field,
            _("This file is not a .%(extension)s: its content is %(sniffed)s.")
            % {"extension": extension, "sniffed": sniffed},
            code=FILE_TYPE_MISMATCH,
        )


def document_clean(
    upload,
    *,
    field: str = "file",
    max_bytes: int = 10 * 1024 * 1024,
) -> CleanFile:
    """A PDF (kept as sent, after checking its structure) or an image (re-encoded)."""
    data = _read_limited(upload, max_bytes=max_bytes, field=field)
    if data.startswith(_PDF_MAGIC):
        if b"%%EOF" not in data[-2048:]:
            raise ApplicationError.invalid_field(
                field, _("This PDF is damaged or incomplete."), code=IMAGE_INVALID
            )
        _check_declared_type(upload, "application/pdf", field)
        return CleanFile(
            content=ContentFile(data),
            content_type="application/pdf",
            extension="pdf",
            size=len(data),
        )
    try:
        clean = image_clean(io.BytesIO(data), field=field, max_bytes=max_bytes)
    except ApplicationError as error:
        if error.code in (IMAGE_INVALID, FILE_TYPE_NOT_ALLOWED):
            raise ApplicationError.invalid_field(
                field, _("Upload a PDF, JPEG, PNG or WebP file."), code=FILE_TYPE_NOT_ALLOWED
            ) from error
        raise
    _check_declared_type(upload, "image/*", field)
    return clean
