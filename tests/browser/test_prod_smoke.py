"""The production stack that `make prod-smoke` starts, driven through nginx over HTTPS.

Skipped unless deploy/prod-smoke.sh runs it (it sets PROD_SMOKE_URL): the stack is gunicorn with
the production settings, nginx with the shipped site file, a Celery worker and beat, Redis,
PostgreSQL and an SMTP server writing to a Maildir.
"""

from __future__ import annotations

import http.client
import mailbox
import os
import re
import ssl
import time
import urllib.request
from email.message import Message
from urllib.error import HTTPError

import pytest
from playwright.sync_api import expect

URL = os.environ.get("PROD_SMOKE_URL", "")
HTTP_URL = os.environ.get("PROD_SMOKE_HTTP_URL", "")
MAILDIR = os.environ.get("PROD_SMOKE_MAILDIR", "")
METRICS_TOKEN = os.environ.get("PROD_SMOKE_METRICS_TOKEN", "")
DEMO_PASSWORD = "lean-demo-2026"
NEWCOMER = "robin.newhire@sfgov.org"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.prod_smoke,
    pytest.mark.skipif(not URL, reason="run by `make prod-smoke`, which starts the stack"),
]

# The certificate is self-signed for 127.0.0.1.
INSECURE = ssl.create_default_context()
INSECURE.check_hostname = False
INSECURE.verify_mode = ssl.CERT_NONE


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "ignore_https_errors": True}


def fetch(path: str, **headers: str) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(f"{URL}{path}", headers=headers)  # noqa: S310 (https only)
    try:
        with urllib.request.urlopen(request, context=INSECURE, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read().decode()
    except HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def email_with(*, to: str, request_id: str, timeout: float = 45) -> Message:
    """The email the SMTP server received for `to` that the request `request_id` caused."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in mailbox.Maildir(MAILDIR, create=False):
            if to in message["To"] and message["X-Request-ID"] == request_id:
                return message
        time.sleep(0.3)
    seen = [(m["To"], m["Subject"], m["X-Request-ID"]) for m in mailbox.Maildir(MAILDIR)]
    raise AssertionError(f"no email to {to} with request id {request_id}; received: {seen}")


def body_text(message: Message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode()


def request_id_of(page, click, url_part: str) -> str:
    """The request id the app gave the POST that `click()` sends."""
    with page.expect_response(
        lambda r: r.request.method == "POST" and url_part in r.url
    ) as response:
        click()
    return response.value.headers["x-request-id"]


def test_plain_http_is_sent_to_https():
    host, port = HTTP_URL.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", "/accounts/login/")
    response = connection.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == f"{URL}/accounts/login/"


def test_security_headers_over_https(page):
    response = page.goto(f"{URL}/accounts/login/")
    headers = response.headers
    assert response.status == 200
    assert headers["strict-transport-security"].startswith("max-age=31536000")
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert headers["server"] == "nginx"  # no version
    assert re.fullmatch(r"[0-9a-f]{32}", headers["x-request-id"])  # made by nginx


def test_static_files_come_from_nginx_with_a_long_cache():
    _, _, page = fetch("/accounts/login/")
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page).group(1)
    status, headers, _ = fetch(stylesheet)
    assert status == 200
    assert headers["Cache-Control"] == "max-age=31536000, public, immutable"


def test_probes_and_metrics_through_the_proxy():
    status, headers, body = fetch("/readyz")
    assert (status, headers["Cache-Control"].count("no-cache")) == (200, 1)
    assert '"broker": "ok"' in body
    assert fetch("/metrics")[0] == 403  # through the proxy only the token lets Prometheus in
    status, _, body = fetch("/metrics", Authorization=f"Bearer {METRICS_TOKEN}")
    assert status == 200
    assert "leanleaders_outbox_emails_pending " in body
    assert "leanleaders_broker_up 1.0" in body


def test_sign_up_apply_and_sign_off_with_each_email_traced_to_its_click(page, context):
    page.goto(f"{URL}/accounts/signup/")
    page.get_by_label("Full name").fill("Robin Newhire")
    page.get_by_label("City email address").fill(NEWCOMER)
    page.get_by_label("Department").select_option(label="Public Health (DPH)")
    page.get_by_label("Job title").fill("Permit clerk")
    page.get_by_role("textbox", name="Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_label("Password again").fill(DEMO_PASSWORD)
    signup_id = request_id_of(
        page, page.get_by_role("button", name="Create account").click, "/accounts/signup/"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    # The activation email reached the SMTP server through the worker, carrying the click's id.
    activation = email_with(to=NEWCOMER, request_id=signup_id)
    link = re.search(r"^(https://\S+/activate/\S+)$", body_text(activation), re.MULTILINE)
    page.goto(link.group(1))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Robin")

    cookies = {cookie["name"]: cookie for cookie in context.cookies()}
    assert cookies["sessionid"]["secure"]
    assert cookies["sessionid"]["httpOnly"]
    assert cookies["sessionid"]["sameSite"] == "Lax"
    assert cookies["csrftoken"]["secure"]

    page.get_by_role("link", name="Start your application").click()
    page.get_by_label("Project title").fill("Permit renewals take too long")
    page.get_by_label("The process as it runs today").fill("Form by email, re-keyed, approved.")
    page.get_by_label("The problem").fill("Renewals take 21 days; residents call to chase.")
    page.get_by_label("How you know").fill("Counted 40 renewals in March.")
    page.get_by_label("Why it matters to your department").fill("Fewer calls, faster service.")
    page.get_by_label("What you will count or time").fill("Days from request to renewal")
    page.get_by_label("Unit").fill("days")
    page.get_by_label("Your role and team").fill("Permit clerk")
    page.get_by_label("Manager").select_option(label="Morgan Chen")
    page.get_by_role("button", name="Submit to my manager").click()
    expect(page.get_by_text("Awaiting manager sign-off").first).to_be_visible()
    application_url = page.url

    context.clear_cookies()
    page.goto(f"{URL}/accounts/login/")
    page.get_by_label("Email").fill("manager@sfgov.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{URL}/")
    page.goto(application_url)
    approve_id = request_id_of(
        page, page.get_by_role("button", name="Approve").click, "/applications/"
    )
    expect(page.get_by_role("alert")).to_contain_text("Approved.")

    approved = email_with(to=NEWCOMER, request_id=approve_id)
    assert approve_id != signup_id
    assert "Robin" in body_text(approved)

    # The journey's pages are in the latency histogram, summed over the gunicorn workers.
    _, _, metrics = fetch("/metrics", Authorization=f"Bearer {METRICS_TOKEN}")
    assert re.search(
        r'^leanleaders_request_duration_seconds_count\{method="POST",view="signup"\} 1\.0$',
        metrics,
        re.MULTILINE,
    ), metrics
