"""Lean Leaders for the network's tests: a past cohort attended in full, a reviewed project with
Lean tools in its log, and optionally a profile."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from network.models import LeanLeaderProfile
from projects.services import project_tools_store
from tests.factories import TraineeFactory
from tests.reporting.factories import enroll, make_application, make_cohort
from tests.reporting.factories import make_project as make_reporting_project


def make_lean_leader(
    person=None,
    *,
    tools: tuple[tuple[str, ...], ...] = (("five_s",),),
    marks: str = "PPP",
    reviewed: bool = True,
    title: str = "",
    story: str = "",
    hidden: bool = False,
    peer_coach: bool = False,
    cohort=None,
    applied: dt.date = dt.date(2025, 1, 10),
    **person_fields,
):
    """A person who completed the program (with the defaults), and their project. A second
    project of theirs needs another year to apply in (`applied`) and another cohort."""
    person = person or TraineeFactory(**person_fields)
    cohort = cohort or make_cohort(f"Cohort of {person.full_name}", dt.date(2025, 2, 3))
    application = make_application(
        person, created=applied, title=title or f"Project of {person.full_name}"
    )
    enroll(application, cohort, marks)
    project = make_reporting_project(
        application, baseline="20", values=("10", "10", "10"), reviewed=reviewed, tools=tools
    )
    with transaction.atomic():  # it locks the project, as in the services' transactions
        project_tools_store(project=project)
    if story or hidden or peer_coach:
        LeanLeaderProfile.objects.create(
            user=person, story=story, hidden=hidden, offers_peer_coaching=peer_coach
        )
    return person, project
