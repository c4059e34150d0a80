"""No endpoint ever returns a private field. Every private text (the coach's notes, every
application answer, coaching conversations, progress logs, review comments) and every trainee's
name and address carries a marker; every endpoint in the schema is read for every object, as a
token and as open data, and no answer may contain the marker."""

import pytest
from django.test import Client

from applications.models import Application
from coaching.models import Conversation
from leanleaders.models import User
from projects.models import Measurement, ProgressEntry, Project
from tests.coaching.factories import log_conversation

pytestmark = pytest.mark.django_db

MARKER = "SECRET-7c1e"

APPLICATION_ANSWERS = [
    "process_today",
    "problem",
    "evidence",
    "measure_name",
    "why_it_matters",
    "role_and_team",
    "signoff_note",
]
PROJECT_NARRATIVE = [
    "problem",
    "background",
    "current_condition",
    "root_cause",
    "countermeasures",
    "result_summary",
    "sustain_plan",
    "review_comment",
]
CONVERSATION = ["what_we_see", "whats_in_the_way", "experiment_to_try", "obstacle", "reflection"]


@pytest.fixture
def marked(dataset, analyst):
    for project in dataset.projects.values():
        log_conversation(project, analyst, private_notes=f"{MARKER} private note")
    Application.objects.update(**{f: f"{MARKER} {f}" for f in APPLICATION_ANSWERS})
    Project.objects.update(**{f: f"{MARKER} {f}" for f in PROJECT_NARRATIVE})
    Conversation.objects.update(**{f: f"{MARKER} {f}" for f in CONVERSATION})
    ProgressEntry.objects.update(did=MARKER, learned=MARKER, next_steps=MARKER)
    Measurement.objects.update(note=MARKER)
    for user in User.objects.filter(role=User.Role.TRAINEE):
        user.full_name = f"{MARKER} {user.pk}"
        user.email = f"secret-7c1e-{user.pk}@sfgov.org"
        user.save()
    return dataset


def every_url(schema: dict, dataset, department, other_department) -> list[str]:
    ids = {
        "department_id": [department.pk, other_department.pk],
        "cohort_id": [c.pk for c in (dataset.spring, dataset.summer, dataset.empty)],
        "project_id": [p.pk for p in dataset.projects.values()],
    }
    urls = []
    for template in schema["paths"]:
        params = [p.strip("{}") for p in template.split("/") if p.startswith("{")]
        assert len(params) <= 1, template
        if not params:
            urls.append(template)
            continue
        # An endpoint with a parameter this test does not know fails here until it is added.
        for value in ids[params[0]]:
            urls.append(template.replace("{" + params[0] + "}", str(value)))
    return urls


def test_no_endpoint_returns_a_private_field(
    settings, marked, api_client, department, other_department
):
    settings.LEANLEADERS_API_OPEN_DATA = True
    schema = api_client.get("/api/v1/schema/").json()
    urls = every_url(schema, marked, department, other_department)
    assert len(urls) >= 13
    for url in urls:
        for client in (api_client, Client()):
            for query in ("", "?page_size=200"):
                response = client.get(url + query)
                assert response.status_code in (200, 401), url
                body = response.content.decode()
                assert MARKER not in body, url
                assert "secret-7c1e" not in body, url
    # The walk read real objects, not only errors.
    assert marked.projects["Ana"].title in api_client.get("/api/v1/projects/").content.decode()
