"""Settings for the benchmark: the production settings, on a local PostgreSQL, over plain HTTP.

Everything comes from leanleaders.settings (same middleware, sessions in the database, DEBUG
off, the cached template loader, whitenoise's manifest storage, the Celery broker on Redis).
Only what a loopback run needs differs: a throwaway key, 127.0.0.1, a Redis database of its own,
no HTTPS redirect or secure-only cookies, and a URLconf that adds the ceiling view, so that view
is never routed in production.
"""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-throwaway-key-not-for-production")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/leanleaders_bench")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# As in production: the Celery broker on Redis (the writer's measurements queue their emails).
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/2")

from leanleaders.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
