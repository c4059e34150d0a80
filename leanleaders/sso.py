"""Single sign-on with the city's identity provider (OpenID Connect).

mozilla-django-oidc runs the authorization code flow: `state`, `nonce` and the PKCE verifier are
made by its request view and kept in the session, and its backend class exchanges the code and
fetches the provider's signing keys. What it leaves to us, we do here: the endpoints come from
the issuer's discovery document, read at each sign-in (sign-ins are rare; a provider that moves
its keys is picked up at once), and the ID token's signature, issuer, audience, expiry and nonce
are all checked before any claim is believed.

Who the person is, and whether they may come in, is decided by
`leanleaders.services.user_sign_in_with_city_account`.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.core import checks
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import absolutify

from leanleaders.models import User

# How long a sign-in started on our page may take at the provider before its state is refused.
STATE_MAX_AGE_SECONDS = 15 * 60

# What the person is told for each reason a sign-in is refused; the reason goes in the audit row.
REFUSALS = {
    "state": _(
        "That sign-in had already been used or had expired. Start again with “Sign in with "
        "your city account”."
    ),
    "provider-error": _(
        "The city's sign-in did not finish, so you are not signed in. Try again, or ask the "
        "city's IT service desk if it keeps happening."
    ),
    "provider-unreachable": _(
        "The city's sign-in service could not be reached. Try again in a few minutes."
    ),
    "token": _(
        "The answer from the city's sign-in service could not be verified, so you are not "
        "signed in. Try again; if it keeps happening, tell the City Performance team."
    ),
    "no-email": _(
        "The city's sign-in service did not say which email address is yours, so you are not "
        "signed in. Ask the city's IT service desk to check your account."
    ),
    "email-unverified": _(
        "The city's sign-in service has not verified your email address yet, so you are not "
        "signed in."
    ),
    "domain": _(
        "Lean Leaders is for city staff: sign in with your city account, not a personal or "
        "outside one."
    ),
    "deactivated": _(
        "Your Lean Leaders account has been deactivated. Ask the City Performance team if you "
        "need it again."
    ),
    "mismatch": _(
        "Your city account does not match the Lean Leaders account with this email address. "
        "The City Performance team can sort it out."
    ),
}


class SignInRefusedError(Exception):
    """A sign-in through the provider that must not go ahead, with the reason (a key of
    REFUSALS), the account it concerned when one is known, and a detail for the audit row."""

    def __init__(self, reason: str, *, user: User | None = None, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.user = user
        self.detail = detail

    @property
    def message(self) -> str:
        return str(REFUSALS[self.reason])


@dataclasses.dataclass(frozen=True)
class CityIdentity:
    """Who the provider vouches for, read from the verified claims through the configured names."""

    subject: str
    email: str
    email_verified: bool | None
    full_name: str
    department: str
    employee_id: str
    groups: tuple[str, ...]


def sso_enabled() -> bool:
    return bool(settings.LEANLEADERS_OIDC_ISSUER)


def password_sign_in_enabled() -> bool:
    return bool(settings.LEANLEADERS_PASSWORD_SIGN_IN)


def provider_metadata() -> dict[str, Any]:
    """The issuer's discovery document. Its `issuer` must be the one configured (OpenID Connect
    Discovery 1.0, section 4.3), or another site could stand in for the provider."""
    issuer = settings.LEANLEADERS_OIDC_ISSUER
    try:
        response = requests.get(
            f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
        )
        response.raise_for_status()
        metadata = response.json()
    except (requests.RequestException, ValueError) as error:
        raise SignInRefusedError("provider-unreachable", detail=type(error).__name__) from error
    if not isinstance(metadata, dict) or metadata.get("issuer", "").rstrip("/") != issuer:
        raise SignInRefusedError("provider-unreachable", detail="discovery issuer mismatch")
    missing = {"authorization_endpoint", "token_endpoint", "jwks_uri"} - metadata.keys()
    if missing:
        raise SignInRefusedError(
            "provider-unreachable", detail=f"discovery lacks {sorted(missing)}"
        )
    return metadata


@checks.register(checks.Tags.security, deploy=True)
def sso_deploy_checks(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """`manage.py check --deploy`: with single sign-on on, the provider is reached over TLS and
    signs with an asymmetric key published in its JWKS."""
    if not sso_enabled():
        return []
    found: list[checks.CheckMessage] = []
    if not settings.LEANLEADERS_OIDC_ISSUER.startswith("https://"):
        found.append(
            checks.Warning(
                "LEANLEADERS_OIDC_ISSUER is not an https:// URL.",
                hint="Use the provider's https issuer; tokens and keys must not travel in clear.",
                id="leanleaders.W101",
            )
        )
    if not settings.OIDC_RP_SIGN_ALGO.startswith(("RS", "ES", "PS")):
        found.append(
            checks.Warning(
                "LEANLEADERS_OIDC_SIGN_ALGO is not an asymmetric algorithm.",
                hint="Use RS256 (Entra ID and Okta sign ID tokens with it).",
                id="leanleaders.W102",
            )
        )
    return found


def _claim(claims: dict[str, Any], name: str) -> str:
    value = claims.get(name) if name else None
    return str(value).strip() if isinstance(value, str | int) else ""


def identity_from_claims(claims: dict[str, Any]) -> CityIdentity:
    groups_claim = claims.get(settings.LEANLEADERS_OIDC_GROUPS_CLAIM) or []
    verified = claims.get("email_verified")
    return CityIdentity(
        subject=str(claims["sub"]),
        email=_claim(claims, settings.LEANLEADERS_OIDC_EMAIL_CLAIM).lower(),
        email_verified=verified if isinstance(verified, bool) else None,
        full_name=_claim(claims, settings.LEANLEADERS_OIDC_NAME_CLAIM)[:150],
        department=_claim(claims, settings.LEANLEADERS_OIDC_DEPARTMENT_CLAIM)[:120],
        employee_id=_claim(claims, settings.LEANLEADERS_OIDC_EMPLOYEE_ID_CLAIM)[:32],
        groups=tuple(str(g) for g in groups_claim) if isinstance(groups_claim, list) else (),
    )


class CityProvider(OIDCAuthenticationBackend):
    """The provider's side of a sign-in: exchange the code, verify the ID token, read the claims.

    Used as a client by the callback view, not listed in AUTHENTICATION_BACKENDS: the session
    of a person signed in this way is loaded by `leanleaders.backends.UserBackend` like any
    other, so deactivating them ends it at their next click.
    """

    def __init__(self, metadata: dict[str, Any]) -> None:
        self.metadata = metadata
        self.OIDC_OP_TOKEN_ENDPOINT = metadata["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = metadata.get("userinfo_endpoint", "")
        self.OIDC_OP_JWKS_ENDPOINT = metadata["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = User

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The ID token's claims, once its signature (a key from the provider's JWKS, the one
        algorithm configured), issuer, audience, times (within the allowed clock skew) and
        nonce are right. mozilla-django-oidc checks the signature and nonce only."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise SignInRefusedError("token", detail="unreadable ID token") from error
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SignInRefusedError("token", detail=f"algorithm {header.get('alg')!r}")
        try:
            key = self.retrieve_matching_jwk(token)
        except (SuspiciousOperation, KeyError) as error:
            raise SignInRefusedError("token", detail="no matching signing key") from error
        except requests.RequestException as error:
            raise SignInRefusedError("provider-unreachable", detail="JWKS") from error
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.metadata["issuer"],
                leeway=settings.LEANLEADERS_OIDC_CLOCK_SKEW_SECONDS,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
            )
        except jwt.InvalidSignatureError as error:
            raise SignInRefusedError("token", detail="bad signature") from error
        except jwt.InvalidAudienceError as error:
            raise SignInRefusedError("token", detail="wrong audience") from error
        except jwt.InvalidIssuerError as error:
            raise SignInRefusedError("token", detail="wrong issuer") from error
        except (jwt.ExpiredSignatureError, jwt.ImmatureSignatureError) as error:
            raise SignInRefusedError(
                "token", detail="outside its validity (clock skew?)"
            ) from error
        except jwt.PyJWTError as error:
            raise SignInRefusedError("token", detail=type(error).__name__) from error
        # Several audiences: the token must have been issued to us (Core 1.0, 3.1.3.7).
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SignInRefusedError("token", detail="issued to another party")
        if kwargs.get("nonce") is None or claims.get("nonce") != kwargs["nonce"]:
            raise SignInRefusedError("token", detail="nonce")
        return claims

    def sign_in_claims(
        self, request: HttpRequest, *, code: str, nonce: str, code_verifier: str | None
    ) -> tuple[dict[str, Any], str]:
        """The verified claims of the person the provider signed in, and their ID token."""
        self.request = request
        payload = {
            "client_id": self.OIDC_RP_CLIENT_ID,
            "client_secret": self.OIDC_RP_CLIENT_SECRET,
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": absolutify(request, reverse(settings.OIDC_AUTHENTICATION_CALLBACK_URL)),
        }
        if code_verifier is not None:
            payload["code_verifier"] = code_verifier
        try:
            token_info = self.get_token(payload)
        except (requests.RequestException, ValueError) as error:
            raise SignInRefusedError("provider-error", detail="token request refused") from error
        id_token = token_info.get("id_token")
        if not isinstance(id_token, str):
            raise SignInRefusedError("token", detail="no ID token")
        claims = self.verify_token(id_token, nonce=nonce)
        access_token = token_info.get("access_token")
        if self.OIDC_OP_USER_ENDPOINT and access_token:
            try:
                userinfo = self.get_userinfo(access_token, id_token, claims)
            except (requests.RequestException, ValueError) as error:
                raise SignInRefusedError("provider-unreachable", detail="userinfo") from error
            # The userinfo answer must be about the same person (Core 1.0, 5.3.2).
            if not isinstance(userinfo, dict) or str(userinfo.get("sub")) != str(claims["sub"]):
                raise SignInRefusedError("token", detail="userinfo is about someone else")
            claims = {**userinfo, **claims}
        return claims, id_token


def end_session_url(*, endpoint: str, id_token: str, after: str) -> str:
    """Where to send the browser so the provider signs the person out too (RP-initiated logout
    1.0), coming back to `after`."""
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": after,
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
