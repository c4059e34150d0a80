"""A measure's result is stored on its row (and the primary measure's verdict and gain on the
project) by every service that changes its inputs, as are the project's Lean tools by the
progress-entry services, and `recompute_results` gives the same."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects import results, services
from projects.csv_import import Row
from projects.models import BaselinePoint, Measure, Measurement, Project
from projects.results import Verdict
from tests.factories import TraineeFactory
from tests.projects.factories import add_measurements, make_project

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
# The stored percentages are rounded to 4 places.
PERCENT_TOLERANCE = Decimal("0.00005")


def computed(measure: Measure) -> results.Result:
    """The result worked out afresh from every row in the database, as `results` defines it."""
    measure = Measure.objects.get(pk=measure.pk)
    return results.compute(
        higher_is_better=measure.higher_is_better,
        baseline_value=measure.baseline_value,
        baseline_points=[p.value for p in BaselinePoint.objects.filter(measure=measure)],
        measurements=[
            m.value for m in Measurement.objects.filter(measure=measure).order_by("date", "id")
        ],
    )


def _close(stored: Decimal | None, expected: Decimal | None) -> bool:
    if stored is None or expected is None:
        return stored is expected
    return abs(stored - expected) <= PERCENT_TOLERANCE


def assert_stored_matches(measure: Measure) -> None:
    row = Measure.objects.select_related("project").get(pk=measure.pk)
    stored, expected = row.result, computed(row)
    assert stored.verdict == expected.verdict
    assert stored.measurement_count == expected.measurement_count
    assert stored.baseline_from_points == expected.baseline_from_points
    for name in ("baseline", "current", "change", "gain"):
        assert getattr(stored, name) == getattr(expected, name), name
    assert _close(stored.change_percent, expected.change_percent)
    assert _close(stored.gain_percent, expected.gain_percent)
    measurements = Measurement.objects.filter(measure=row).order_by("-date", "-id")
    latest = measurements.first()
    assert row.result_last_measured == (latest.date if latest else None)
    assert row.recent_values == [m.value for m in reversed(measurements[: Measure.RECENT_VALUES])]
    if row.is_primary:
        assert row.project.verdict == stored.verdict
        assert row.project.gain_percent == stored.gain_percent


def test_a_new_project_stores_the_baseline_from_the_application(trainee):
    project = make_project(trainee)  # baseline estimate 21 days
    measure = project.measures.get()
    assert measure.result_baseline == Decimal(21)
    assert measure.result_verdict == Verdict.NOT_ENOUGH_DATA
    assert Project.objects.get(pk=project.pk).verdict == Verdict.NOT_ENOUGH_DATA


def test_every_service_that_changes_a_result_stores_it(trainee):
    project = make_project(trainee)  # baseline 21 days, lower is better
    measure = project.measures.get()

    def stored() -> tuple[str, str, Decimal | None]:
        row = Measure.objects.select_related("project").get(pk=measure.pk)
        assert_stored_matches(row)
        return row.result_verdict, row.project.verdict, row.project.gain_percent

    logged = services.measurement_add(
        measure_id=measure.pk, by=trainee, date=TODAY(), value=Decimal(14)
    )
    # The logging form's message reads the result the service stored on the instance.
    assert logged.measure.result.verdict == Verdict.IMPROVED
    assert stored() == (Verdict.IMPROVED, Verdict.IMPROVED, Decimal("33.3333"))
    services.measure_update(measure_id=measure.pk, by=trainee, data={"direction": "higher"})
    assert stored() == (Verdict.WORSE, Verdict.WORSE, Decimal("-33.3333"))
    services.measure_update(measure_id=measure.pk, by=trainee, data={"baseline_value": Decimal(14)})
    assert stored() == (Verdict.NO_CHANGE, Verdict.NO_CHANGE, Decimal(0))
    services.measure_update(
        measure_id=measure.pk,
        by=trainee,
        data={},
        baseline_points=[
            Row(1, TODAY() - dt.timedelta(days=60 + i), Decimal(v)) for i, v in [(0, 7), (1, 8)]
        ],
    )
    assert stored() == (Verdict.IMPROVED, Verdict.IMPROVED, Decimal("86.6667"))
    services.measurement_delete(measurement_id=logged.pk, by=trainee)
    assert stored() == (Verdict.NOT_ENOUGH_DATA, Verdict.NOT_ENOUGH_DATA, None)
    services.measurements_import(
        measure_id=measure.pk,
        by=trainee,
        rows=[Row(i, TODAY() - dt.timedelta(days=i), Decimal(6)) for i in range(1, 4)],
    )
    assert stored() == (Verdict.WORSE, Verdict.WORSE, Decimal("-20"))
    assert Measure.objects.get(pk=measure.pk).result_measurement_count == 3


def test_a_secondary_measure_keeps_its_result_off_the_project(trainee):
    project = make_project(trainee)
    add_measurements(project, [10])  # the primary measure improved
    secondary = services.measure_add(
        project_id=project.pk,
        by=trainee,
        data={"name": "Calls", "direction": "lower", "baseline_value": Decimal(5)},
    )
    assert secondary.result_baseline == Decimal(5)
    services.measurement_add(measure_id=secondary.pk, by=trainee, date=TODAY(), value=Decimal(9))
    assert Measure.objects.get(pk=secondary.pk).result_verdict == Verdict.WORSE
    assert Project.objects.get(pk=project.pk).verdict == Verdict.IMPROVED


def test_refused_input_stores_nothing(trainee):
    project = make_project(trainee)
    measure = project.measures.get()
    with pytest.raises(Exception, match="future"):
        services.measurement_add(
            measure_id=measure.pk, by=trainee, date=TODAY() + dt.timedelta(days=1), value=Decimal(1)
        )
    row = Measure.objects.get(pk=measure.pk)
    assert (row.result_measurement_count, row.result_verdict) == (0, Verdict.NOT_ENOUGH_DATA)


def _build_projects(department) -> list[Project]:
    """Projects in every state, built through the services."""

    def project(**fields) -> Project:
        return make_project(TraineeFactory(department=department), **fields)

    improved, worse, unchanged, empty = (
        project(),
        project(measure_direction="higher"),
        project(),
        project(),
    )
    no_baseline = project(baseline_estimate=None)
    for target, values in [
        (improved, [30, 25, 12, 11, 10]),
        (worse, [5, 6, 4, 3]),
        (unchanged, [21, 21, 20.5]),
        (no_baseline, [4]),
    ]:
        measure = target.measures.get()
        for i, value in enumerate(values):
            services.measurement_add(
                measure_id=measure.pk,
                by=target.trainee,
                date=TODAY() - dt.timedelta(days=len(values) - i),
                value=Decimal(str(value)),
            )
    services.measure_update(
        measure_id=unchanged.measures.get().pk,
        by=unchanged.trainee,
        data={},
        baseline_points=[
            Row(i, TODAY() - dt.timedelta(days=90 + i), Decimal(v))
            for i, v in enumerate([20, 21, 22])
        ],
    )
    # A secondary measure too, whose result stays off its project.
    secondary = services.measure_add(
        project_id=worse.pk,
        by=worse.trainee,
        data={"name": "Calls", "direction": "lower", "baseline_value": Decimal(5)},
    )
    services.measurement_add(
        measure_id=secondary.pk, by=worse.trainee, date=TODAY(), value=Decimal(2)
    )
    for target, entries in [
        (improved, [["five_whys", "fishbone"], ["five_whys"], []]),
        (worse, [["five_s"]]),
    ]:
        for tools in entries:
            services.progress_entry_add(
                project_id=target.pk, by=target.trainee, date=TODAY(), did="Tried", tools=tools
            )
    removed = services.progress_entry_add(
        project_id=worse.pk, by=worse.trainee, date=TODAY(), did="Oops", tools=["spaghetti"]
    )
    services.progress_entry_delete(entry_id=removed.pk, by=worse.trainee)
    return [improved, worse, unchanged, empty, no_baseline]


def _snapshot() -> tuple[list, list]:
    measures = list(Measure.objects.order_by("pk").values_list("pk", *Measure.RESULT_FIELDS))
    projects = list(
        Project.objects.order_by("pk").values_list("pk", *services.PROJECT_RESULT_FIELDS)
    )
    return measures, projects


def test_recompute_results_gives_the_same_answers_as_the_services(department):
    built = _build_projects(department)
    assert [
        p.verdict for p in Project.objects.filter(pk__in=[p.pk for p in built]).order_by("pk")
    ] == [
        Verdict.IMPROVED,
        Verdict.WORSE,
        Verdict.NO_CHANGE,
        Verdict.NOT_ENOUGH_DATA,
        Verdict.NOT_ENOUGH_DATA,
    ]
    assert Project.objects.get(pk=built[0].pk).tools_used == {"five_whys": 2, "fishbone": 1}
    assert Project.objects.get(pk=built[1].pk).tools_used == {"five_s": 1}
    by_services = _snapshot()
    # Wrong everywhere, as after rows written by SQL.
    Measure.objects.update(
        result_verdict=Verdict.WORSE,
        result_baseline=None,
        result_baseline_points=9,
        result_current=Decimal(1),
        result_change=None,
        result_change_percent=None,
        result_gain=None,
        result_gain_percent=Decimal(1),
        result_measurement_count=99,
        result_last_measured=None,
        result_recent=[],
    )
    Project.objects.update(
        verdict=Verdict.WORSE, gain_percent=Decimal(99), tools_used={"five_s": 7}
    )
    # Each column the command stores is wrong somewhere, so the command must store them all
    # (a column added to what it stores fails here until it is made wrong above too).
    for stored, wrong in zip(by_services, _snapshot(), strict=True):
        columns = zip(*(row[1:] for row in stored), strict=True)
        wrong_columns = zip(*(row[1:] for row in wrong), strict=True)
        for column, wrong_column in zip(columns, wrong_columns, strict=True):
            assert column != wrong_column
    # In batches smaller than the projects, so that rows are read and written across batches.
    services.results_recompute(batch_size=2)
    assert _snapshot() == by_services
    Measure.objects.update(result_verdict=Verdict.WORSE)
    Project.objects.update(tools_used={})
    call_command("recompute_results", verbosity=0)
    assert _snapshot() == by_services


def test_recompute_results_picks_up_changes_made_outside_the_services(trainee):
    project = make_project(trainee)
    add_measurements(project, [10])
    Measure.objects.filter(project=project).update(baseline_value=Decimal(5))  # as the admin
    other = make_project(TraineeFactory(department=trainee.department))
    add_measurements(other, [10])
    Measure.objects.filter(project=other).update(is_primary=False)
    call_command("recompute_results", verbosity=0)
    assert Project.objects.get(pk=project.pk).verdict == Verdict.WORSE
    assert Project.objects.get(pk=other.pk).verdict == Verdict.NOT_ENOUGH_DATA
    assert Project.objects.get(pk=other.pk).gain_percent is None


values = st.decimals(min_value=-500, max_value=5000, places=2, allow_nan=False)
days_ago = st.integers(min_value=0, max_value=400)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("log"), days_ago, values),
        st.tuples(st.just("delete"), st.integers(min_value=0, max_value=20)),
        st.tuples(st.just("import"), st.lists(st.tuples(days_ago, values), min_size=1, max_size=5)),
        st.tuples(st.just("baseline"), st.one_of(st.none(), st.just(Decimal(0)), values)),
        st.tuples(st.just("points"), st.lists(values, max_size=4)),
        st.tuples(st.just("direction"), st.sampled_from(["lower", "higher"])),
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=operations)
def test_stored_results_match_the_computation_after_any_sequence_of_changes(department, steps):
    trainee = TraineeFactory(department=department)  # one application a year each
    project = make_project(trainee)
    measure = project.measures.get()
    # Values below 0 too: the stored result must follow any number the measure allows.
    Measure.objects.filter(pk=measure.pk).update(scale="any")
    today = TODAY()
    for step in steps:
        kind = step[0]
        if kind == "log":
            services.measurement_add(
                measure_id=measure.pk,
                by=trainee,
                date=today - dt.timedelta(days=step[1]),
                value=step[2],
            )
        elif kind == "delete":
            existing = list(Measurement.objects.filter(measure=measure).order_by("pk"))
            if existing:
                target = existing[step[1] % len(existing)]
                services.measurement_delete(measurement_id=target.pk, by=trainee)
        elif kind == "import":
            rows = [Row(i, today - dt.timedelta(days=d), v) for i, (d, v) in enumerate(step[1], 1)]
            services.measurements_import(measure_id=measure.pk, by=trainee, rows=rows)
        elif kind == "baseline":
            services.measure_update(
                measure_id=measure.pk, by=trainee, data={"baseline_value": step[1]}
            )
        elif kind == "points":
            rows = [Row(i, today - dt.timedelta(days=500 + i), v) for i, v in enumerate(step[1], 1)]
            services.measure_update(
                measure_id=measure.pk, by=trainee, data={}, baseline_points=rows
            )
        else:
            services.measure_update(measure_id=measure.pk, by=trainee, data={"direction": step[1]})
        assert_stored_matches(measure)
    by_services = _snapshot()
    call_command("recompute_results", verbosity=0)
    assert _snapshot() == by_services
