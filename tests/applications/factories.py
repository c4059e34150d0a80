from __future__ import annotations

import factory
from django.utils import timezone

from applications.models import Application
from tests.factories import TraineeFactory

COMPLETE = {
    "title": "Permit renewals take too long",
    "process_today": "Resident emails a form; a clerk re-keys it; a supervisor approves it.",
    "problem": "Renewals take 21 days on average; residents call twice to chase them.",
    "evidence": "Counted 40 renewals in March: median 21 days.",
    "measure_name": "Days from request to renewal",
    "measure_unit": "days",
    "measure_direction": "lower",
    "why_it_matters": "Fewer calls for staff, faster service for residents.",
    "role_and_team": "Permit clerk, Permits team",
}


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    trainee = factory.SubFactory(TraineeFactory)
    department = factory.LazyAttribute(lambda o: o.trainee.department)
    manager = factory.LazyAttribute(lambda o: o.department.managers.first())
    program_year = factory.LazyFunction(lambda: timezone.localdate().year)
    status = Application.Status.DRAFT
    title = COMPLETE["title"]
    process_today = COMPLETE["process_today"]
    problem = COMPLETE["problem"]
    evidence = COMPLETE["evidence"]
    measure_name = COMPLETE["measure_name"]
    measure_unit = COMPLETE["measure_unit"]
    measure_direction = COMPLETE["measure_direction"]
    why_it_matters = COMPLETE["why_it_matters"]
    role_and_team = COMPLETE["role_and_team"]
