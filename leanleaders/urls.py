from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy
from django.views.i18n import JavaScriptCatalog

from leanleaders import health, metrics, views
from leanleaders.forms import EmailAuthenticationForm, QueuedPasswordResetForm
from leanleaders.tokens import welcome_token

accounts = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("signup/done/", views.signup_done, name="signup-done"),
    path("activate/<uidb64>/<token>/", views.activate, name="activate"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "welcome/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            token_generator=welcome_token,
            extra_context={"welcome": True},
            post_reset_login=True,
            post_reset_login_backend="leanleaders.backends.UserBackend",
            success_url=reverse_lazy("home"),
        ),
        name="welcome-set-password",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "password-change/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("password_change_done")),
        name="password_change",
    ),
    path(
        "password-change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("profile/", views.profile, name="profile"),
    path("notifications/", views.notification_preferences, name="notification-preferences"),
    path("language/", views.language_set, name="set-language"),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("", views.home, name="home"),
    # The translations app.js and the other scripts use (gettext() in the browser).
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include(accounts)),
    path("people/", views.people, name="people"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/resend/", views.outbox_resend, name="outbox-resend"),
    path("applications/", include("applications.urls")),
    path("cohorts/", include("cohorts.urls")),
    path("projects/", include("projects.urls")),
    path("coaching/", include("coaching.urls")),
    path("reports/", include("reporting.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "leanleaders.errors.bad_request"
handler403 = "leanleaders.errors.permission_denied"
handler404 = "leanleaders.errors.page_not_found"
handler500 = "leanleaders.errors.server_error"
