from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from leanleaders.security_log import log_denied


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Every refusal passes here, whether a role guard or a policy raised it.
    log_denied(request, type(exception).__name__ if exception else "denied")
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the failure may come from the database or the session.
    return HttpResponse(render_to_string("500.html"), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent after its session ended. Nothing was changed; the form's
    own address leads back to it, where drafts.js puts back what was typed."""
    return render(request, "403_csrf.html", {"form_url": request.get_full_path()}, status=403)
