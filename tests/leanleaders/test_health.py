"""/healthz and /readyz: public, data-free, never cached, each check reported on its own."""

from __future__ import annotations

import time

import pytest
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader

from leanleaders import health
from tests.support.smtp import free_port

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_a_session_or_data(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert "sessionid" not in response.cookies


def test_readyz_reports_each_check(client, settings):
    settings.REDIS_URL = ""  # the demo: tasks run in-process, no broker to ask
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "broker": "not used"},
    }
    assert "no-store" in response["Cache-Control"]


def test_readyz_is_503_within_half_a_second_when_the_broker_is_down(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    started = time.monotonic()
    response = client.get("/readyz")
    assert time.monotonic() - started < 1.5
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("unreachable")


def test_probes_are_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code in (200, 503)
    assert client.get("/").status_code == 301  # everything else still is


@pytest.mark.django_db(transaction=True)
def test_readyz_is_503_while_a_migration_is_not_applied(client, settings, monkeypatch):
    settings.REDIS_URL = ""
    monkeypatch.setattr(health, "_migrations_applied", False)
    # Step back one migration that no other depends on, so exactly one is not applied, whichever
    # migrations are added later.
    graph = MigrationLoader(None).graph
    latest = next(
        leaf
        for leaf in graph.leaf_nodes()
        if any(parent[0] == leaf[0] for parent in graph.node_map[leaf].parents)
    )
    (previous,) = (parent for parent in graph.node_map[latest].parents if parent[0] == latest[0])
    call_command("migrate", latest[0], previous[1], verbosity=0)
    try:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["checks"]["migrations"] == "1 not applied"
    finally:
        call_command("migrate", latest[0], verbosity=0)
    assert client.get("/readyz").status_code == 200
