from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt

from tests.support.oidc_provider.validators import MODE, MODES


@csrf_exempt
def mode(request: HttpRequest) -> HttpResponse:
    """GET: what the next ID tokens get wrong; POST mode=...: change it (tests only)."""
    if request.method == "POST":
        wanted = request.POST.get("mode", "")
        if wanted not in MODES:
            return HttpResponseBadRequest(f"mode must be one of {', '.join(MODES)}")
        MODE["value"] = wanted
    return HttpResponse(MODE["value"], content_type="text/plain")
