"""The program report's sustainment figures against a hand count, and the exports' columns."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from cohorts.models import Cohort, Enrollment
from projects import services
from reporting.selectors.program import ReportFilters
from reporting.selectors.sustainment import sustainment_report
from tests.factories import DepartmentFactory, TraineeFactory
from tests.projects.factories import reviewed_project

pytestmark = pytest.mark.django_db

DAY3 = dt.date(2026, 1, 6)
TODAY = DAY3 + dt.timedelta(days=200)  # 90 and 180 both due, past their grace period


def _at(day):
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(10))))


def _log(project, days, value):
    follow_up = project.follow_ups.get(days_after=days)
    with _at(follow_up.due_on):
        services.follow_up_log(follow_up_id=follow_up.pk, by=project.trainee, value=Decimal(value))


@pytest.fixture
def dataset(analyst):
    """Baseline 21, Day 3 at 15 (a gain of 6), lower is better. By hand:

    Parks (cohort A): p1 90 sustained (15), 180 slipping (19); p2 90 reverted (22), 180 missed.
    Libraries (cohort B): p3 90 missed, 180 sustained (16); p4 not improved (no follow-ups).
    """
    parks, libraries = DepartmentFactory(name="Parks"), DepartmentFactory(name="Libraries")
    made = {}
    with _at(DAY3 + dt.timedelta(days=1)):
        for name, department in (("p1", parks), ("p2", parks), ("p3", libraries)):
            made[name] = reviewed_project(
                TraineeFactory(department=department), analyst, day3=DAY3, title=name
            )
        made["p4"] = reviewed_project(
            TraineeFactory(department=libraries), analyst, day3=DAY3, values=(21,)
        )
    # Submitted, as every application the report counts.
    Application.objects.update(submitted_at=timezone.now())
    # Two cohorts: p1 and p2 share p1's, p3 keeps its own (renamed).
    cohort_a = Enrollment.objects.get(application=made["p1"].application).cohort
    cohort_a.name = "Cohort A"
    cohort_a.save()
    Enrollment.objects.filter(application=made["p2"].application).update(cohort=cohort_a)
    cohort_b = Enrollment.objects.get(application=made["p3"].application).cohort
    cohort_b.name = "Cohort B"
    cohort_b.save()
    _log(made["p1"], 90, "15")
    _log(made["p1"], 180, "19")
    _log(made["p2"], 90, "22")
    _log(made["p3"], 180, "16")
    with _at(TODAY):
        services.follow_ups_mark_missed()
    return made


def _figures(rows):
    return {
        (f.label, f.days_after): (
            f.due,
            f.logged,
            f.sustained,
            f.slipping,
            f.reverted,
            f.missed,
            f.waiting,
        )
        for f in rows
    }


def test_figures_match_a_hand_count(dataset, analyst):
    report = sustainment_report(user=analyst, filters=ReportFilters(), today=TODAY)
    assert _figures(report.total) == {
        ("", 90): (3, 2, 1, 0, 1, 1, 0),
        ("", 180): (3, 2, 1, 1, 0, 1, 0),
    }
    assert _figures(report.by_department) == {
        ("Libraries", 90): (1, 0, 0, 0, 0, 1, 0),
        ("Libraries", 180): (1, 1, 1, 0, 0, 0, 0),
        ("Parks", 90): (2, 2, 1, 0, 1, 0, 0),
        ("Parks", 180): (2, 1, 0, 1, 0, 1, 0),
    }
    assert _figures(report.by_cohort) == {
        ("Cohort A", 90): (2, 2, 1, 0, 1, 0, 0),
        ("Cohort A", 180): (2, 1, 0, 1, 0, 1, 0),
        ("Cohort B", 90): (1, 0, 0, 0, 0, 1, 0),
        ("Cohort B", 180): (1, 1, 1, 0, 0, 0, 0),
    }


def test_follow_ups_alike_are_counted_together_in_one_row(dataset, analyst):
    """Two more Parks projects in cohort A, each sustained at 90 days and missed at 180, as p1
    and p2 between them: the database counts alike follow-ups together, and each counts."""
    parks = dataset["p1"].department
    cohort_a = Enrollment.objects.get(application=dataset["p1"].application).cohort
    with _at(DAY3 + dt.timedelta(days=1)):
        more = [
            reviewed_project(TraineeFactory(department=parks), analyst, day3=DAY3, title=f"p{i}")
            for i in (5, 6)
        ]
    for project in more:
        Enrollment.objects.filter(application=project.application).update(cohort=cohort_a)
        _log(project, 90, "15")
    Application.objects.update(submitted_at=timezone.now())
    with _at(TODAY):
        services.follow_ups_mark_missed()
    with CaptureQueriesContext(connection) as queries:
        report = sustainment_report(user=analyst, filters=ReportFilters(), today=TODAY)
    assert len(queries) == 1
    assert _figures(report.total) == {
        ("", 90): (5, 4, 3, 0, 1, 1, 0),
        ("", 180): (5, 2, 1, 1, 0, 3, 0),
    }
    assert _figures(report.by_department)[("Parks", 90)] == (4, 4, 3, 0, 1, 0, 0)
    assert _figures(report.by_department)[("Parks", 180)] == (4, 1, 0, 1, 0, 3, 0)
    assert _figures(report.by_cohort)[("Cohort A", 180)] == (4, 1, 0, 1, 0, 3, 0)


def test_follow_ups_not_due_yet_are_not_counted_and_waiting_ones_wait(dataset, analyst):
    on_the_180th_day = DAY3 + dt.timedelta(days=180)
    # As stored on that day: p2's 180-day follow-up not missed yet.
    services.sustainment_store(project=dataset["p2"], today=on_the_180th_day)
    report = sustainment_report(user=analyst, filters=ReportFilters(), today=on_the_180th_day)
    assert _figures(report.total)[("", 180)] == (3, 2, 1, 1, 0, 0, 1)
    report = sustainment_report(
        user=analyst, filters=ReportFilters(), today=DAY3 + dt.timedelta(days=89)
    )
    assert not report.any_due


def test_the_report_follows_its_department_filter(dataset, analyst):
    parks = dataset["p1"].department
    report = sustainment_report(
        user=analyst, filters=ReportFilters(department_id=parks.pk), today=TODAY
    )
    assert [f.label for f in report.by_department] == ["Parks", "Parks"]


def test_the_report_page_shows_the_section_in_one_query(dataset, analyst, client_for):
    client = client_for(analyst)
    with _at(TODAY):
        page = client.get(reverse("reports:program-sustainment")).content.decode()
        assert "After Day 3: did the results last?" in page
        assert 'data-testid="sustainment-parks-90"' in page
        assert "<td>90 days</td>" in page
        assert "keeps at least 80% of the gain" in page
        report = sustainment_report(user=analyst, filters=ReportFilters(), today=TODAY)
    with CaptureQueriesContext(connection) as queries:
        sustainment_report(user=analyst, filters=ReportFilters(), today=TODAY)
    assert len(queries) == 1
    assert report.any_due


def test_the_program_workbook_carries_the_sustainment_tables(dataset, analyst, client_for):
    with _at(TODAY):
        response = client_for(analyst).get(
            reverse("reports:program-table-csv", args=["sustainment-by-cohort"])
        )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    records = list(csv.DictReader(io.StringIO(text)))
    assert [(r["Cohort"], r["Follow-up (days after Day 3)"], r["Missed"]) for r in records] == [
        ("Cohort A", "90", "0"),
        ("Cohort A", "180", "1"),
        ("Cohort B", "90", "1"),
        ("Cohort B", "180", "0"),
    ]


def test_the_projects_export_has_each_follow_up_and_the_sustainment(dataset, analyst, client_for):
    cohort = Enrollment.objects.get(application=dataset["p1"].application).cohort
    with _at(TODAY):
        response = client_for(analyst).get(reverse("reports:export-projects-csv", args=[cohort.pk]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    records = {r["Project"]: r for r in csv.DictReader(io.StringIO(text))}
    p1 = records["p1"]
    assert (p1["Follow-up at 30 days"], p1["Verdict at 30 days"]) == ("", "Follow-up missed")
    assert (p1["Follow-up at 90 days"], p1["Verdict at 90 days"]) == ("15", "Sustained")
    assert (p1["Follow-up at 180 days"], p1["Verdict at 180 days"]) == ("19", "Slipping")
    assert p1["Sustainment"] == "Slipping"
    assert records["p2"]["Sustainment"] == "Follow-up missed"


def test_the_page_shows_the_follow_ups_of_25_cohorts_at_a_time(analyst, client_for):
    """27 cohorts, Day 3 a day apart: the most recent 25 on the first page, two on the second,
    each with both its rows; the totals and the download keep them all."""
    with _at(DAY3 + dt.timedelta(days=30)):
        for i in range(27):
            project = reviewed_project(
                TraineeFactory(), analyst, day3=DAY3 + dt.timedelta(days=i), title=f"p{i}"
            )
            Cohort.objects.filter(enrollments__application=project.application).update(
                name=f"Cohort {i:02}"
            )
    Application.objects.update(submitted_at=timezone.now())
    client = client_for(analyst)
    url = reverse("reports:program-sustainment")
    with _at(TODAY + dt.timedelta(days=30)):
        first = client.get(url).content.decode()
        second = client.get(url + "?sustainment_page=2&cohort_page=1").content.decode()
        download = client.get(reverse("reports:program-table-csv", args=["sustainment-by-cohort"]))
    assert 'data-testid="sustainment-cohort-26-90"' in first
    assert 'data-testid="sustainment-cohort-02-180"' in first
    assert 'data-testid="sustainment-cohort-01-90"' not in first
    assert 'href="?sustainment_page=2#sustainment-by-cohort">Next<' in first
    assert 'data-testid="sustainment-cohort-01-180"' in second
    assert 'data-testid="sustainment-cohort-00-90"' in second
    assert 'data-testid="sustainment-cohort-26-90"' not in second
    assert 'href="?sustainment_page=1&amp;cohort_page=1#sustainment-by-cohort">Previous<' in second
    assert 'data-testid="sustainment-all-90"' in second
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(text)))) == 27 * 2


def test_the_report_names_each_follow_up_day_in_the_reader_language(dataset, analyst, client_for):
    client = client_for(analyst)
    with _at(TODAY):
        page = client.get(
            reverse("reports:program-sustainment"), HTTP_ACCEPT_LANGUAGE="es"
        ).content.decode()
    assert "<td>90 días</td>" in page
