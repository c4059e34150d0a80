"""A page of results costs the same number of queries with 1 row as with 20."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import DepartmentFactory, TraineeFactory
from tests.reporting.factories import enroll, make_application, make_cohort, make_project

pytestmark = pytest.mark.django_db


def add_rows(n: int, start: int) -> None:
    for i in range(start, start + n):
        department = DepartmentFactory()
        cohort = make_cohort(f"Cohort {i}", dt.date(2025, 1, 6) + dt.timedelta(weeks=i))
        application = make_application(TraineeFactory(department=department))
        enroll(application, cohort, "PPP")
        make_project(application, baseline="10", values=("8",), tools=(("five_whys",),))


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# The token (look up, count recent calls, log the call, stamp it used) and the page: the
# projects' Lean tools are a column of theirs, not a prefetch of their progress log.
BUDGETS = {
    "/api/v1/departments/": 6,
    "/api/v1/cohorts/": 7,
    "/api/v1/projects/": 7,
    "/api/v1/program/": 5,
}


@pytest.mark.parametrize("url", list(BUDGETS))
def test_queries_are_flat_per_page(api_client, url):
    add_rows(1, 0)
    one = queries(api_client, url)
    add_rows(19, 1)
    twenty = queries(api_client, url)
    assert one == twenty
    assert twenty == BUDGETS[url], twenty
