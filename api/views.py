from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api import policies, services
from api.forms import TokenCreateForm
from leanleaders.decorators import analyst_required
from leanleaders.http import AuthenticatedHttpRequest


def _end_of(day: dt.date) -> dt.datetime:
    """A token "expiring on" a day works through that day, in the city's time zone."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


@analyst_required
@never_cache
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The analyst's tokens. A new token is shown on the page that made it and never again:
    the page is not cached, and no redirect carries it in a message or the session."""
    form = TokenCreateForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        expires = form.cleaned_data["expires"]
        try:
            _row, new_token = services.api_token_create(
                by=request.user,
                name=form.cleaned_data["name"],
                expires_at=_end_of(expires) if expires else None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = TokenCreateForm()
    tokens = policies.visible_tokens(request.user)
    return render(
        request,
        "api/token_list.html",
        {"form": form, "tokens": tokens, "new_token": new_token, "now": timezone.now()},
    )


@analyst_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(policies.visible_tokens(request.user), pk=pk)
    services.api_token_revoke(token_id=token.pk, by=request.user)
    messages.success(
        request, _("“%(name)s” is revoked: it no longer works.") % {"name": token.name}
    )
    return redirect("api:token-list")
