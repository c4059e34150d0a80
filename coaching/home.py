"""Home-page cards contributed by this app (see leanleaders/dashboard.py)."""

from __future__ import annotations

from django.http import HttpRequest

from leanleaders.dashboard import Section


def sections(request: HttpRequest) -> list[Section]:
    return []
