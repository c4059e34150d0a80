"""A URL configuration whose one view fails, quoting what a careless error message might."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def fail(request: HttpRequest) -> HttpResponse:
    raise ValueError(f"could not save the profile of {request.POST.get('email')}")


urlpatterns = [path("fail/", fail)]
