"""View guards by role. Anonymous users go to sign-in; signed-in users of another role get 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from leanleaders import roles

View = Callable[..., HttpResponseBase]


def role_required(*predicates: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not any(predicate(request.user) for predicate in predicates):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


analyst_required = role_required(roles.is_analyst)
manager_required = role_required(roles.is_manager)
trainee_required = role_required(roles.is_trainee)
staff_required = role_required(roles.is_analyst, roles.is_manager)
