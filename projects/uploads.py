"""Checking an uploaded attachment by its content, not its name."""

from __future__ import annotations

from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

# Detected type -> the extension we store it under. Nothing else is accepted.
ALLOWED_TYPES = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
}
MAX_FILES_PER_ENTRY = 5


@dataclass(frozen=True)
class CheckedUpload:
    file: UploadedFile
    content_type: str
    extension: str
    original_name: str
    size: int


def max_bytes() -> int:
    return int(settings.MAX_UPLOAD_BYTES)


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, size // 1024)} KB"


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """Raise ValidationError unless the file is a JPEG, PNG, GIF, WebP or PDF within the limit."""
    name = (upload.name or "file").replace("\x00", "")[-200:]
    size = upload.size or 0
    if size == 0:
        raise ValidationError(f"“{name}” is empty.")
    if size > max_bytes():
        raise ValidationError(
            f"“{name}” is {human_size(size)}; the limit is {human_size(max_bytes())}. "
            "A phone photo can be sent at a smaller size."
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError(
            f"“{name}” is not a photo or a PDF. Attach JPEG, PNG, GIF, WebP or PDF files only."
        )
    return CheckedUpload(
        file=upload,
        content_type=kind.mime,
        extension=ALLOWED_TYPES[kind.mime],
        original_name=name,
        size=size,
    )
