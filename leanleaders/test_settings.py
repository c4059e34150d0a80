"""Settings for the test suite: the real settings module with fast hashing and captured mail."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("LEANLEADERS_ALLOWED_EMAIL_DOMAINS", "sfgov.org")
os.environ.setdefault("SITE_URL", "http://testserver")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from leanleaders.settings import *  # noqa: F403
from leanleaders.settings import BASE_DIR, DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "test-uploads"
DATABASES["default"]["CONN_MAX_AGE"] = 0
# Unit tests run tasks in-process; the Celery integration tests start a real worker on Redis.
# LEANLEADERS_TEST_WORKER=1 is set by those tests for the worker process they start.
if os.environ.get("LEANLEADERS_TEST_WORKER") == "1":
    CELERY_TASK_ALWAYS_EAGER = False
    CELERY_BROKER_URL = os.environ["REDIS_URL"]
    CELERY_TASK_DEFAULT_QUEUE = os.environ["LEANLEADERS_TEST_QUEUE"]
    # The tests wait for the worker's "ready." line and read its log when something fails.
    LOGGING["loggers"]["celery"]["level"] = "INFO"  # type: ignore[index]  # noqa: F405  (a dict literal in settings)
else:
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_BROKER_URL = "memory://"
AXES_ENABLED = True
LOGGING["loggers"]["leanleaders.security"]["level"] = "WARNING"  # type: ignore[index]  # noqa: F405  (a dict literal in settings)
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
