"""The Celery application, configured from Django settings (the CELERY_* names)."""

import os

from celery import Celery

from leanleaders.observability import connect_celery_signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leanleaders.settings")

app = Celery("leanleaders")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
connect_celery_signals()
