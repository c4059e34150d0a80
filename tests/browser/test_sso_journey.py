"""Signing in with the city's account, through a real OpenID Connect provider (django-oauth-
toolkit, tests/support/oidc_provider) on a loopback port, driven in Chromium."""

from __future__ import annotations

import copy
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from playwright.sync_api import expect

from leanleaders.models import AuditEvent, User
from tests.factories import DepartmentFactory, TraineeFactory
from tests.support.oidc import running_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "provider-password"
IDENTITIES = {
    "jordan": {
        "email": "Jordan.Newcomer@sfgov.org",
        "email_verified": True,
        "name": "Jordan Newcomer",
        "employee_id": "E-100200",
        "department": "dph",
    },
    "casey": {"email": "casey.personal@sfgov.org", "name": "Casey C", "employee_id": "E-100300"},
    "ana": {"email": "ana@sfgov.org", "name": "Ana Analyst", "groups": ["lean-analysts"]},
    "outsider": {"email": "pat@example.com", "name": "Pat Outside"},
    "leaver": {"email": "leaver@sfgov.org", "name": "Lee Leaver"},
}


@pytest.fixture(scope="session")
def oidc_provider(live_server):
    with running_provider(
        identities={name: {**claims, "password": PASSWORD} for name, claims in IDENTITIES.items()},
        redirect_uris=[f"{live_server.url}/accounts/sso/callback/"],
        post_logout_redirect_uris=[f"{live_server.url}/accounts/login/"],
    ) as provider:
        yield provider


@pytest.fixture
def provider(oidc_provider, settings):
    settings.LEANLEADERS_OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_RP_CLIENT_ID = oidc_provider.client_id
    settings.OIDC_RP_CLIENT_SECRET = oidc_provider.client_secret
    settings.LEANLEADERS_OIDC_EMPLOYEE_ID_CLAIM = "employee_id"
    settings.LEANLEADERS_OIDC_DEPARTMENT_CLAIM = "department"
    settings.LEANLEADERS_OIDC_ANALYST_GROUP = "lean-analysts"
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(oidc_provider.url)  # as settings.py does
    settings.CONTENT_SECURITY_POLICY = policy
    yield oidc_provider
    oidc_provider.set_mode("normal")


@pytest.fixture
def sso_sign_in(page, live_server, provider):
    def go(username: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_role("link", name="Sign in with your city account").click()
        page.wait_for_url(f"{provider.url}/**")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(f"{live_server.url}/**")

    return go


def refusals(reason: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="sign-in-refused", data__reason=reason))


def test_a_newcomer_signs_in_and_gets_a_trainee_account_just_in_time(
    page, live_server, sso_sign_in, provider, screenshot, axe
):
    DepartmentFactory(name="Public Health", code="DPH")
    page.goto(f"{live_server.url}/accounts/login/")
    first = page.get_by_role("link", name="Sign in with your city account")
    expect(first).to_be_visible()
    assert axe() == []
    screenshot("sso-sign-in-page")

    sso_sign_in("jordan")

    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Jordan")
    person = User.objects.get(email="jordan.newcomer@sfgov.org")
    assert person.role == User.Role.TRAINEE
    assert person.full_name == "Jordan Newcomer"
    assert person.employee_id == "E-100200"
    assert person.department.code == "DPH"
    assert person.org_synced_at is None
    assert not person.has_usable_password()
    created = AuditEvent.objects.get(action="created", target_id=person.pk)
    assert created.data["via"] == "single sign-on"

    # Signing out ends the provider's session too: the next sign-in asks for the password.
    page.get_by_role("button", name=re.compile("Jordan Newcomer")).click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with your city account").click()
    page.wait_for_url(f"{provider.url}/login/**")
    expect(page.get_by_label("Username")).to_be_visible()


def test_an_account_in_the_org_data_is_matched_by_employee_id(page, live_server, sso_sign_in):
    casey = TraineeFactory(
        email="casey@sfgov.org", full_name="Casey Carter", employee_id="E-100300"
    )

    sso_sign_in("casey")

    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Casey")
    assert not User.objects.filter(email="casey.personal@sfgov.org").exists()
    casey.refresh_from_db()
    assert casey.last_login is not None


def test_the_analyst_group_gives_the_analyst_home(page, live_server, sso_sign_in, analyst):
    sso_sign_in("ana")

    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Program overview")


@pytest.mark.parametrize(
    ("mode", "detail"), [("wrong-audience", "wrong audience"), ("bad-signature", "bad signature")]
)
def test_an_id_token_that_does_not_verify_is_refused(
    page, live_server, sso_sign_in, provider, mode, detail
):
    provider.set_mode(mode)

    sso_sign_in("jordan")

    page.wait_for_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("status")).to_contain_text("could not be verified")
    assert not User.objects.filter(email="jordan.newcomer@sfgov.org").exists()
    [refusal] = refusals("token")
    assert refusal.data["detail"] == detail


def test_a_replayed_state_is_refused(page, live_server, sso_sign_in, trainee):
    callbacks = []
    page.on(
        "request",
        lambda request: callbacks.append(request.url) if "/sso/callback/" in request.url else None,
    )
    sso_sign_in("casey")  # a new account is fine here; the replay is the point
    page.wait_for_url(f"{live_server.url}/")
    assert len(callbacks) == 1

    page.goto(callbacks[0])

    expect(page.get_by_role("status")).to_contain_text("already been used or had expired")
    assert len(refusals("state")) == 1


def test_an_email_outside_the_allowed_domains_is_refused(page, live_server, sso_sign_in):
    sso_sign_in("outsider")

    page.wait_for_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("status")).to_contain_text("sign in with your city account")
    assert not User.objects.filter(email="pat@example.com").exists()
    [refusal] = refusals("domain")
    assert refusal.target_id == 0
    assert refusal.data["subject"]


def test_a_deactivated_person_is_refused(page, live_server, sso_sign_in):
    leaver = TraineeFactory(email="leaver@sfgov.org", is_active=False)

    sso_sign_in("leaver")

    page.wait_for_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("status")).to_contain_text("has been deactivated")
    [refusal] = refusals("deactivated")
    assert refusal.target_id == leaver.pk
    assert refusal.target_type == ContentType.objects.get_for_model(User)
