import logging

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_pages_send_security_headers(client_for, trainee):
    response = client_for(trainee).get(reverse("home"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


def test_session_cookie_is_httponly_and_both_cookies_are_samesite(client, trainee):
    """As docs/security.md says: the CSRF cookie is SameSite but readable by scripts, which is
    Django's default and costs nothing (the token is in every page anyway)."""
    client.get(reverse("login"))
    csrf_cookie = client.cookies["csrftoken"]
    assert csrf_cookie["samesite"] == "Lax"
    assert not csrf_cookie["httponly"]
    client.post(reverse("login"), {"username": trainee.email, "password": TEST_PASSWORD})
    session_cookie = client.cookies["sessionid"]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"


@pytest.mark.parametrize("target", ["https://evil.example.com/", "//evil.example.com/x"])
def test_sign_in_never_redirects_off_site(client, trainee, target):
    response = client.post(
        f"{reverse('login')}?next={target}",
        {"username": trainee.email, "password": TEST_PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_failed_sign_in_is_logged_without_the_password(client, trainee, caplog):
    with caplog.at_level(logging.WARNING, logger="leanleaders.security"):
        client.post(reverse("login"), {"username": trainee.email, "password": "S3cret-guess"})
    text = caplog.text
    assert "login_failed" in text
    assert f"user_id={trainee.pk}" in text
    assert trainee.email not in text
    assert "S3cret-guess" not in text


def test_denied_access_is_logged(client_for, trainee, caplog):
    with caplog.at_level(logging.WARNING, logger="leanleaders.security"):
        client_for(trainee).get(reverse("people"))
    assert "access_denied" in caplog.text
    assert f"user_id={trainee.pk}" in caplog.text


def test_server_error_page_shows_no_traceback(settings):
    from leanleaders.errors import server_error

    response = server_error(None)
    body = response.content.decode()
    assert response.status_code == 500
    assert "Traceback" not in body
    assert "Something went wrong" in body


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_stored_xss_in_application_text_renders_escaped_for_every_role(
    client_for, trainee, manager, analyst, django_capture_on_commit_callbacks, mailoutbox
):
    from applications.models import Application
    from tests.applications.factories import ApplicationFactory

    application = ApplicationFactory(
        trainee=trainee,
        manager=manager,
        title=XSS,
        problem=XSS,
        evidence=XSS,
        process_today=XSS,
        why_it_matters=XSS,
        role_and_team=XSS,
        measure_name=XSS,
        status=Application.Status.SUBMITTED,
    )
    for user in (trainee, manager, analyst):
        for url in (
            reverse("applications:application-detail", args=[application.pk]),
            reverse("applications:application-list"),
            reverse("home"),
        ):
            page = client_for(user).get(url).content.decode()
            assert "<script>alert" not in page, url
            assert "<img src=x" not in page, url
    from applications import services

    with django_capture_on_commit_callbacks(execute=True):
        services.application_manager_decide(
            application_id=application.pk, by=manager, decision="request_changes", comment=XSS
        )
    html = mailoutbox[-1].alternatives[0][0]
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_header_injection_in_a_name_does_not_reach_headers(
    trainee, manager, django_capture_on_commit_callbacks, mailoutbox
):
    from applications import services
    from tests.applications.factories import ApplicationFactory

    trainee.full_name = "Eve\r\nBcc: victim@example.com"
    trainee.save()
    application = ApplicationFactory(trainee=trainee, manager=manager, title="Line\r\nBcc: x@y")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application_id=application.pk, by=trainee)
    message = mailoutbox[0].message()
    assert message["Bcc"] is None
    assert "\n" not in message["Subject"]


def test_oversized_text_is_refused_with_a_message(client_for, trainee, manager):
    from applications.models import Application

    response = client_for(trainee).post(
        reverse("applications:application-create"),
        {"title": "x" * 200, "problem": "y" * 10_000, "save": "1", "measure_direction": "lower"},
    )
    assert response.status_code == 200
    assert "Ensure this value has at most" in response.content.decode()
    assert not Application.objects.exists()


def test_nan_baseline_is_refused(client_for, trainee, manager):
    from applications.models import Application

    response = client_for(trainee).post(
        reverse("applications:application-create"),
        {"title": "ok", "baseline_estimate": "NaN", "save": "1", "measure_direction": "lower"},
    )
    assert response.status_code == 200
    assert not Application.objects.exists()


def test_csrf_is_enforced():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "a@sfgov.org", "password": "x"})
    assert response.status_code == 403
