import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from projects.uploads import check_upload


def tiny_png() -> bytes:
    """A valid 1x1 PNG, built byte by byte."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_real_png_is_accepted():
    checked = check_upload(SimpleUploadedFile("whiteboard.PNG", tiny_png()))
    assert checked.content_type == "image/png"
    assert checked.extension == ".png"


def test_pdf_is_accepted_whatever_its_name():
    checked = check_upload(
        SimpleUploadedFile("notes.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    )
    assert checked.content_type == "application/pdf"
    assert checked.extension == ".pdf"


def test_renamed_executable_is_refused():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
    with pytest.raises(ValidationError, match="not a photo or a PDF"):
        check_upload(SimpleUploadedFile("fishbone.png", exe, content_type="image/png"))


def test_html_and_svg_are_refused():
    for name, data in [("x.jpg", b"<html><script>alert(1)</script>"), ("x.svg", b"<svg></svg>")]:
        with pytest.raises(ValidationError):
            check_upload(SimpleUploadedFile(name, data))


def test_too_large_is_refused(settings):
    settings.MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationError, match="the limit is"):
        check_upload(SimpleUploadedFile("big.png", tiny_png() + b"\x00" * 200))


def test_empty_is_refused():
    with pytest.raises(ValidationError, match="empty"):
        check_upload(SimpleUploadedFile("e.png", b""))
