"""Demo data for reporting, called by `manage.py seed_demo` after every stage.

The Spring cohort finished weeks ago and its trainee attended all three days, so the analyst's
Day 3 review of that project is done: the demo then has a Lean Leader with a certificate. Safe to
run again: a reviewed project is left alone. Then Lean Leaders of earlier cohorts, with
follow-ups after Day 3 in every state (reporting/demo_follow_ups.py).
"""

from __future__ import annotations

from leanleaders.models import User
from projects import services as project_services
from projects.models import Project
from reporting import demo_follow_ups

ANALYST = "analyst@sfgov.org"
LEAN_LEADER = "trainee.dhr@sfgov.org"
COMMENT = (
    "A careful baseline and an honest result: the naming template alone did not move the "
    "count. Keep the 5S trial going and log the next four weeks."
)


def seed(people: dict[str, User]) -> None:
    analyst, trainee = people.get(ANALYST), people.get(LEAN_LEADER)
    if analyst is None or trainee is None:
        return
    project = Project.objects.filter(trainee=trainee, status=Project.Status.ACTIVE).first()
    if project is not None:
        project_services.project_review(project_id=project.pk, by=analyst, comment=COMMENT)
    demo_follow_ups.seed(analyst)
