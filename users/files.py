"""Certificate files: what we accept, what we call them on disk.

The type of an upload is decided by its content, never by the name or the Content-Type the client sends. Every upload
path (API, admin, seed_demo) goes through the model field's validator, so this module is the one place for the rule.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from io import BytesIO
from typing import IO

from botocore.exceptions import ClientError
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str


PDF = FileKind("pdf", "application/pdf")
IMAGE_KINDS = {
    "PNG": FileKind("png", "image/png"),
    "JPEG": FileKind("jpg", "image/jpeg"),
    "WEBP": FileKind("webp", "image/webp"),
}
KIND_BY_EXTENSION = {kind.extension: kind for kind in [PDF, *IMAGE_KINDS.values()]}
ALLOWED_DESCRIPTION = "PDF, PNG, JPEG or WebP"


def _read_all(file: IO[bytes]) -> bytes:
    file.seek(0)
    data = file.read()
    file.seek(0)
    return data


def _is_valid_pdf(data: bytes) -> bool:
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        return False
    try:
        reader = PdfReader(BytesIO(data), strict=True)
        return len(reader.pages) > 0
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        return False


def _check_pixel_count(image: Image.Image) -> None:
    """Refuse an image with more pixels than CERTIFICATE_IMAGE_MAX_PIXELS before decoding it.

    The byte cap does not bound the decoded size: a 100 KB PNG can hold 100 million pixels (100 MB and seconds of CPU
    to decode, per upload). Only the header has been read when this runs.
    """
    max_pixels = settings.CERTIFICATE_IMAGE_MAX_PIXELS
    if image.width * image.height > max_pixels:
        raise ValidationError(
            f"The image has more than {max_pixels // 1_000_000} million pixels ({image.width}x{image.height}).",
            code="too_many_pixels",
        )


def _image_kind(data: bytes) -> FileKind | None:
    try:
        with Image.open(BytesIO(data)) as image:
            kind = IMAGE_KINDS.get(image.format or "")
            if kind is None:
                return None
            _check_pixel_count(image)
            image.load()  # decodes every pixel: a truncated or corrupt image fails here
        return kind
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None


def detect_file_kind(file: IO[bytes]) -> FileKind | None:
    """The kind of a certificate file from its bytes, or None when it is not one we accept."""
    data = _read_all(file)
    if data.startswith(b"%PDF-"):
        return PDF if _is_valid_pdf(data) else None
    return _image_kind(data)


def validate_certificate_file(file) -> None:
    """Model-field validator: non-empty, at most CERTIFICATE_FILE_MAX_BYTES, and really a PDF or an image."""
    max_bytes = settings.CERTIFICATE_FILE_MAX_BYTES
    if not file.size:
        raise ValidationError("The file is empty.", code="empty")
    if file.size > max_bytes:
        raise ValidationError(f"The file is larger than {max_bytes // (1024 * 1024)} MB.", code="too_large")
    if isinstance(file, FieldFile) and file._committed:
        return  # already in storage: it was checked when it was uploaded
    if detect_file_kind(file) is None:
        raise ValidationError(
            f"Unsupported or damaged file: upload a {ALLOWED_DESCRIPTION} (checked by content, not by name).",
            code="invalid_type",
        )


def certificate_upload_to(instance, filename: str) -> str:
    """A server-made name: the client's filename never reaches the disk, the extension follows the content."""
    kind = detect_file_kind(instance.file_upload.file) or PDF
    return f"certificates/{uuid.uuid4().hex}.{kind.extension}"


def kind_of_stored_name(name: str) -> FileKind:
    """Stored names end with the extension we chose from the content, so the extension is trustworthy here."""
    return KIND_BY_EXTENSION.get(name.rsplit(".", 1)[-1].lower(), PDF)


def open_stored_file(name: str) -> File | None:
    """Open a stored file for reading, or None when it is gone, on disk or in S3 alike.

    A missing S3 object surfaces as botocore's ClientError rather than FileNotFoundError; any other storage error
    (an outage, refused credentials) still raises, so it is a server error and not a misleading 404.
    """
    try:
        return default_storage.open(name, "rb")
    except FileNotFoundError:
        return None
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
            return None
        raise
