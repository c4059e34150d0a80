"""Sign-in and sign-out pages: the password form, "Sign in with your city account" and the
provider's callback. The protocol is in leanleaders/sso.py, who may come in in services.py."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec

from django.conf import settings
from django.contrib import admin, auth, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.views.decorators.http import require_GET
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from leanleaders import services, sso
from leanleaders.forms import EmailAuthenticationForm
from leanleaders.security_log import client_ip

logger = logging.getLogger("leanleaders.security")

P = ParamSpec("P")

SESSION_ID_TOKEN = "sso_id_token"  # noqa: S105  (a session key, not a secret)
SESSION_END_SESSION = "sso_end_session_endpoint"


def password_sign_in_required(
    view: Callable[P, HttpResponseBase],
) -> Callable[P, HttpResponseBase]:
    """The page exists only while password sign-in does (LEANLEADERS_PASSWORD_SIGN_IN)."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        if not sso.password_sign_in_enabled():
            raise Http404
        return view(*args, **kwargs)

    return wrapped


class SignInView(auth_views.LoginView):
    """Django's sign-in page, with "Sign in with your city account" first when single sign-on
    is configured, and without the password form when password sign-in is off."""

    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not sso.password_sign_in_enabled():
            raise Http404
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            sso_enabled=sso.sso_enabled(),
            password_sign_in=sso.password_sign_in_enabled(),
            **kwargs,
        )


def _refuse(
    request: HttpRequest, refusal: sso.SignInRefusedError, *, subject: str = ""
) -> HttpResponse:
    services.sign_in_refused_record(refusal=refusal, ip=client_ip(request), subject=subject)
    logger.warning(
        "sso_refused reason=%s user_id=%s ip=%s detail=%s",
        refusal.reason,
        refusal.user.pk if refusal.user else None,
        client_ip(request),
        refusal.detail,
    )
    messages.error(request, refusal.message)
    return redirect("login")


class SignInWithCityAccountView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider with a fresh state, nonce and PKCE challenge."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The endpoints come from discovery in get(); mozilla-django-oidc reads them here.
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso.sso_enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = sso.provider_metadata()["authorization_endpoint"]
        except sso.SignInRefusedError as refusal:
            return _refuse(request, refusal)
        response: HttpResponse = super().get(request)
        return response


@require_GET
def sso_callback(request: HttpRequest) -> HttpResponse:
    """Where the provider sends the browser back. The state must be one this browser's session
    started, unused and recent; the ID token must verify; then the person must be let in."""
    if not sso.sso_enabled():
        raise Http404
    states: dict[str, dict[str, Any]] = request.session.get("oidc_states", {})
    state = request.GET.get("state", "")
    # Used once: taken out of the session before anything else happens.
    entry = states.pop(state, None)
    request.session.modified = True
    if entry is None or time.time() - entry.get("added_on", 0) > sso.STATE_MAX_AGE_SECONDS:
        return _refuse(
            request, sso.SignInRefusedError("state", detail="unknown, used or stale state")
        )
    if request.GET.get("error") or not request.GET.get("code"):
        detail = request.GET.get("error", "no code")[:100]
        return _refuse(request, sso.SignInRefusedError("provider-error", detail=detail))
    subject = ""
    try:
        metadata = sso.provider_metadata()
        claims, id_token = sso.CityProvider(metadata).sign_in_claims(
            request,
            code=request.GET["code"],
            nonce=entry["nonce"],
            code_verifier=entry.get("code_verifier"),
        )
        subject = str(claims["sub"])
        user = services.user_sign_in_with_city_account(identity=sso.identity_from_claims(claims))
    except sso.SignInRefusedError as refusal:
        return _refuse(request, refusal, subject=subject)
    next_url = request.session.get("oidc_login_next") or resolve_url(settings.LOGIN_REDIRECT_URL)
    auth.login(request, user, backend="leanleaders.backends.UserBackend")
    if metadata.get("end_session_endpoint"):
        request.session[SESSION_ID_TOKEN] = id_token
        request.session[SESSION_END_SESSION] = metadata["end_session_endpoint"]
    return HttpResponseRedirect(next_url)


class SignOutView(auth_views.LogoutView):
    """Ends the session here and, for a person who came in through a provider that supports
    it, there too (RP-initiated logout), coming back to the sign-in page."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        id_token = request.session.get(SESSION_ID_TOKEN)
        endpoint = request.session.get(SESSION_END_SESSION)
        response: HttpResponse = super().post(request, *args, **kwargs)
        if id_token and endpoint:
            after = request.build_absolute_uri(reverse("login"))
            return HttpResponseRedirect(
                sso.end_session_url(endpoint=endpoint, id_token=id_token, after=after)
            )
        return response


def admin_sign_in(request: HttpRequest) -> HttpResponse:
    """The admin's own password form while passwords are allowed; otherwise our sign-in page,
    which offers the provider, coming back to where the admin was going."""
    if sso.password_sign_in_enabled():
        return admin.site.login(request)
    return redirect_to_login(request.GET.get("next", reverse("admin:index")))
