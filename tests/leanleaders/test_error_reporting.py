"""Error reports to a fake Sentry server on loopback: sent only with SENTRY_DSN, and scrubbed."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.support.smtp import free_port

# Runs in a process of its own, so this test process never has error reporting switched on.
FAIL_ONE_REQUEST = """
import django, sentry_sdk
django.setup()
from django.test import Client, override_settings
with override_settings(ROOT_URLCONF="tests.support.failing_urls", ALLOWED_HOSTS=["testserver"]):
    response = Client(raise_request_exception=False).post(
        "/fail/?person=pat@sfgov.org",
        {"email": "pat@sfgov.org", "full_name": "Pat Person", "note": "private coaching note"},
        HTTP_X_REQUEST_ID="trace-me-12345678",
        HTTP_COOKIE="sessionid=secret-session",
    )
print(response.status_code, sentry_sdk.get_client().is_active())
sentry_sdk.flush(5)
"""


class FakeSentry(BaseHTTPRequestHandler):
    received: list[str]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":  # sentry-sdk prefers brotli when the package is installed
            import brotli

            body = brotli.decompress(body)
        self.received.append(body.decode())
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fake_sentry():
    FakeSentry.received = []
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), FakeSentry)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], FakeSentry.received
    server.shutdown()


def fail_one_request(**env: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", FAIL_ONE_REQUEST],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "leanleaders.test_settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_an_error_is_reported_without_bodies_emails_names_or_cookies(fake_sentry):
    port, received = fake_sentry
    assert fail_one_request(SENTRY_DSN=f"http://publickey@127.0.0.1:{port}/1") == "500 True"
    envelope = "\n".join(received)
    assert '"exception"' in envelope
    assert "ValueError" in envelope
    assert "could not save the profile of [email]" in envelope
    assert "trace-me-12345678" in envelope  # the request id, to find the log lines
    for secret in ("pat@sfgov.org", "Pat Person", "private coaching note", "secret-session"):
        assert secret not in envelope


def test_off_without_a_dsn(fake_sentry):
    _, received = fake_sentry
    assert fail_one_request(SENTRY_DSN="") == "500 False"
    assert received == []
