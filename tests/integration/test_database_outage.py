"""PostgreSQL going away: requests fail fast, and the app recovers by itself when it returns.

The database is reached through a proxy that the test cuts, so the outage touches only this
test's connection, not the rest of the suite.
"""

from __future__ import annotations

import time

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse

from tests.support.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def proxied_database():
    settings = connection.settings_dict
    proxy = TcpProxy(settings["HOST"] or "127.0.0.1", int(settings["PORT"] or 5432))
    saved = (settings["HOST"], settings["PORT"], settings["CONN_MAX_AGE"])
    connection.close()
    settings["HOST"], settings["PORT"] = "127.0.0.1", str(proxy.port)
    settings["CONN_MAX_AGE"] = 60  # as in production: connections are reused and checked
    yield proxy
    connection.close()
    settings["HOST"], settings["PORT"], settings["CONN_MAX_AGE"] = saved
    proxy.close()


def probe(client: Client, path: str, **headers: str):
    # What the WSGI handler does around each real request (the test client skips it).
    close_old_connections()
    try:
        return client.get(path, **headers)
    finally:
        close_old_connections()


def request_home(client: Client):
    return probe(client, reverse("home"))


def test_requests_fail_fast_while_the_database_is_down_and_recover(trainee, proxied_database):
    client = Client(raise_request_exception=False)
    client.force_login(trainee)
    assert request_home(client).status_code == 200

    proxied_database.cut()
    started = time.monotonic()
    down = request_home(client)
    assert down.status_code == 500
    assert time.monotonic() - started < 5
    assert "Something went wrong" in down.content.decode()

    proxied_database.restore()
    assert request_home(client).status_code == 200


def test_readyz_and_metrics_while_the_database_is_down(proxied_database, settings):
    settings.METRICS_TOKEN = "token"
    client = Client(raise_request_exception=False)
    assert probe(client, "/readyz").json()["checks"]["database"] == "ok"

    proxied_database.cut()
    started = time.monotonic()
    ready = probe(client, "/readyz")
    assert time.monotonic() - started < 5
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"].startswith("unreachable")
    assert ready.json()["checks"]["migrations"] == "unknown"
    metrics = probe(client, "/metrics", HTTP_AUTHORIZATION="Bearer token")
    assert metrics.status_code == 200
    assert "leanleaders_database_up 0.0" in metrics.content.decode()
    assert "leanleaders_outbox_emails_pending" not in metrics.content.decode()

    proxied_database.restore()
    assert probe(client, "/readyz").json()["checks"]["database"] == "ok"
