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
    ],
)
def test_a_huge_department_id_is_ignored(client_for, analyst, name):
    response = client_for(analyst).get(reverse(name), {"department": "9" * 30})
    assert response.status_code == 200
