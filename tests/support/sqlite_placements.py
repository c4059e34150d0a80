"""Analysts placing people into one cohort's last seats at the same moment, on an SQLite file.

Run as `python -m tests.support.sqlite_placements <file> <people>` with DATABASE_URL pointing at
that file: it migrates the database (nothing to do on a copy of one already migrated, as the
tests give it), starts every placement at once on its own thread and connection, and prints what
came of them as JSON. The tests' own SQLite database is in memory,
where locking works differently, hence a process of its own.
"""

from __future__ import annotations

import json
import os
import sys

import django


def main(people: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leanleaders.test_settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from cohorts import services
    from cohorts.models import Enrollment
    from tests.cohorts.factories import ApprovedApplicationFactory, CohortFactory
    from tests.factories import AnalystFactory, DepartmentFactory, TraineeFactory
    from tests.support.concurrency import run_concurrently

    cohort = CohortFactory(capacity=1)
    department = DepartmentFactory()
    analysts = [AnalystFactory(), AnalystFactory()]
    applications = [
        ApprovedApplicationFactory(trainee=TraineeFactory(department=department))
        for _ in range(people)
    ]
    results = run_concurrently(
        [
            lambda application=application, i=i: services.enrollment_place(
                application_id=application.pk, cohort_id=cohort.pk, by=analysts[i % 2]
            )
            for i, application in enumerate(applications)
        ]
    )
    statuses = list(cohort.enrollments.values_list("status", flat=True))
    print(
        json.dumps(
            {
                "errors": [repr(r) for r in results if isinstance(r, BaseException)],
                "enrolled": statuses.count(Enrollment.Status.ENROLLED),
                "waitlisted": statuses.count(Enrollment.Status.WAITLISTED),
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[2]))
