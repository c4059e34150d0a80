"""A form posted from a page it does not own (the placement on the application page, a waitlist
reorder, a next step) redirects back to that page whatever happens. When it fails, what was typed
and why it failed are kept in the session for the page view that follows, which shows them in
its error summary with the form open, instead of a bare message and an empty form."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar, cast

from django import forms
from django.http import HttpRequest, QueryDict

SESSION_KEY = "leanleaders_kept_form"
SHOWN = "_leanleaders_kept_form_shown"
F = TypeVar("F", bound=forms.Form)


def keep(request: HttpRequest, *, name: str, form: forms.Form, errors: Iterable[str] = ()) -> None:
    """Keep `form`'s data under `name` (the form and its object: "reorder-12"), with `errors`
    the service raised beyond the form's own."""
    posted = cast(QueryDict, form.data)  # bound from request.POST
    data = {k: v for k, v in posted.lists() if k != "csrfmiddlewaretoken"}
    request.session[SESSION_KEY] = {"name": name, "data": data, "errors": list(errors)}


def on_page(request: HttpRequest) -> bool:
    """Whether this request's page shows a kept form: one still waiting in the session (a
    template tag takes it while the page renders) or one a view has already taken."""
    return getattr(request, SHOWN, False) or SESSION_KEY in getattr(request, "session", {})


def take(request: HttpRequest, *, name: str, form_class: type[F], **kwargs: Any) -> F | None:
    """The kept form `name` bound again with its errors, once; None when nothing is kept."""
    kept = request.session.get(SESSION_KEY)
    if not kept or kept["name"] != name:
        return None
    del request.session[SESSION_KEY]
    setattr(request, SHOWN, True)
    data = QueryDict(mutable=True)
    for key, values in kept["data"].items():
        data.setlist(key, values)
    form = form_class(data, **kwargs)
    form.is_valid()
    for error in kept["errors"]:
        form.add_error(None, error)
    return form
