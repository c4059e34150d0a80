"""The app's URLs plus the ceiling view; used only by bench.settings."""

from django.urls import include, path

from bench import views

urlpatterns = [
    path("bench/ceiling/", views.ceiling, name="bench-ceiling"),
    path("", include("leanleaders.urls")),
]

handler403 = "leanleaders.errors.permission_denied"
handler404 = "leanleaders.errors.page_not_found"
handler500 = "leanleaders.errors.server_error"
