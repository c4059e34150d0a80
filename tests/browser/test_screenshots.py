"""Screenshots of very long pages stay within what Chromium can capture."""

from __future__ import annotations

import struct

import pytest

from tests.browser.conftest import ARTIFACTS, LARGEST_CAPTURE, save_screenshot

pytestmark = pytest.mark.browser


def png_size(data: bytes) -> tuple[int, int]:
    return struct.unpack(">II", data[16:24])


def test_a_page_taller_than_chromium_can_capture_keeps_its_top(browser):
    context = browser.new_context(viewport={"width": 640, "height": 450}, device_scale_factor=2)
    page = context.new_page()
    page.set_content('<body style="margin:0"><div style="height:12000px">Top</div></body>')
    ARTIFACTS.mkdir(exist_ok=True)
    path = save_screenshot(page, ARTIFACTS / "long-page.png")
    width, height = png_size(path.read_bytes())
    context.close()
    assert width == 1280
    assert 0 < height <= LARGEST_CAPTURE
