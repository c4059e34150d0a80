"""A token reads every resource; the figures are the program report's own."""

from decimal import Decimal

import pytest

from reporting.selectors.program import ReportFilters, program_report

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


def test_token_reads_every_resource(api_client, dataset, department):
    spring = dataset.spring
    ana = dataset.projects["Ana"]
    for url in [
        f"{V1}/departments/",
        f"{V1}/departments/{department.pk}/",
        f"{V1}/cohorts/",
        f"{V1}/cohorts/{spring.pk}/",
        f"{V1}/projects/",
        f"{V1}/projects/{ana.pk}/",
        f"{V1}/program/",
    ]:
        response = api_client.get(url)
        assert response.status_code == 200, (url, response.content)
        assert response["Content-Type"] == "application/json; charset=utf-8"


def test_project_carries_its_stored_result_and_lean_tools(api_client, dataset):
    ana = dataset.projects["Ana"]
    body = api_client.get(f"{V1}/projects/{ana.pk}/").json()
    assert body["title"] == ana.title
    assert body["cohort_id"] == dataset.spring.pk
    assert body["verdict"] == "improved"
    assert body["lean_tools"] == ["process_mapping", "five_whys"]
    measure = body["measure"]
    assert measure["direction"] == "lower"
    # Decimals travel as strings, so no figure loses a digit to floating point.
    assert Decimal(measure["baseline"]) == 20
    assert Decimal(measure["current"]) == 15
    assert Decimal(measure["gain_percent"]) == 25
    assert measure["verdict"] == "improved"
    assert measure["measurement_count"] == 3


def test_cohort_shows_dates_seats_and_status(api_client, dataset):
    body = api_client.get(f"{V1}/cohorts/{dataset.spring.pk}/").json()
    assert body["day1"] == dataset.spring.day1.isoformat()
    assert body["status"] == "completed"
    assert body["seats"] == dataset.spring.capacity
    assert body["seats_taken"] == 3


def test_lists_are_paged_with_a_total(api_client, dataset):
    body = api_client.get(f"{V1}/projects/?page_size=3").json()
    assert body["count"] == 4
    assert body["pages"] == 2
    assert len(body["items"]) == 3
    second = api_client.get(f"{V1}/projects/?page_size=3&page=2").json()
    assert len(second["items"]) == 1
    seen = {p["id"] for p in body["items"] + second["items"]}
    assert seen == {p.pk for p in dataset.projects.values()}


def test_projects_filter_by_verdict_department_and_cohort(api_client, dataset, department):
    improved = api_client.get(f"{V1}/projects/?verdict=improved").json()["items"]
    assert {p["id"] for p in improved} == {dataset.projects[n].pk for n in ("Ana", "Dev")}
    in_dept = api_client.get(f"{V1}/projects/?department={department.pk}").json()["items"]
    assert {p["id"] for p in in_dept} == {dataset.projects[n].pk for n in ("Ana", "Ben")}
    summer = api_client.get(f"{V1}/projects/?cohort={dataset.summer.pk}").json()["items"]
    assert [p["id"] for p in summer] == [dataset.projects["Dev"].pk]


def test_cohorts_filter_by_status_and_start(api_client, dataset):
    planned = api_client.get(f"{V1}/cohorts/?status=planned").json()["items"]
    assert [c["name"] for c in planned] == ["Empty"]
    early = api_client.get(f"{V1}/cohorts/?starts_to=2025-03-01").json()["items"]
    assert [c["name"] for c in early] == ["Spring"]


@pytest.mark.parametrize(
    "query",
    ["verdict=great", "department=abc", "page=0", "page_size=5000", "cohort=-1"],
)
def test_bad_filters_answer_422_with_the_reason(api_client, dataset, query):
    response = api_client.get(f"{V1}/projects/?{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"]


@pytest.mark.parametrize("query", ["date_to=9999-12-31", "date_from=1999-12-31", "cohort=0"])
def test_out_of_range_figures_filters_are_refused(api_client, dataset, query):
    response = api_client.get(f"{V1}/program/?{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


def test_unknown_object_answers_404(api_client, dataset):
    assert api_client.get(f"{V1}/projects/999999/").status_code == 404


def test_program_figures_are_the_reports_own(api_client, dataset, analyst, department):
    filters = ReportFilters(department_id=department.pk)
    report = program_report(user=analyst, filters=filters)
    body = api_client.get(f"{V1}/program/?department={department.pk}").json()
    assert body["total"]["applied"] == report.total.applied
    assert body["total"]["accepted"] == report.total.accepted
    assert body["total"]["completed"] == report.total.completed
    assert body["total"]["improved"] == report.total.improved
    assert Decimal(body["total"]["completion_rate"]) == report.total.completion_rate
    assert [f["label"] for f in body["by_cohort"]] == [f.label for f in report.by_cohort]


def test_program_figures_filter_by_cohort_and_dates(api_client, dataset):
    spring = dataset.spring.pk
    body = api_client.get(f"{V1}/program/?cohort={spring}").json()
    assert body["total"]["accepted"] == 3
    later = api_client.get(f"{V1}/program/?date_from=2025-06-01").json()
    assert later["total"]["applied"] == 1


def test_cohorts_say_which_departments_they_are_reserved_for(api_client, dataset, department):
    dataset.summer.departments.add(department)
    listed = {c["name"]: c for c in api_client.get(f"{V1}/cohorts/").json()["items"]}
    assert listed["Summer"]["reserved_for"] == [department.pk]
    assert listed["Spring"]["reserved_for"] == []
    reserved = api_client.get(f"{V1}/cohorts/?kind=department").json()["items"]
    assert [c["name"] for c in reserved] == ["Summer"]
    city_wide = api_client.get(f"{V1}/cohorts/?kind=city").json()["items"]
    assert "Summer" not in {c["name"] for c in city_wide}
    assert api_client.get(f"{V1}/cohorts/?kind=elsewhere").status_code == 422


def test_project_lean_tools_are_the_stored_ones(api_client, dataset):
    from projects.models import Project

    ana = dataset.projects["Ana"]
    # The progress-entry services store them; the API reads that column, not the log.
    Project.objects.filter(pk=ana.pk).update(tools_used={"five_s": 1, "fishbone": 2})
    body = api_client.get(f"{V1}/projects/{ana.pk}/").json()
    assert body["lean_tools"] == ["fishbone", "five_s"]
    listed = api_client.get(f"{V1}/projects/").json()["items"]
    assert next(p for p in listed if p["id"] == ana.pk)["lean_tools"] == ["fishbone", "five_s"]
