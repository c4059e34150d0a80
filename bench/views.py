"""The ceiling: the cheapest page Django can serve a signed-in user on this stack.

It goes through the same middleware as every page (session read from the database, the user
loaded by AuthenticationMiddleware, CSRF, CSP, messages) and renders nothing. Each page's
latency is reported as a multiple of this one's.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def ceiling(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")
