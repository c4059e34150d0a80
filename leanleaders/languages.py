"""Which language a person reads: the one they chose, kept on their profile.

Pages: the language cookie (set by the switcher, and from a signed-in person's saved choice by
`leanleaders.middleware.user_language`), else the browser's Accept-Language (LocaleMiddleware).
Emails: the recipient's saved choice, else the site's language (`leanleaders.mail`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from leanleaders import services
from leanleaders.models import User


def language_offered(code: str) -> bool:
    return code in dict(settings.LANGUAGES)


@receiver(user_logged_in)
def remember_language_chosen_before_sign_in(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """Someone who picked a language on the sign-in page keeps it on their profile, so their
    emails follow it too. An earlier saved choice is left alone."""
    if request is None or not isinstance(user, User) or user.language:
        return
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if language_offered(chosen):
        services.user_set_language(user=user, by=user, language=chosen)
