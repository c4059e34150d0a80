from django.conf import settings
from django.http import HttpRequest

from leanleaders import kept_forms, roles


def navigation(request: HttpRequest) -> dict[str, object]:
    user = request.user
    manager = roles.is_manager(user)
    trainee = roles.is_trainee(user)
    return {
        "user_is_analyst": roles.is_analyst(user),
        "user_is_manager": manager,
        "user_is_trainee": trainee,
        # Lists that show only the reader's own rows drop the person and department columns.
        "user_sees_only_own": trainee and not manager,
        # Off when the city's provider keeps everyone's password: no "Change password".
        "password_sign_in": settings.LEANLEADERS_PASSWORD_SIGN_IN,
    }


def kept_form(request: HttpRequest) -> dict[str, object]:
    """Whether this page shows a failed form kept from the last request (its title says so)."""
    return {"kept_form_pending": kept_forms.on_page(request)}
