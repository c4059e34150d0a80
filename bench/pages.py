"""The pages the load run requests, one line each, and the role that reads them.

To benchmark a new page, add one line to PAGES: a name, the role (trainee, manager or analyst,
the accounts bench/generate.py writes to bench/out/subjects.json) and the path, which may use
{project}, {application}, {cohort} and {review_application} from that file.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    name: str
    role: str
    path: str  # may use {project}, {application}, {cohort}, {review_application}


CEILING = Page("ceiling (trivial view)", "analyst", "/bench/ceiling/")
PAGES = [
    Page("trainee home", "trainee", "/"),
    Page("manager home", "manager", "/"),
    Page("analyst home", "analyst", "/"),
    Page("application list", "analyst", "/applications/"),
    Page("application detail", "analyst", "/applications/{review_application}/"),
    Page("review queue", "analyst", "/applications/review/"),
    Page("cohort list", "analyst", "/cohorts/?when=current"),
    Page("cohort detail / roster", "analyst", "/cohorts/{cohort}/"),
    Page("project page", "trainee", "/projects/{project}/"),
    Page("project list", "analyst", "/projects/"),
    Page("coaching overview", "analyst", "/coaching/"),
    Page("leader routines", "manager", "/coaching/routines/people/"),
    Page("coaching timeline", "trainee", "/coaching/projects/{project}/timeline/"),
    Page("cohort review board", "analyst", "/reports/cohorts/{cohort}/"),
    Page("program report", "analyst", "/reports/program/"),
    Page("program report: leader engagement", "analyst", "/reports/program/engagement/"),
    Page("program report: after Day 3", "analyst", "/reports/program/after-day-3/"),
    Page(
        "export: projects with results (xlsx)", "analyst", "/reports/cohorts/{cohort}/projects.xlsx"
    ),
    Page("export: program report (csv)", "analyst", "/reports/program.csv"),
]
# The peer: Django's own admin listing the same projects, on the same server and data.
PEER = Page("peer: Django admin project changelist", "analyst", "/admin/projects/project/")
# What the interleaved run's writer posts, named in its statistics.
WRITER_NAME = "writer: log a measurement (POST)"
