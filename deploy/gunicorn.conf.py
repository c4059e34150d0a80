"""gunicorn settings for the web service (deploy/systemd/leanleaders-web.service).

nginx in front terminates TLS, serves /static/ and passes the request id; gunicorn listens on
loopback only. Each request is logged once by the app (leanleaders.observability), so gunicorn
writes no access log of its own.
"""

import os
import shutil
from pathlib import Path
from typing import Any

from prometheus_client import multiprocess

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# Below nginx's proxy_read_timeout (60 s), so gunicorn gives up first and nginx can say so.
timeout = 55
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# Only nginx on this machine may set X-Forwarded-For and X-Forwarded-Proto.
forwarded_allow_ips = "127.0.0.1"
# No run-time control socket: nothing uses it, and two servers on one machine would share it.
control_socket_disable = True
accesslog = None
errorlog = "-"
loglevel = "info"


def on_starting(server: Any) -> None:
    # Each worker writes its request latencies to files here; a scrape adds them up. Files
    # left by an earlier run would be counted again, so the folder starts empty.
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True)


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
