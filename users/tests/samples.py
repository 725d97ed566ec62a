"""The shared sample files (../shared/samples beside the repo) as uploads."""

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

SAMPLES = Path(settings.BASE_DIR).parent / "shared" / "samples"
CERTIFICATES = SAMPLES / "certificates"
REJECTED = SAMPLES / "rejected"


def upload(path: Path, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type=content_type)
