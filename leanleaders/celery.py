"""The Celery application, configured from Django settings (the CELERY_* names)."""

import os

from celery import Celery
from celery.signals import worker_process_shutdown

from leanleaders.observability import connect_celery_signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leanleaders.settings")

app = Celery("leanleaders")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_shutdown.connect
def _close_kept_smtp_connection(**kwargs: object) -> None:
    """Say goodbye (QUIT) on the SMTP connection this process kept between sends."""
    from leanleaders.mail import smtp_connection_close

    smtp_connection_close()


connect_celery_signals()
