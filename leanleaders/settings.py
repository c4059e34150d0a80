"""Settings for Lean Leaders.

Every environment variable the app reads is read here, once. The defaults run a fresh clone as a
demo (SQLite file, no Redis, email printed to the console); production sets DEBUG off and must
provide SECRET_KEY and ALLOWED_HOSTS or the app refuses to start.
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import django.conf.locale
import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "demo-only-insecure-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "django_celery_beat",
    "axes",
    "csp",
    "leanleaders",
    "applications",
    "cohorts",
    "projects",
    "coaching",
    "reporting",
    "network",
    "corsheaders",
    "ninja",
    "api",
]

MIDDLEWARE = [
    # First, so redirects and errors from the rest are logged and carry the request id too.
    "leanleaders.observability.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After the session, before CommonMiddleware: the language cookie or the browser's
    # Accept-Language. A signed-in person's saved choice is put in that cookie (user_language).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "leanleaders.middleware.user_language",
    "django.contrib.messages.middleware.MessageMiddleware",
    "leanleaders.http.RefuseUnreadableQueryStrings",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "leanleaders.middleware.outbox_publishing",
]

ROOT_URLCONF = "leanleaders.urls"
WSGI_APPLICATION = "leanleaders.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "leanleaders.context_processors.navigation",
                "leanleaders.context_processors.kept_form",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    # Fail fast while PostgreSQL is unreachable instead of hanging a worker.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 3
elif DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A small office on the SQLite default: WAL lets pages read while someone writes, and
    # IMMEDIATE takes the write lock when a transaction begins, so two people placing into the
    # last seat queue behind the busy timeout (seconds) instead of failing "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE", timeout=20, init_command="PRAGMA journal_mode=WAL"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "leanleaders.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "leanleaders.backends.UserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
# The set-password link in the welcome email of an account an analyst adds.
LEANLEADERS_WELCOME_LINK_DAYS = env.int("LEANLEADERS_WELCOME_LINK_DAYS", default=7)

# Single sign-on with the city's identity provider (OpenID Connect, docs/operations.md). On when
# an issuer is set; its endpoints and signing keys are read from the issuer's discovery document
# at sign-in (leanleaders/sso.py). mozilla-django-oidc runs the authorization code flow (state,
# nonce, PKCE); we verify the ID token's signature, issuer, audience and times ourselves.
LEANLEADERS_OIDC_ISSUER = env.str("LEANLEADERS_OIDC_ISSUER", default="").rstrip("/")
OIDC_RP_CLIENT_ID = env.str("LEANLEADERS_OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("LEANLEADERS_OIDC_CLIENT_SECRET", default="")
OIDC_RP_SCOPES = env.str("LEANLEADERS_OIDC_SCOPES", default="openid email profile")
OIDC_RP_SIGN_ALGO = env.str("LEANLEADERS_OIDC_SIGN_ALGO", default="RS256")
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_AUTHENTICATION_CALLBACK_URL = "sso-callback"
OIDC_TIMEOUT = env.float("LEANLEADERS_OIDC_TIMEOUT_SECONDS", default=5.0)
OIDC_VERIFY_SSL = True
# The claims that carry who the person is; empty means "not sent by this provider".
LEANLEADERS_OIDC_EMAIL_CLAIM = env.str("LEANLEADERS_OIDC_EMAIL_CLAIM", default="email")
LEANLEADERS_OIDC_NAME_CLAIM = env.str("LEANLEADERS_OIDC_NAME_CLAIM", default="name")
LEANLEADERS_OIDC_DEPARTMENT_CLAIM = env.str("LEANLEADERS_OIDC_DEPARTMENT_CLAIM", default="")
LEANLEADERS_OIDC_EMPLOYEE_ID_CLAIM = env.str("LEANLEADERS_OIDC_EMPLOYEE_ID_CLAIM", default="")
LEANLEADERS_OIDC_GROUPS_CLAIM = env.str("LEANLEADERS_OIDC_GROUPS_CLAIM", default="groups")
# The one way a provider can grant a capability: members of this group are analysts, and an
# analyst who leaves it is a trainee at their next sign-in. Empty: roles never come from it.
LEANLEADERS_OIDC_ANALYST_GROUP = env.str("LEANLEADERS_OIDC_ANALYST_GROUP", default="")
# Clocks drift; an ID token a little early or late is accepted, never more than five minutes.
LEANLEADERS_OIDC_CLOCK_SKEW_SECONDS = env.int("LEANLEADERS_OIDC_CLOCK_SKEW_SECONDS", default=60)
if not 0 <= LEANLEADERS_OIDC_CLOCK_SKEW_SECONDS <= 300:
    raise ImproperlyConfigured("LEANLEADERS_OIDC_CLOCK_SKEW_SECONDS must be 0 to 300.")
if LEANLEADERS_OIDC_ISSUER and not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
    raise ImproperlyConfigured(
        "LEANLEADERS_OIDC_ISSUER needs LEANLEADERS_OIDC_CLIENT_ID and "
        "LEANLEADERS_OIDC_CLIENT_SECRET."
    )
# off: sign-in only through the provider; sign-up, password reset and password change are gone.
LEANLEADERS_PASSWORD_SIGN_IN = env.bool("LEANLEADERS_PASSWORD_SIGN_IN", default=True)
if not LEANLEADERS_PASSWORD_SIGN_IN and not LEANLEADERS_OIDC_ISSUER:
    raise ImproperlyConfigured(
        "LEANLEADERS_PASSWORD_SIGN_IN=off needs single sign-on (LEANLEADERS_OIDC_ISSUER)."
    )

# Throttle repeated failed sign-ins per account and address; the message never says whether the
# account exists.
# Behind the TLS proxy every request comes from the proxy: the client is the address the proxy
# adds to X-Forwarded-For (see security_log.client_address).
LEANLEADERS_BEHIND_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
# Address and client together: knowing someone's address is not enough to lock them out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "leanleaders.security_log.client_address"
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "en-us"
# English and the languages the city's language-access rules name (docs/translation.md).
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("zh-hant", _("Traditional Chinese")),
    ("fil", _("Filipino")),
]
# Django ships no Filipino; its name in the switcher and get_language_info() come from here.
django.conf.locale.LANG_INFO.setdefault(
    "fil", {"bidi": False, "code": "fil", "name": "Filipino", "name_local": "Filipino"}
)
# Our catalogues, then Django's own strings in the languages Django ships none for (Filipino):
# its dates, relative times and form messages (docs/translation.md).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_django"]
# The one date style of the app (see leanleaders/formats/en/formats.py).
FORMAT_MODULE_PATH = ["leanleaders.formats"]
TIME_ZONE = env.str("LEANLEADERS_TIME_ZONE", default="America/Los_Angeles")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads live outside the web root and are only served through permission-checked views.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "uploads")))
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: printed to the console in the demo; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# A message marked "sending" longer than this is taken to be lost with its sender and is sent
# again by the outbox sweeper. An SMTP exchange is at most about ten commands (connect, EHLO,
# STARTTLS, AUTH, MAIL, RCPT, DATA, ...), each bounded by EMAIL_TIMEOUT.
LEANLEADERS_OUTBOX_CLAIM_SECONDS = env.int(
    "LEANLEADERS_OUTBOX_CLAIM_SECONDS", default=10 * EMAIL_TIMEOUT
)
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.smtp.EmailBackend"
        if EMAIL_HOST
        else "django.core.mail.backends.console.EmailBackend"
    ),
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Lean Leaders <leanleaders@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Program rules
LEANLEADERS_ALLOWED_EMAIL_DOMAINS = [
    domain.lower().lstrip("@")
    for domain in env.list("LEANLEADERS_ALLOWED_EMAIL_DOMAINS", default=["sfgov.org"])
]
LEANLEADERS_PROGRAM_NAME = env.str("LEANLEADERS_PROGRAM_NAME", default="Lean Leaders")
LEANLEADERS_CITY_NAME = env.str("LEANLEADERS_CITY_NAME", default="City and County of San Francisco")
LEANLEADERS_HOLIDAY_COUNTRY = env.str("LEANLEADERS_HOLIDAY_COUNTRY", default="US")
LEANLEADERS_HOLIDAY_SUBDIV = env.str("LEANLEADERS_HOLIDAY_SUBDIV", default="CA")
LEANLEADERS_WAITLIST_OFFER_BY_EMAIL = env.bool("LEANLEADERS_WAITLIST_OFFER_BY_EMAIL", default=False)
LEANLEADERS_WAITLIST_OFFER_HOURS = env.int("LEANLEADERS_WAITLIST_OFFER_HOURS", default=72)
# Deadlines given to people (a seat offer) end at the close of a working day, not at night.
LEANLEADERS_WORKDAY_CLOSES_AT = dt.time.fromisoformat(
    env.str("LEANLEADERS_WORKDAY_CLOSES_AT", default="17:00")
)
# The read API (api/): calls per token per minute; origins allowed to call it from a browser
# (none by default); and whether the aggregate figures are open data, readable without a token.
LEANLEADERS_API_CALLS_PER_MINUTE = env.int("LEANLEADERS_API_CALLS_PER_MINUTE", default=120)
CORS_ALLOWED_ORIGINS = env.list("LEANLEADERS_API_CORS_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/v1/"
CORS_ALLOW_METHODS = ["GET", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified"]
LEANLEADERS_API_OPEN_DATA = env.bool("LEANLEADERS_API_OPEN_DATA", default=False)
LEANLEADERS_NOT_COACHED_DAYS = env.int("LEANLEADERS_NOT_COACHED_DAYS", default=14)
# A sign-off waiting this many working days goes one step up: the supervisor's supervisor, then
# the department's manager or alternate, then the analysts.
LEANLEADERS_SIGNOFF_ESCALATION_DAYS = env.int("LEANLEADERS_SIGNOFF_ESCALATION_DAYS", default=3)
LEANLEADERS_PROGRESS_NUDGE_DAYS = env.int("LEANLEADERS_PROGRESS_NUDGE_DAYS", default=7)
# Follow-ups after Day 3 (projects.models.FollowUp): the days after Day 3 a reviewed project's
# result is checked, the share of the Day-3 gain a follow-up must keep to read "sustained", and the
# days a due follow-up may wait before it reads "missed".
LEANLEADERS_FOLLOW_UP_DAYS = tuple(
    sorted(env.list("LEANLEADERS_FOLLOW_UP_DAYS", cast=int, default=[30, 90, 180]))
)
LEANLEADERS_SUSTAINED_SHARE = Decimal(env.str("LEANLEADERS_SUSTAINED_SHARE", default="0.8"))
LEANLEADERS_FOLLOW_UP_GRACE_DAYS = env.int("LEANLEADERS_FOLLOW_UP_GRACE_DAYS", default=14)

# Celery. Without REDIS_URL the demo runs each task in-process right after the transaction
# commits (eager mode): no broker, no worker, same code path through the outbox.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_DEFAULT_QUEUE = "celery"
# Workers log through LOGGING below, like the web, so their lines carry the request id too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A request that queues mail must not hang when Redis is down or hung (accepting connections,
# never answering): each broker command gives up after 0.3 s (Redis answers in a millisecond
# when well), publishing is not retried, and after one failure the process stops publishing for
# a while (leanleaders.mail.outbox_publish). The outbox rows wait for the sweeper.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 60 * 60,
    "socket_connect_timeout": 0.3,
    "socket_timeout": 0.3,
    "max_retries": 0,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 0.3
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # Re-sends what was queued while the broker was down.
    "sweep-outbox": {"task": "leanleaders.tasks.sweep_outbox_task", "schedule": 120.0},
    # Every rule decides who is due; each occasion is sent once however often this runs.
    "run-reminders": {
        "task": "leanleaders.tasks.run_all_reminders_task",
        "schedule": crontab(minute=5),
    },
    # Seat offers past their deadline pass to the next person waiting.
    "expire-waitlist-offers": {
        "task": "cohorts.tasks.expire_waitlist_offers_task",
        "schedule": crontab(minute="*/15"),
    },
}
LEANLEADERS_SMTP_RETRY_BASE_SECONDS = env.int("LEANLEADERS_SMTP_RETRY_BASE_SECONDS", default=30)
LEANLEADERS_REMINDERS_DISABLED = env.list("LEANLEADERS_REMINDERS_DISABLED", default=[])

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Says what happened to a form sent after its session ended, and leads back to it.
CSRF_FAILURE_VIEW = "leanleaders.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if LEANLEADERS_BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Load balancers and Prometheus may probe the app server directly over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

if LEANLEADERS_OIDC_ISSUER:
    # Signing out goes on to the provider's end-session endpoint: a redirect after a form post,
    # which form-action governs. (Entra ID and Okta serve it from the issuer's origin.)
    _issuer = urlsplit(LEANLEADERS_OIDC_ISSUER)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(
        f"{_issuer.scheme}://{_issuer.netloc}"
    )

# Operations: logs, metrics, error reporting (docs/operations.md).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be 'plain' or 'json'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "leanleaders.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "leanleaders.security": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"level": "WARNING"},
        "celery": {"level": "WARNING"},
        "kombu": {"level": "ERROR"},
    },
}

# /metrics answers a request with `Authorization: Bearer <METRICS_TOKEN>`, or one straight from
# an address in METRICS_ALLOWED_IPS (not through the proxy). Neither set: nobody.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])

SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from leanleaders.error_reporting import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default=""),
    )
