"""Shared fixtures: one person of each role, in two departments, and the CI guard."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import (
    AnalystFactory,
    DepartmentFactory,
    ManagerFactory,
    TraineeFactory,
)

ON_CI = os.environ.get("CI") == "true"


def using_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_sessionstart(session: pytest.Session) -> None:
    if ON_CI and not (using_postgres() and os.environ.get("REDIS_URL")):
        pytest.exit("CI must run against PostgreSQL (DATABASE_URL) and Redis (REDIS_URL).", 3)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if using_postgres():
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL (CI always does)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request in another language leaves that
    language active on the worker's thread (LocaleMiddleware), which would translate what the
    next test on that worker reads outside a request."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _publishing_not_paused(monkeypatch):
    """A test whose broker failed must not pause publishing for the tests after it."""
    from leanleaders import mail

    monkeypatch.setattr(mail, "_publish_paused_until", 0.0)


@pytest.fixture(autouse=True)
def _no_kept_smtp_connection():
    """Each test sends through the email settings it has, not a connection an earlier test
    kept open."""
    from leanleaders.mail import smtp_connection_close

    smtp_connection_close()
    yield
    smtp_connection_close()


@pytest.fixture
def department(db):
    return DepartmentFactory(name="Public Health", code="DPH")


@pytest.fixture
def other_department(db):
    return DepartmentFactory(name="Public Works", code="DPW")


@pytest.fixture
def trainee(department):
    return TraineeFactory(
        department=department, full_name="Taylor Trainee", email="taylor@sfgov.org"
    )


@pytest.fixture
def colleague(department):
    """Another trainee in the same department as `trainee`."""
    return TraineeFactory(department=department, full_name="Casey Colleague")


@pytest.fixture
def other_trainee(other_department):
    return TraineeFactory(department=other_department, full_name="Otis Other")


@pytest.fixture
def manager(department):
    return ManagerFactory(
        department=department, full_name="Morgan Manager", email="morgan@sfgov.org"
    )


@pytest.fixture
def alternate_manager(department):
    alternate = ManagerFactory(department=department, manages=[], full_name="Alex Alternate")
    department.alternate_manager = alternate
    department.save()
    return alternate


@pytest.fixture
def other_dept_manager(other_department):
    return ManagerFactory(department=other_department, full_name="Olive Othermanager")


@pytest.fixture
def analyst(db):
    return AnalystFactory(full_name="Ana Analyst", email="ana@sfgov.org")


@pytest.fixture
def anonymous(db):
    return None


@pytest.fixture
def client_for(client: Client):
    """client_for(user) returns a test client signed in as that user (None: anonymous)."""

    def make(user) -> Client:
        fresh = Client()
        if user is not None:
            fresh.force_login(user)
        return fresh

    return make
