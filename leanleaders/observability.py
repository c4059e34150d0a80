"""Request ids, the request log, JSON log lines, and the request id carried into Celery tasks.

Every request gets an id: the proxy's `X-Request-ID` when it sends a well-formed one, else a new
one. It is on every log line written while the request runs (including the security log), on
the response, on the Celery tasks the request queues and on the outbox rows it writes, so one
email can be traced back to the click that sent it. Log lines carry ids only: no names, email
addresses, query strings or tokens from the path.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

request_log = logging.getLogger("leanleaders.request")

REQUEST_ID_HEADER = "X-Request-ID"
# What we accept from the proxy: short and plain, so it is safe in a log line and a mail header.
REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# URL parts that are secrets: the path is logged with these replaced by their names.
SECRET_URL_KWARGS = ("token", "uidb64")
# Probes arrive every few seconds from each load balancer; they are logged only at DEBUG.
PROBE_PATHS = ("/healthz", "/readyz", "/metrics")

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def current_request_id() -> str:
    return _request_id.get()


@contextmanager
def request_id_bound(request_id: str) -> Iterator[None]:
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


def new_request_id() -> str:
    return uuid.uuid4().hex


def incoming_request_id(request: HttpRequest) -> str:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if REQUEST_ID_PATTERN.match(given) else new_request_id()


def loggable_path(request: HttpRequest) -> str:
    """The path without its query string, and with tokens (activation, reset) named, not shown."""
    path = request.path
    match = request.resolver_match
    if match is not None:
        for name in SECRET_URL_KWARGS:
            value = match.kwargs.get(name)
            if value:
                path = path.replace(str(value), f"<{name}>")
    return path


def view_label(request: HttpRequest) -> str:
    match = request.resolver_match
    return match.view_name if match is not None else "unmatched"


def signed_in_user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def install_log_record_factory() -> None:
    """Every log record gets `request_id`, whichever handler or test captures it."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "adds_request_id", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.request_id = current_request_id() or "-"
        return record

    factory.adds_request_id = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


_STANDARD_RECORD_FIELDS = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line (`LOG_FORMAT=json`), with the record's extra fields as keys."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_RECORD_FIELDS and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class RequestLogMiddleware:
    """Outermost middleware: binds the request id, then writes one line per request and
    records its latency for the metrics endpoint."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from leanleaders.metrics import observe_request

        request_id = incoming_request_id(request)
        # Bound until the response is closed (`request_finished`), not until this returns:
        # Django logs 4xx and 5xx answers after the middleware, and those lines need it too.
        _request_id.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        duration = time.perf_counter() - started
        response[REQUEST_ID_HEADER] = request_id
        view = view_label(request)
        observe_request(view=view, method=request.method or "", seconds=duration)
        fields = {
            "user_id": signed_in_user_id(request),
            "method": request.method,
            "path": loggable_path(request),
            "view": view,
            "status": response.status_code,
            "duration_ms": round(duration * 1000, 1),
        }
        level = logging.DEBUG if request.path in PROBE_PATHS else logging.INFO
        request_log.log(
            level,
            "%(method)s %(path)s %(status)s %(duration_ms)sms user_id=%(user_id)s",
            fields,
            extra=fields,
        )
        return response


@receiver(request_finished)
def forget_request_id(**kwargs: Any) -> None:
    _request_id.set("")


def connect_celery_signals() -> None:
    """The request id travels with each task as a message header; a task run by beat (no
    request) uses its own task id, so what it queues can be traced to that run."""
    from celery.signals import before_task_publish, task_postrun, task_prerun

    bound: dict[str, contextvars.Token[str]] = {}

    @before_task_publish.connect(weak=False)
    def add_request_id(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
        request_id = current_request_id()
        if headers is not None and request_id:
            headers["request_id"] = request_id

    @task_prerun.connect(weak=False)
    def bind_request_id(task_id: str = "", task: Any = None, **kwargs: Any) -> None:
        # Eager tasks run inside the request that queued them and keep its id.
        if current_request_id():
            return
        carried = getattr(task.request, "request_id", None) if task is not None else None
        bound[task_id] = _request_id.set(carried or task_id)

    @task_postrun.connect(weak=False)
    def unbind_request_id(task_id: str = "", **kwargs: Any) -> None:
        token = bound.pop(task_id, None)
        if token is not None:
            _request_id.reset(token)
