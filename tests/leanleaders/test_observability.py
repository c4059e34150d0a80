"""Request ids, the request log, JSON lines and the security log."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from leanleaders.models import OutboxEmail
from leanleaders.observability import JsonFormatter
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

GIVEN_ID = "lb-1234abcd-5678"


def request_lines(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "leanleaders.request"]


def test_one_line_per_request_with_the_proxys_request_id_and_the_person(
    client_for, trainee, caplog
):
    with caplog.at_level(logging.INFO, logger="leanleaders.request"):
        response = client_for(trainee).get(
            reverse("home") + "?q=private-search", HTTP_X_REQUEST_ID=GIVEN_ID
        )
    assert response["X-Request-ID"] == GIVEN_ID
    (line,) = request_lines(caplog)
    assert line.request_id == GIVEN_ID
    assert (line.method, line.path, line.status, line.user_id) == ("GET", "/", 200, trainee.pk)
    assert line.view == "home"
    assert line.duration_ms > 0
    assert "private-search" not in line.getMessage()


def test_a_malformed_request_id_is_replaced_by_a_new_one(client):
    response = client.get(reverse("login"), HTTP_X_REQUEST_ID="bad id\r\nX-Evil: 1")
    assert response["X-Request-ID"] != "bad id\r\nX-Evil: 1"
    assert len(response["X-Request-ID"]) == 32


def test_tokens_in_the_path_are_not_logged(client, trainee, caplog):
    uid = urlsafe_base64_encode(force_bytes(trainee.pk))
    token = default_token_generator.make_token(trainee)
    with caplog.at_level(logging.INFO, logger="leanleaders.request"):
        client.get(reverse("password_reset_confirm", args=[uid, token]))
    (line,) = request_lines(caplog)
    assert token not in line.path
    assert line.path == "/accounts/reset/<uidb64>/<token>/"


def test_health_probes_stay_out_of_the_info_log(client, caplog):
    with caplog.at_level(logging.INFO, logger="leanleaders.request"):
        client.get("/healthz")
    assert request_lines(caplog) == []


def test_the_email_a_request_queues_carries_its_request_id(
    client, trainee, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("password_reset"), {"email": trainee.email}, HTTP_X_REQUEST_ID=GIVEN_ID
        )
    assert response.status_code == 302
    outbox = OutboxEmail.objects.get()
    assert outbox.request_id == GIVEN_ID
    (sent,) = mailoutbox
    assert sent.extra_headers["X-Request-ID"] == GIVEN_ID


def test_an_email_queued_by_a_task_outside_a_request_carries_the_task_id(analyst):
    from leanleaders.tasks import run_all_reminders_task
    from tests.leanleaders.test_mail_trouble import WORKING_HOUR, stuck_email

    with time_machine.travel(WORKING_HOUR, tick=False):
        stuck_email()
        # As beat runs it: no request, so the task's own id names what it queues.
        run_all_reminders_task.apply(task_id="beat-run-0001")
    alert = OutboxEmail.objects.get(dedupe_key__startswith="reminder:mail-trouble:")
    assert alert.request_id == "beat-run-0001"


def test_sign_in_failures_and_lockouts_go_to_the_security_log_with_the_request_id(
    client, trainee, caplog, settings
):
    settings.AXES_FAILURE_LIMIT = 2
    with caplog.at_level(logging.WARNING, logger="leanleaders.security"):
        for attempt in range(2):
            client.post(
                reverse("login"),
                {"username": trainee.email, "password": "wrong-guess"},
                HTTP_X_REQUEST_ID=f"attempt-000{attempt}",
            )
    messages = [(r.request_id, r.getMessage()) for r in caplog.records]
    assert ("attempt-0000", f"login_failed user_id={trainee.pk} ip=127.0.0.1") in messages
    assert ("attempt-0001", f"lockout user_id={trainee.pk} ip=127.0.0.1") in messages
    assert all(trainee.email not in text and "wrong-guess" not in text for _, text in messages)


def test_a_denial_is_logged_with_the_request_id(client_for, trainee, caplog):
    with caplog.at_level(logging.WARNING, logger="leanleaders.security"):
        response = client_for(trainee).get(reverse("outbox"), HTTP_X_REQUEST_ID=GIVEN_ID)
    assert response.status_code == 403
    (record,) = [r for r in caplog.records if "access_denied" in r.getMessage()]
    assert record.request_id == GIVEN_ID
    assert f"user_id={trainee.pk}" in record.getMessage()


def test_json_lines_carry_the_fields_as_keys(client_for, trainee, caplog):
    with caplog.at_level(logging.INFO, logger="leanleaders.request"):
        client_for(trainee).get(reverse("home"), HTTP_X_REQUEST_ID=GIVEN_ID)
    (record,) = request_lines(caplog)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == GIVEN_ID
    assert line["user_id"] == trainee.pk
    assert line["status"] == 200
    assert line["logger"] == "leanleaders.request"
    assert line["message"].startswith("GET / 200 ")


def run_django(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "leanleaders.settings",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "testserver",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_log_format_json_makes_every_line_json():
    done = run_django(
        "import logging; logging.getLogger('leanleaders').info('hi')", LOG_FORMAT="json"
    )
    assert done.returncode == 0, done.stderr
    line = json.loads(done.stderr.strip().splitlines()[-1])
    assert (line["message"], line["level"], line["request_id"]) == ("hi", "INFO", "-")


def test_an_unknown_log_format_refuses_to_start():
    done = run_django("pass", LOG_FORMAT="xml")
    assert done.returncode != 0
    assert "LOG_FORMAT must be 'plain' or 'json'" in done.stderr


def test_passwords_never_reach_the_request_log(client, trainee, caplog):
    with caplog.at_level(logging.DEBUG):
        client.post(reverse("login"), {"username": trainee.email, "password": TEST_PASSWORD})
    assert TEST_PASSWORD not in caplog.text


def test_djangos_own_line_about_a_404_carries_the_request_id_then_it_is_forgotten(client, caplog):
    from leanleaders.observability import current_request_id

    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/no-such-page/", HTTP_X_REQUEST_ID=GIVEN_ID)
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Not Found: /no-such-page/"
    assert record.request_id == GIVEN_ID
    assert current_request_id() == ""  # the next log line outside a request has none
