"""One Celery worker (2 processes) delivering to a local SMTP server: the mail and reminder runs
both time it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_smtp_worker(*, queue: str, smtp_port: int, log_name: str) -> subprocess.Popen:
    """A worker on `queue` that sends through the SMTP server on 127.0.0.1:`smtp_port`, in a
    session of its own (stop it with `os.killpg`), logging to bench/out/`log_name`."""
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
    }
    log = ROOT / "bench" / "out" / log_name
    log.parent.mkdir(exist_ok=True)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "leanleaders",
            "worker",
            "-Q",
            queue,
            "--concurrency",
            "2",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
