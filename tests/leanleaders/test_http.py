"""Query-string ids: anything that is not an id in range is no filter, never an error."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.urls import reverse

from leanleaders.http import LARGEST_ID, id_param


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("department=7", 7),
        (f"department={LARGEST_ID}", LARGEST_ID),
        (f"department={LARGEST_ID + 1}", None),
        ("department=0", None),
        ("department=-3", None),
        ("department=3.5", None),
        ("department=%D9%A3", None),  # an Arabic-Indic digit: isdigit() but no id
        ("department=", None),
        ("", None),
    ],
)
def test_id_param(query, expected):
    assert id_param(QueryDict(query), "department") == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "applications:application-list",
        "applications:review-queue",
        "projects:project-list",
        "reports:program-report",
        "reports:program-engagement",
        "reports:program-sustainment",
    ],
)
def test_a_huge_department_id_is_ignored(client_for, analyst, name):
    response = client_for(analyst).get(reverse(name), {"department": "9" * 30})
    assert response.status_code == 200


# Every page that lists things, with each query parameter it reads.
LIST_PAGES = {
    "applications:application-list": ["status", "department", "page"],
    "applications:review-queue": ["department", "order", "page"],
    "cohorts:cohort-list": ["when", "page"],
    "projects:project-list": ["verdict", "department", "page"],
    "coaching:overview": ["cohort", "attention", "requests"],
    "reports:board-index": [],
    "reports:program-report": ["from", "to", "cohort", "department", "cohort_page"],
    "reports:program-engagement": ["from", "to", "cohort", "department", "page"],
    "reports:program-sustainment": ["from", "to", "cohort", "department", "sustainment_page"],
    "people": ["page"],
    "outbox": ["status", "page"],
}
HOSTILE = ["x" * 5000, "9" * 5000, "-1", "-99999999999999999999", "99999999999999999999", "²"]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "params"), LIST_PAGES.items())
def test_list_pages_ignore_hostile_query_values(client_for, analyst, name, params):
    client = client_for(analyst)
    for param in [*params, "unknown"]:
        for value in HOSTILE:
            response = client.get(reverse(name), {param: value})
            assert response.status_code == 200, (param, value[:20])


@pytest.mark.django_db
@pytest.mark.parametrize("name", LIST_PAGES)
def test_a_nul_byte_in_the_query_string_is_a_clear_400(client_for, analyst, name):
    response = client_for(analyst).get(reverse(name) + "?status=%00&page=%00")
    assert response.status_code == 400
    assert "can't be read" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "param"),
    [("applications:application-list", "status"), ("outbox", "status")],
)
def test_an_unknown_status_filter_is_ignored(client_for, analyst, trainee, manager, name, param):
    from applications.models import Application
    from applications.services import application_submit
    from tests.applications.factories import ApplicationFactory

    application = ApplicationFactory(trainee=trainee, manager=manager)
    application_submit(application_id=application.pk, by=trainee)  # queues an email too
    page = client_for(analyst).get(reverse(name), {param: "nonsense"}).content.decode()
    listed = application.title if name.startswith("applications") else "asks for your sign-off"
    assert listed in page
    assert Application.objects.count() == 1


@pytest.mark.django_db
def test_board_and_timeline_ignore_hostile_query_values(client_for, analyst, department):
    from tests.factories import DepartmentFactory
    from tests.reporting.factories import build_dataset

    dataset = build_dataset(department, DepartmentFactory())
    pages = {
        reverse("reports:cohort-board", args=[dataset.spring.pk]): [
            "department",
            "verdict",
            "review",
            "attention",
            "sort",
        ],
        reverse("coaching:project-timeline", args=[dataset.projects["Ana"].pk]): [
            "kind",
            "page",
            "fragment",
        ],
    }
    client = client_for(analyst)
    for url, params in pages.items():
        for param in params:
            for value in HOSTILE:
                assert client.get(url, {param: value}).status_code == 200, (url, param)
        assert client.get(url + "?sort=%00").status_code == 400
