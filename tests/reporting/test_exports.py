"""Downloads: plain-language headers, formula-safe cells, and a round trip through real readers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import Project
from reporting.exports import safe_cell
from tests.coaching.factories import MARKER, log_conversation

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example","Click")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-5 days", "'-5 days"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Plain text", "Plain text"),
        ("", ""),
        (None, ""),
        (-5, -5),
        (Decimal("-2.5"), Decimal("-2.5")),
        (3.5, 3.5),
        (True, "Yes"),
        (dt.date(2025, 1, 2), dt.date(2025, 1, 2)),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def read_csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def read_xlsx(response):
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in workbook}


def url(name, cohort):
    return reverse(name, args=[cohort.pk])


@pytest.fixture
def evil(dataset):
    Project.objects.filter(pk=dataset.projects["Ana"].pk).update(title=EVIL)
    return dataset


def test_projects_csv_has_plain_headers_and_neutralised_cells(evil, analyst, client_for):
    response = client_for(analyst).get(url("reports:export-projects-csv", evil.spring))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="spring-projects-with-results-' in response["Content-Disposition"]
    rows = read_csv(response)
    header = rows[0]
    assert header[:3] == ["Trainee", "Department", "Project"]
    assert "Improvement (%)" in header
    assert "Analyst's review comment" in header
    by_name = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert by_name["Ana"]["Project"] == "'" + EVIL
    assert by_name["Ana"]["Improvement (%)"] == "25"
    assert by_name["Ben"]["Change"] == "3"  # baseline 10, now 13
    assert by_name["Ben"]["Improvement (%)"] == "-30"
    assert by_name["Ben"]["Result"] == "Worse"
    assert by_name["Cleo"]["Result"] == "Not enough data"
    assert by_name["Cleo"]["Review"] == "Not reviewed yet"


def test_projects_xlsx_round_trips_with_numbers_as_numbers(evil, analyst, client_for):
    response = client_for(analyst).get(url("reports:export-projects-xlsx", evil.spring))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheets = read_xlsx(response)
    rows = sheets["Projects with results"]
    header = rows[0]
    by_name = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert by_name["Ana"]["Project"] == "'" + EVIL
    assert by_name["Ana"]["Baseline"] == 20
    assert by_name["Ben"]["Improvement (%)"] == -30
    assert isinstance(by_name["Ben"]["Improvement (%)"], int | float)


def test_roster_lists_attendance_and_lean_leaders(dataset, analyst, client_for):
    rows = read_csv(client_for(analyst).get(url("reports:export-roster-csv", dataset.spring)))
    assert rows[0] == [
        "Trainee",
        "Email",
        "Department",
        "Job title",
        "Day 1",
        "Day 2",
        "Day 3",
        "Days attended",
        "Project",
        "Project reviewed",
        "Lean Leader",
    ]
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["Ben"][4:8] == ["Present", "Late", "Present", "3"]
    assert by_name["Ben"][-1] == "Yes"
    assert by_name["Cleo"][5] == "Absent"
    assert by_name["Cleo"][-1] == "No"
    sheets = read_xlsx(client_for(analyst).get(url("reports:export-roster-xlsx", dataset.spring)))
    assert [r[0] for r in sheets["Cohort roster"][1:]] == ["Ana", "Ben", "Cleo"]


def test_coaching_export_has_private_notes_for_analysts_only(dataset, analyst, manager, client_for):
    log_conversation(dataset.projects["Ana"], analyst, private_notes=MARKER, obstacle="=cmd|x")
    analyst_rows = read_csv(
        client_for(analyst).get(url("reports:export-coaching-csv", dataset.spring))
    )
    assert analyst_rows[0][-1] == "Coach's private note"
    assert analyst_rows[1][-1] == MARKER
    assert analyst_rows[1][analyst_rows[0].index("Obstacle")] == "'=cmd|x"
    response = client_for(manager).get(url("reports:export-coaching-xlsx", dataset.spring))
    rows = read_xlsx(response)["Coaching activity"]
    assert "Coach's private note" not in rows[0]
    assert MARKER not in str(rows)
    assert rows[1][1] == "Ana"


def test_manager_exports_only_their_people(dataset, manager, other_dept_manager, client_for):
    rows = read_csv(client_for(manager).get(url("reports:export-roster-csv", dataset.spring)))
    assert [r[0] for r in rows[1:]] == ["Ana", "Ben"]
    rows = read_csv(
        client_for(other_dept_manager).get(url("reports:export-projects-csv", dataset.spring))
    )
    assert [r[0] for r in rows[1:]] == ["Cleo"]
    assert (
        client_for(manager).get(url("reports:export-roster-csv", dataset.summer)).status_code == 404
    )


def test_program_report_workbook_has_a_sheet_per_table(dataset, analyst, client_for):
    sheets = read_xlsx(client_for(analyst).get(reverse("reports:program-xlsx")))
    assert list(sheets) == [
        "Summary",
        "By department",
        "By cohort",
        "Sustainment",
        "Sustainment by department",
        "Sustainment by cohort",
    ]
    summary = dict(zip(sheets["Summary"][0], sheets["Summary"][1], strict=True))
    assert summary["Applied"] == 6
    assert summary["Lean Leaders (completed)"] == 2
    assert summary["Median improvement (%)"] == 22.5
    assert summary["Completion rate (%)"] == 66.7
    assert [r[0] for r in sheets["By cohort"][1:]] == ["Summer", "Spring", "Not placed in a cohort"]


def test_program_report_csv_is_one_table_with_its_header_first(dataset, analyst, client_for):
    response = client_for(analyst).get(reverse("reports:program-csv") + "?department=x")
    rows = read_csv(response)
    assert rows[0][:2] == ["Group", "Applied"]
    assert len(rows) == 2
    assert rows[1][1] == "6"
    assert {len(row) for row in rows} == {len(rows[0])}  # one rectangle, no title line


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?department={dept}",
        "?cohort={spring}&department={dept}",
        "?kind=city",
        "?to=2025-01-01",
    ],
)
def test_the_summary_csv_counts_as_the_workbook_does(
    dataset, department, analyst, client_for, query
):
    """The summary's download counts the total alone, and names only the chosen cohorts and
    department: the same row as the workbook's summary, which counts every table."""
    query = query.format(dept=department.pk, spring=dataset.spring.pk)
    client = client_for(analyst)
    rows = read_csv(client.get(reverse("reports:program-csv") + query))
    summary = read_xlsx(client.get(reverse("reports:program-xlsx") + query))["Summary"]
    assert rows[0] == summary[0]
    assert rows[1] == ["" if cell is None else str(cell) for cell in summary[1]]
    if "cohort" in query:
        assert rows[1][0] == "All (all applications; cohorts: Spring; department: Public Health)"
        assert rows[1][1] == "2"  # Ana and Ben


@pytest.mark.parametrize(
    ("table", "first_header", "first_cells"),
    [
        ("by-department", "Department", None),
        ("by-cohort", "Cohort", ["Summer", "Spring", "Not placed in a cohort"]),
    ],
)
def test_each_program_report_table_is_its_own_csv_file(
    dataset, analyst, client_for, table, first_header, first_cells
):
    url = reverse("reports:program-table-csv", args=[table])
    response = client_for(analyst).get(url)
    assert f"-{table}.csv" in response["Content-Disposition"]
    # A CSV reader takes it as it is: the header row, then one record per row.
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    records = list(csv.DictReader(io.StringIO(text)))
    assert list(records[0])[:2] == [first_header, "Applied"]
    if first_cells:
        assert [r[first_header] for r in records] == first_cells
    assert all(r["Applied"].isdigit() for r in records)


def test_an_unknown_program_report_table_is_not_found(analyst, client_for):
    url = reverse("reports:program-table-csv", args=["everything"])
    assert client_for(analyst).get(url).status_code == 404


def test_the_report_page_offers_each_table_as_its_own_csv(dataset, analyst, client_for):
    page = client_for(analyst).get(reverse("reports:program-report")).content.decode()
    for table in ("by-department", "by-cohort"):
        assert reverse("reports:program-table-csv", args=[table]) in page


def test_program_report_exports_respect_the_kind_of_cohort(dataset, analyst, client_for):
    dataset.summer.departments.set([dataset.people["Dev"].department])
    client = client_for(analyst)
    rows = read_csv(client.get(reverse("reports:program-csv") + "?kind=department"))
    assert rows[1][0] == "All (all applications; department cohorts)"
    assert rows[1][1] == "1"
    by_cohort = client.get(reverse("reports:program-table-csv", args=["by-cohort"]) + "?kind=city")
    assert [r[0] for r in read_csv(by_cohort)[1:]] == ["Spring"]
    sheets = read_xlsx(client.get(reverse("reports:program-xlsx") + "?kind=city"))
    summary = dict(zip(sheets["Summary"][0], sheets["Summary"][1], strict=True))
    assert summary["Applied"] == 3
    assert [r[0] for r in sheets["By cohort"][1:]] == ["Spring"]


def test_projects_export_has_the_leader_engagement_columns(dataset, analyst, client_for):
    from django.utils import timezone

    Project.objects.filter(pk=dataset.projects["Ana"].pk).update(
        leader_touchpoints=3,
        last_leader_touchpoint_on=dt.date(2025, 3, 4),
        sponsor_agreed_goal_at=timezone.now(),
    )
    rows = read_csv(client_for(analyst).get(url("reports:export-projects-csv", dataset.spring)))
    header = rows[0]
    assert header[-4:] == [
        "Leader touchpoints since Day 1",
        "Last leader touchpoint",
        "Adherence to cadence (%)",
        "Sponsor agreed the goal",
    ]
    by_name = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert by_name["Ana"]["Leader touchpoints since Day 1"] == "3"
    assert by_name["Ana"]["Last leader touchpoint"] == "2025-03-04"
    assert by_name["Ana"]["Adherence to cadence (%)"] == ""  # no cadence
    assert by_name["Ana"]["Sponsor agreed the goal"] == "Yes"
    assert by_name["Ben"]["Sponsor agreed the goal"] == "No"


def test_program_report_exports_speak_the_readers_language(dataset, analyst, client_for):
    """Headers, sheet names and words follow the reader's language; the tables' URLs do not."""
    client = client_for(analyst)
    client.cookies["django_language"] = "es"
    sheets = read_xlsx(client.get(reverse("reports:program-xlsx")))
    assert list(sheets)[:3] == ["Resumen", "Por departamento", "Por cohorte"]
    assert list(sheets["Resumen"][0][:2]) == ["Grupo", "Solicitudes"]
    assert sheets["Por cohorte"][-1][0] == "Sin plaza en una cohorte"
    response = client.get(reverse("reports:program-table-csv", args=["by-cohort"]))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.startswith("Cohorte,Solicitudes,")
