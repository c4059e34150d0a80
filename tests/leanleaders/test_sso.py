"""Single sign-on without the browser: settings, the sign-in page, who may come in, the ID
token's checks. The journeys through the real provider are in tests/browser/test_sso_journey.py."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse

from leanleaders import services, sso
from leanleaders.models import AuditEvent, User
from tests.factories import AnalystFactory, TraineeFactory

ROOT = Path(__file__).resolve().parents[2]
ISSUER = "https://login.example.org/tenant/v2.0"
CLIENT_ID = "lean-leaders"


@pytest.fixture
def sso_on(settings):
    settings.LEANLEADERS_OIDC_ISSUER = ISSUER
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    return settings


@pytest.fixture
def passwords_off(sso_on):
    sso_on.LEANLEADERS_PASSWORD_SIGN_IN = False
    return sso_on


def identity(**changes: object) -> sso.CityIdentity:
    fields: dict[str, object] = {
        "subject": "s-1",
        "email": "robin@sfgov.org",
        "email_verified": True,
        "full_name": "Robin Rivera",
        "department": "",
        "employee_id": "",
        "groups": (),
    }
    fields.update(changes)
    return sso.CityIdentity(**fields)  # type: ignore[arg-type]


def _manage(*args: str, **env_changes: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "LEANLEADERS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="leanleaders.settings",
        SECRET_KEY="prod-" + "k3y-" * 15,
        ALLOWED_HOSTS="leanleaders.example.org",
        DEBUG="false",
        DATABASE_URL="sqlite:///:memory:",
        **env_changes,
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


SSO_ENV = {
    "LEANLEADERS_OIDC_ISSUER": ISSUER,
    "LEANLEADERS_OIDC_CLIENT_ID": CLIENT_ID,
    "LEANLEADERS_OIDC_CLIENT_SECRET": "a-secret",
    "LEANLEADERS_OIDC_EMPLOYEE_ID_CLAIM": "employee_id",
    "LEANLEADERS_OIDC_ANALYST_GROUP": "9b3c-lean-analysts",
    "LEANLEADERS_PASSWORD_SIGN_IN": "off",
}


def test_production_settings_with_sso_on_pass_check_deploy():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **SSO_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_warns_about_an_issuer_without_tls():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **{**SSO_ENV, "LEANLEADERS_OIDC_ISSUER": "http://login.example.org"},
    )
    assert result.returncode != 0
    assert "leanleaders.W101" in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"LEANLEADERS_PASSWORD_SIGN_IN": "off"}, "needs single sign-on"),
        ({"LEANLEADERS_OIDC_ISSUER": ISSUER}, "needs LEANLEADERS_OIDC_CLIENT_ID"),
        ({**SSO_ENV, "LEANLEADERS_OIDC_CLOCK_SKEW_SECONDS": "900"}, "must be 0 to 300"),
    ],
)
def test_settings_refuse_an_incomplete_sso_configuration(env, says):
    result = _manage("check", **env)
    assert result.returncode != 0
    assert says in result.stderr


@pytest.mark.django_db
def test_without_sso_the_sign_in_page_is_the_password_form(client):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with your city account" not in page
    assert 'name="password"' in page
    assert client.get(reverse("sso-start")).status_code == 404
    assert client.get(reverse("sso-callback")).status_code == 404


@pytest.mark.django_db
def test_with_sso_the_city_account_comes_first_and_passwords_stay(client, sso_on):
    page = client.get(reverse("login") + "?next=/cohorts/").content.decode()
    assert page.index("Sign in with your city account") < page.index('name="password"')
    assert f"{reverse('sso-start')}?next=/cohorts/" in page
    assert client.get(reverse("signup")).status_code == 200


@pytest.mark.django_db
def test_with_password_sign_in_off_there_is_no_password_sign_in_sign_up_or_reset(
    client, passwords_off, trainee
):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with your city account" in page
    assert 'name="password"' not in page
    assert "Create a trainee account" not in page
    refused = client.post(reverse("login"), {"username": trainee.email, "password": "x"})
    assert refused.status_code == 404
    for name in ("signup", "password_reset", "password_reset_done", "password_change"):
        assert client.get(reverse(name)).status_code == 404, name
    admin_login = client.get("/admin/login/?next=/admin/")
    assert admin_login.status_code == 302
    assert admin_login.url == f"{reverse('login')}?next=/admin/"


@pytest.mark.django_db
def test_with_password_sign_in_off_a_signed_in_person_is_not_offered_a_password_change(
    client, passwords_off, trainee
):
    client.force_login(trainee)
    assert "Change password" not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_a_callback_without_a_state_this_session_started_is_refused_and_audited(client, sso_on):
    response = client.get(reverse("sso-callback"), {"code": "abc", "state": "made-up"}, follow=True)
    assert "already been used or had expired" in response.content.decode()
    assert "_auth_user_id" not in client.session
    (event,) = AuditEvent.objects.filter(action="sign-in-refused")
    assert event.data["reason"] == "state"


@pytest.mark.django_db
def test_a_provider_error_uses_up_the_state_and_is_audited(client, sso_on):
    session = client.session
    session["oidc_states"] = {"s1": {"nonce": "n", "code_verifier": "v", "added_on": time.time()}}
    session.save()
    response = client.get(
        reverse("sso-callback"), {"error": "access_denied", "state": "s1"}, follow=True
    )
    assert "did not finish" in response.content.decode()
    assert client.session["oidc_states"] == {}
    (event,) = AuditEvent.objects.filter(action="sign-in-refused")
    assert event.data["detail"] == "access_denied"


@pytest.mark.django_db
def test_an_old_state_is_refused(client, sso_on):
    session = client.session
    started = time.time() - sso.STATE_MAX_AGE_SECONDS - 1
    session["oidc_states"] = {"s1": {"nonce": "n", "code_verifier": "v", "added_on": started}}
    session.save()
    client.get(reverse("sso-callback"), {"code": "c", "state": "s1"})
    assert AuditEvent.objects.get(action="sign-in-refused").data["reason"] == "state"


# Who may come in -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_email_the_provider_marks_unverified_is_refused(sso_on):
    with pytest.raises(sso.SignInRefusedError) as refused:
        services.user_sign_in_with_city_account(identity=identity(email_verified=False))
    assert refused.value.reason == "email-unverified"
    assert not User.objects.exists()


@pytest.mark.django_db
def test_an_email_match_with_another_employee_id_is_refused(sso_on):
    TraineeFactory(email="robin@sfgov.org", employee_id="E-1")
    with pytest.raises(sso.SignInRefusedError) as refused:
        services.user_sign_in_with_city_account(identity=identity(employee_id="E-2"))
    assert refused.value.reason == "mismatch"


@pytest.mark.django_db
def test_a_matched_account_keeps_its_details_and_gains_a_missing_employee_id(sso_on):
    robin = TraineeFactory(email="robin@sfgov.org", full_name="Robin R.")
    user = services.user_sign_in_with_city_account(
        identity=identity(employee_id="E-7", full_name="Someone Else")
    )
    assert user == robin
    robin.refresh_from_db()
    assert (robin.full_name, robin.employee_id) == ("Robin R.", "E-7")


@pytest.mark.django_db
def test_roles_never_come_from_the_provider_without_the_analyst_group_setting(sso_on):
    user = services.user_sign_in_with_city_account(identity=identity(groups=("analysts",)))
    assert user.role == User.Role.TRAINEE
    assert not user.is_staff


@pytest.mark.django_db
def test_the_analyst_group_grants_and_its_absence_takes_away_the_analyst_role(sso_on):
    sso_on.LEANLEADERS_OIDC_ANALYST_GROUP = "lean-analysts"
    analyst = AnalystFactory(email="robin@sfgov.org")
    services.user_sign_in_with_city_account(identity=identity(groups=("others",)))
    analyst.refresh_from_db()
    assert (analyst.role, analyst.is_staff) == (User.Role.TRAINEE, False)
    services.user_sign_in_with_city_account(identity=identity(groups=("lean-analysts",)))
    analyst.refresh_from_db()
    assert (analyst.role, analyst.is_staff) == (User.Role.ANALYST, True)
    changes = AuditEvent.objects.filter(action="role-from-provider", target_id=analyst.pk)
    assert [(e.from_status, e.to_status) for e in changes] == [
        ("analyst", "trainee"),
        ("trainee", "analyst"),
    ]


@pytest.mark.django_db
def test_the_people_page_shows_who_is_not_in_the_org_data(client, analyst, trainee):
    User.objects.filter(pk=analyst.pk).update(org_synced_at=dt.datetime.now(tz=dt.UTC))
    client.force_login(analyst)
    page = client.get(reverse("people")).content.decode()
    assert page.count("not in org data") == 1


@pytest.mark.django_db
def test_the_admin_filters_people_not_in_the_org_data(client, analyst, trainee):
    User.objects.filter(pk=analyst.pk).update(org_synced_at=dt.datetime.now(tz=dt.UTC))
    client.force_login(analyst)
    page = client.get("/admin/leanleaders/user/", {"in_org_data": "no"}).content.decode()
    assert trainee.email in page
    assert analyst.email not in page


# The ID token --------------------------------------------------------------------------------


@pytest.fixture
def signing_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def provider(sso_on, signing_key, monkeypatch):
    sso_on.LEANLEADERS_OIDC_CLOCK_SKEW_SECONDS = 60
    city = sso.CityProvider(
        {"issuer": ISSUER, "token_endpoint": "-", "jwks_uri": "-", "authorization_endpoint": "-"}
    )
    monkeypatch.setattr(city, "retrieve_matching_jwk", lambda token: signing_key.public_key())
    return city


def token(key, *, exp_in: int = 300, nbf_in: int | None = None, **changes: object) -> str:
    """An ID token signed with `key`; times are seconds from now."""
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": ISSUER,
        "sub": "s-1",
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + exp_in,
        "nonce": "n-1",
    }
    if nbf_in is not None:
        claims["nbf"] = now + nbf_in
    claims.update(changes)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})


def test_a_good_id_token_verifies(provider, signing_key):
    assert provider.verify_token(token(signing_key), nonce="n-1")["sub"] == "s-1"


def test_clock_skew_is_tolerated_within_the_limit(provider, signing_key):
    now = int(time.time())
    late = token(signing_key, exp_in=-30, iat=now - 330)
    early = token(signing_key, iat=now + 30, nbf_in=30)
    assert provider.verify_token(late, nonce="n-1")
    assert provider.verify_token(early, nonce="n-1")


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        ({"exp_in": -120}, "outside its validity (clock skew?)"),
        ({"nbf_in": 120}, "outside its validity (clock skew?)"),
        ({"aud": "another-app"}, "wrong audience"),
        ({"aud": [CLIENT_ID, "another-app"]}, "issued to another party"),
        ({"iss": "https://elsewhere.example.org"}, "wrong issuer"),
        ({"nonce": "another"}, "nonce"),
    ],
)
def test_an_id_token_that_is_wrong_is_refused(provider, signing_key, changes, detail):
    with pytest.raises(sso.SignInRefusedError) as refused:
        provider.verify_token(token(signing_key, **changes), nonce="n-1")
    assert (refused.value.reason, refused.value.detail) == ("token", detail)


def test_an_unsigned_or_differently_signed_id_token_is_refused(provider, signing_key):
    unsigned = jwt.encode({"sub": "s-1"}, key=None, algorithm="none")
    with pytest.raises(sso.SignInRefusedError, match="token"):
        provider.verify_token(unsigned, nonce="n-1")
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(sso.SignInRefusedError) as refused:
        provider.verify_token(token(other), nonce="n-1")
    assert refused.value.detail == "bad signature"
