"""Optional error reporting to Sentry (or any server that speaks its protocol), off by default.

Settings call `sentry_init` only when `SENTRY_DSN` is set. What leaves the city: the exception,
its stack without local variables, the URL without its query string, the request id and the
person's id. What never does: request bodies, cookies, email addresses and names.
"""

from __future__ import annotations

import re
from typing import Any

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
KEPT_HEADERS = {"Host", "User-Agent", "X-Request-Id", "X-Forwarded-Proto"}


def _scrub_text(value: str) -> str:
    return EMAIL.sub("[email]", value)


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _scrub_text(value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    return value


def scrub_event(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """Drop the request body, cookies and query string, keep only the user's id, and blank out
    email addresses anywhere else (an exception message may quote one)."""
    from leanleaders.observability import current_request_id

    request = event.get("request")
    if request:
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers") or {}
        request["headers"] = {k: v for k, v in headers.items() if k.title() in KEPT_HEADERS}
    user = event.get("user")
    if user:
        event["user"] = {"id": user["id"]} if "id" in user else {}
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return _scrub(event)


def scrub_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    return _scrub(crumb)


def sentry_init(*, dsn: str, environment: str, release: str) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=0,
        before_send=scrub_event,  # type: ignore[arg-type]  # an Event is a TypedDict; we read it as a plain dict
        before_breadcrumb=scrub_breadcrumb,
    )
