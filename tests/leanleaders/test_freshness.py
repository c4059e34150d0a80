"""The data generation moves on every write a page could show, and cached home cards follow it."""

import datetime as dt
import re
import socket

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leanleaders import freshness
from leanleaders.models import Department
from projects.models import Measurement
from tests.factories import TraineeFactory


@pytest.mark.parametrize(
    ("sql", "watched"),
    [
        ('INSERT INTO "projects_measurement" ("value") VALUES (%s)', True),
        ('UPDATE "applications_application" SET "status" = %s', True),
        ('DELETE FROM "coaching_nextstep" WHERE "id" = %s', True),
        ("  insert into leanleaders_user (email) values (%s)", True),
        ('TRUNCATE "axes_accessattempt", "projects_project"', True),
        ('UPDATE "django_session" SET "session_data" = %s', False),
        ('INSERT INTO "axes_accessattempt" ("username") VALUES (%s)', False),
        ('SELECT "id" FROM "cohorts_cohort" WHERE "id" = %s FOR UPDATE', False),
        ('SELECT "id" FROM "projects_project" WHERE "title" = %s', False),
    ],
)
def test_which_statements_count_as_writes(sql, watched):
    assert freshness.is_watched_write(sql) is watched


@pytest.fixture
def generation():
    """The generation now; call it again for the generation then."""
    return freshness.current


@pytest.mark.django_db
def test_every_way_of_writing_moves_the_generation(generation, department):
    before = generation()
    Department.objects.create(name="Fleet", code="FLT")
    assert generation() > before

    before = generation()
    Department.objects.filter(code="FLT").update(name="Fleet Management")
    assert generation() > before

    before = generation()
    Department.objects.bulk_create([Department(name="Library", code="LIB")])
    assert generation() > before

    before = generation()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM leanleaders_department WHERE code = %s", ["LIB"])
    assert generation() > before


@pytest.mark.django_db
def test_reads_and_sessions_leave_the_generation_alone(generation, department):
    before = generation()
    list(Department.objects.all())
    session = SessionStore()
    session["seen"] = True
    session.save()
    assert generation() == before


@pytest.mark.django_db
def test_a_transaction_moves_it_again_once_it_commits(
    generation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        Department.objects.create(name="Fleet", code="FLT")
        Department.objects.create(name="Library", code="LIB")
        during = generation()
    # One move after the commit, however many statements wrote.
    assert [callback for callback in callbacks if callback is freshness.advance] == [
        freshness.advance
    ]
    assert generation() == during + 1


@pytest.fixture
def unreachable_fragment_cache(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.CACHES = {
        **settings.CACHES,
        "fragments": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }


@pytest.mark.django_db
def test_without_the_cache_writes_succeed_and_pages_render(
    unreachable_fragment_cache, client_for, trainee
):
    assert freshness.current() is None
    Department.objects.create(name="Fleet", code="FLT")
    response = client_for(trainee).get(reverse("home"))
    assert response.status_code == 200
    assert "Your project" in response.content.decode()


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["trainee", "manager", "analyst"])
def test_a_second_visit_reads_the_cards_from_the_cache(request, client_for, role):
    client = client_for(request.getfixturevalue(role))
    first = _queries(client, "/")
    again = _queries(client, "/")
    # The session, the person, and for a trainee the cohort link in the menu.
    assert again <= 3 < first


@pytest.mark.django_db
def test_the_cards_change_as_soon_as_the_data_does(client_for, manager, trainee, department):
    client = client_for(manager)
    assert "Robin Newcomer" not in client.get("/").content.decode()
    TraineeFactory(department=department, full_name="Robin Newcomer")
    assert "Robin Newcomer" in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_cards_are_rendered_again_the_next_day(client_for, manager):
    client = client_for(manager)
    today = timezone.localtime()
    client.get("/")
    assert _queries(client, "/") <= 3
    with time_machine.travel(today + dt.timedelta(days=1)):
        assert _queries(client, "/") > 3


@pytest.mark.django_db
def test_each_person_gets_their_own_cards(client_for, trainee, department):
    other = TraineeFactory(department=department, full_name="Sam Second")
    assert "Welcome, Taylor" in client_for(trainee).get("/").content.decode()
    page = client_for(other).get("/").content.decode()
    assert "Welcome, Sam" in page
    assert "Taylor" not in page


CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.mark.django_db
def test_a_form_in_cached_cards_carries_each_browsers_own_token(trainee):
    from tests.projects.factories import make_project

    project = make_project(trainee)
    measure = project.measures.get()
    first_browser = Client(enforce_csrf_checks=True)
    first_browser.force_login(trainee)
    first_browser.get("/")  # fills the cache
    second_browser = Client(enforce_csrf_checks=True)
    second_browser.force_login(trainee)
    page = second_browser.get("/").content.decode()
    assert freshness.current() is not None
    assert "csrftokenplaceholder" not in page
    token = CSRF_FIELD.findall(page)[-1]
    response = second_browser.post(
        reverse("projects:measurement-add", args=[project.pk]),
        {
            "csrfmiddlewaretoken": token,
            "next": "/",
            "log-measure": measure.pk,
            "log-date": timezone.localdate(),
            "log-value": "15",
        },
    )
    assert response.status_code == 302
    assert Measurement.objects.filter(measure=measure).count() == 1
