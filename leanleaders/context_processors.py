from django.http import HttpRequest

from leanleaders import roles


def navigation(request: HttpRequest) -> dict[str, object]:
    user = request.user
    return {
        "user_is_analyst": roles.is_analyst(user),
        "user_is_manager": roles.is_manager(user),
        "user_is_trainee": roles.is_trainee(user),
    }
