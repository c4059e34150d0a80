from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy
from django.views.i18n import JavaScriptCatalog

from leanleaders import health, metrics, sso_views, views
from leanleaders.forms import QueuedPasswordResetForm
from leanleaders.sso_views import password_sign_in_required as with_passwords
from leanleaders.tokens import welcome_token

accounts = [
    path("login/", sso_views.SignInView.as_view(), name="login"),
    path("logout/", sso_views.SignOutView.as_view(), name="logout"),
    path("sso/start/", sso_views.SignInWithCityAccountView.as_view(), name="sso-start"),
    path("sso/callback/", sso_views.sso_callback, name="sso-callback"),
    # With LEANLEADERS_PASSWORD_SIGN_IN=off the rest answer 404: the provider keeps passwords.
    path("signup/", with_passwords(views.signup), name="signup"),
    path("signup/done/", with_passwords(views.signup_done), name="signup-done"),
    path("activate/<uidb64>/<token>/", with_passwords(views.activate), name="activate"),
    path(
        "password-reset/",
        with_passwords(auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm)),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        with_passwords(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        with_passwords(views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "welcome/<uidb64>/<token>/",
        with_passwords(
            auth_views.PasswordResetConfirmView.as_view(
                token_generator=welcome_token,
                extra_context={"welcome": True},
                post_reset_login=True,
                post_reset_login_backend="leanleaders.backends.UserBackend",
                success_url=reverse_lazy("home"),
            )
        ),
        name="welcome-set-password",
    ),
    path(
        "reset/done/",
        with_passwords(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path(
        "password-change/",
        with_passwords(
            auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("password_change_done"))
        ),
        name="password_change",
    ),
    path(
        "password-change/done/",
        with_passwords(auth_views.PasswordChangeDoneView.as_view()),
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
    path("people/import/", views.org_import_create, name="org-import-create"),
    path("people/import/<int:pk>/", views.org_import_detail, name="org-import-detail"),
    path("people/import/<int:pk>/apply/", views.org_import_apply, name="org-import-apply"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/resend/", views.outbox_resend, name="outbox-resend"),
    path("applications/", include("applications.urls")),
    path("cohorts/", include("cohorts.urls")),
    path("projects/", include("projects.urls")),
    path("coaching/", include("coaching.urls")),
    path("reports/", include("reporting.urls")),
    path("network/", include("network.urls")),
    path("api/", include("api.urls")),
    # The admin signs people in on our page, so it follows LEANLEADERS_PASSWORD_SIGN_IN too.
    path("admin/login/", sso_views.admin_sign_in),
    path("admin/", admin.site.urls),
]

handler400 = "leanleaders.errors.bad_request"
handler403 = "leanleaders.errors.permission_denied"
handler404 = "leanleaders.errors.page_not_found"
handler500 = "leanleaders.errors.server_error"
