"""Concurrency on PostgreSQL: two people logging measurements on the same measure at once, and
an analyst changing its baseline meanwhile. Each thread uses its own connection."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from projects import services
from projects.models import Measure, Project
from projects.results import Verdict
from tests.support.concurrency import run_concurrently

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_simultaneous_logs_are_both_in_the_stored_result(project, trainee, analyst):
    measure = project.measures.get()  # baseline 21 days, lower is better
    today = timezone.localdate()
    outcomes = run_concurrently(
        [
            lambda day=day, v=v: services.measurement_add(
                measure_id=measure.pk, by=trainee, date=today - dt.timedelta(days=day), value=v
            )
            for day, v in [(1, Decimal(10)), (2, Decimal(11)), (3, Decimal(12))]
        ]
        + [
            lambda: services.measure_update(
                measure_id=measure.pk,
                by=analyst,
                data={"baseline_value": Decimal(20)},
                reason="Recounted the case log",
            )
        ]
    )
    assert not [o for o in outcomes if isinstance(o, Exception)]
    stored = Measure.objects.get(pk=measure.pk)
    # Without the locks, a writer stores a result computed before another's row committed.
    assert stored.result_measurement_count == 3
    assert stored.result_current == Decimal(11)
    assert stored.result_baseline == Decimal(20)
    assert stored.result_gain_percent == Decimal(45)
    assert Project.objects.get(pk=project.pk).verdict == Verdict.IMPROVED
