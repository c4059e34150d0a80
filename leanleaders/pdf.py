"""HTML to PDF with WeasyPrint, for documents people keep or send (the Lean Leader certificate).

WeasyPrint fetches the stylesheets, fonts and images a page links to. It is given the app's
static files straight from disk and nothing else: a document never makes a network request
(no server-side request forgery through a URL in the page, no dependence on the site being up).
WeasyPrint needs Pango (Debian: libpango-1.0-0 libpangoft2-1.0-0), so it is imported only when
a PDF is made.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcherResponse

# Relative links in the document resolve against this; it names no reachable host.
BASE_URL = "https://document.invalid/"


def static_file(name: str) -> Path | None:
    """The file behind a {% static %} name, in development (the finders) or after collectstatic
    (the storage, whose names carry a content hash)."""
    found = finders.find(name)
    if found:
        return Path(found)
    try:
        path = Path(staticfiles_storage.path(name))
    except NotImplementedError:
        return None
    return path if path.is_file() else None


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    static_prefix = BASE_URL.rstrip("/") + settings.STATIC_URL

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
            name = url.split("?")[0].split("#")[0].removeprefix(static_prefix)
            path = static_file(name) if url.startswith(static_prefix) else None
            if path is None:
                raise ValueError(f"Documents load only the app's static files, not {url}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()
