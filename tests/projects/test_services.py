import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from applications.models import Application
from leanleaders.audit import audit_events_for
from projects import csv_import, services
from projects.models import Measure, Measurement, ProgressEntry, Project
from tests.projects.factories import AcceptedApplicationFactory, add_measurements, make_project

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_project_start_copies_the_application(trainee):
    application = AcceptedApplicationFactory(trainee=trainee)
    project = services.project_start(application_id=application.pk, by=trainee)
    assert project.title == application.title
    assert project.problem == application.problem
    assert project.background == application.why_it_matters
    assert application.evidence in project.current_condition
    measure = project.measures.get()
    assert measure.is_primary
    assert measure.name == "Days from request to renewal"
    assert measure.unit == "days"
    assert measure.direction == "lower"
    assert measure.baseline_value == Decimal(21)
    assert audit_events_for(project).filter(action="created").exists()


def test_project_start_is_idempotent(trainee):
    application = AcceptedApplicationFactory(trainee=trainee)
    first = services.project_start(application_id=application.pk, by=trainee)
    second = services.project_start(application_id=application.pk, by=trainee)
    assert first.pk == second.pk
    assert Project.objects.count() == 1
    assert Measure.objects.count() == 1


def test_analyst_may_start_a_project(trainee, analyst):
    application = AcceptedApplicationFactory(trainee=trainee)
    project = services.project_start(application_id=application.pk, by=analyst)
    assert project.trainee == trainee


def test_project_needs_an_accepted_application(trainee):
    application = AcceptedApplicationFactory(
        trainee=trainee, status=Application.Status.MANAGER_APPROVED
    )
    with pytest.raises(ValidationError, match="accepted"):
        services.project_start(application_id=application.pk, by=trainee)
    assert not Project.objects.exists()


@pytest.mark.parametrize("who", ["colleague", "manager", "other_trainee"])
def test_others_cannot_start_someone_elses_project(request, trainee, who):
    application = AcceptedApplicationFactory(trainee=trainee)
    with pytest.raises(PermissionDenied):
        services.project_start(application_id=application.pk, by=request.getfixturevalue(who))


def test_measurement_add_and_refusals(trainee, colleague):
    project = make_project(trainee)
    measure = project.measures.get()
    services.measurement_add(measure_id=measure.pk, by=trainee, date=TODAY(), value=Decimal(9))
    assert measure.measurements.get().created_by == trainee
    with pytest.raises(ValidationError, match="future"):
        services.measurement_add(
            measure_id=measure.pk, by=trainee, date=TODAY() + dt.timedelta(days=1), value=1
        )
    with pytest.raises(PermissionDenied):
        services.measurement_add(measure_id=measure.pk, by=colleague, date=TODAY(), value=1)
    assert measure.measurements.count() == 1


def test_measurement_delete_is_audited(trainee):
    project = make_project(trainee)
    m = services.measurement_add(
        measure_id=project.measures.get().pk, by=trainee, date=TODAY(), value=Decimal("7.5")
    )
    services.measurement_delete(measurement_id=m.pk, by=trainee)
    assert not Measurement.objects.exists()
    event = audit_events_for(project).get(action="measurement_deleted")
    assert event.data["value"] == "7.5000"


def test_import_saves_every_row_in_one_go(trainee):
    project = make_project(trainee)
    measure = project.measures.get()
    parsed = csv_import.parse("2026-01-05,10\n2026-01-12,9\n", today=TODAY())
    services.measurements_import(measure_id=measure.pk, by=trainee, rows=parsed.rows)
    assert list(measure.measurements.values_list("value", flat=True)) == [Decimal(10), Decimal(9)]


def test_import_saves_nothing_when_a_row_is_out_of_range(trainee):
    project = make_project(trainee)
    measure = project.measures.get()
    rows = [
        csv_import.Row(line=1, date=TODAY(), value=Decimal(1)),
        csv_import.Row(line=2, date=dt.date(1999, 1, 1), value=Decimal(2)),
    ]
    with pytest.raises(ValidationError, match="Line 2"):
        services.measurements_import(measure_id=measure.pk, by=trainee, rows=rows)
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(
    ("scale", "value", "allowed"),
    [
        ("count", "0", True),
        ("count", "12.5", True),
        ("count", "-1", False),
        ("count", "-99999999999", False),
        ("percent", "100", True),
        ("percent", "100.5", False),
        ("percent", "-0.1", False),
        ("any", "-99999999999", True),
    ],
)
def test_a_measurement_must_fit_its_measures_scale(trainee, scale, value, allowed):
    project = make_project(trainee)
    measure = project.measures.get()
    Measure.objects.filter(pk=measure.pk).update(scale=scale)
    log = {"measure_id": measure.pk, "by": trainee, "date": TODAY(), "value": Decimal(value)}
    if allowed:
        services.measurement_add(**log)
        assert measure.measurements.get().value == Decimal(value)
    else:
        with pytest.raises(ValidationError, match="0"):
            services.measurement_add(**log)
        assert not Measurement.objects.exists()


def test_an_import_row_outside_the_scale_saves_nothing(trainee):
    project = make_project(trainee)
    measure = project.measures.get()
    parsed = csv_import.parse("2026-01-05,10\n2026-01-12,-4\n", today=TODAY())
    with pytest.raises(ValidationError, match=r"Line 2: .*below 0"):
        services.measurements_import(measure_id=measure.pk, by=trainee, rows=parsed.rows)
    assert not Measurement.objects.exists()


def test_baseline_and_target_must_fit_the_scale(trainee):
    project = make_project(trainee)
    measure = project.measures.get()
    with pytest.raises(ValidationError, match="below 0"):
        services.measure_update(measure_id=measure.pk, by=trainee, data={"target_value": -3})
    points = [csv_import.Row(line=1, date=TODAY(), value=Decimal(-2))]
    with pytest.raises(ValidationError, match="below 0"):
        services.measure_update(measure_id=measure.pk, by=trainee, data={}, baseline_points=points)
    measure.refresh_from_db()
    assert measure.target_value is None
    assert not measure.baseline_points.exists()


def test_trainee_changes_measure_and_baseline_points(trainee):
    project = make_project(trainee)
    measure = project.measures.get()
    points = csv_import.parse("2026-01-05,10\n2026-01-12,14\n2026-01-19,12", today=TODAY()).rows
    services.measure_update(
        measure_id=measure.pk,
        by=trainee,
        data={"target_value": Decimal(10), "baseline_period": "January"},
        baseline_points=points,
    )
    measure.refresh_from_db()
    assert measure.target_value == Decimal(10)
    assert measure.baseline_points.count() == 3
    event = audit_events_for(project).get(action="measure_changed")
    assert event.data["changes"]["target_value"] == [None, "10"]


def test_analyst_must_give_a_reason_to_change_the_measure(trainee, analyst):
    project = make_project(trainee)
    measure = project.measures.get()
    with pytest.raises(ValidationError, match="reason"):
        services.measure_update(measure_id=measure.pk, by=analyst, data={"unit": "hours"})
    services.measure_update(
        measure_id=measure.pk, by=analyst, data={"unit": "hours"}, reason="Clock hours, not days"
    )
    measure.refresh_from_db()
    assert measure.unit == "hours"
    event = audit_events_for(project).get(action="measure_changed")
    assert event.comment == "Clock hours, not days"
    assert event.actor == analyst
    assert event.data["changes"]["unit"] == ["days", "hours"]


@pytest.mark.parametrize("who", ["manager", "colleague"])
def test_others_cannot_change_the_measure(request, trainee, who):
    project = make_project(trainee)
    with pytest.raises(PermissionDenied):
        services.measure_update(
            measure_id=project.measures.get().pk,
            by=request.getfixturevalue(who),
            data={"unit": "x"},
            reason="x",
        )


def test_secondary_measure_keeps_one_primary(trainee):
    project = make_project(trainee)
    services.measure_add(project_id=project.pk, by=trainee, data={"name": "Calls", "unit": "calls"})
    assert project.measures.filter(is_primary=True).count() == 1
    assert project.measures.count() == 2


def test_progress_entry_stores_known_tools_in_order(trainee):
    project = make_project(trainee)
    entry = services.progress_entry_add(
        project_id=project.pk,
        by=trainee,
        date=TODAY(),
        did="Mapped the process with the team",
        tools=["five_whys", "process_mapping"],
        pdca_stage="plan",
    )
    assert entry.tools == ["process_mapping", "five_whys"]
    with pytest.raises(ValidationError):
        services.progress_entry_add(
            project_id=project.pk, by=trainee, date=TODAY(), did="x", tools=["magic"]
        )
    with pytest.raises(ValidationError, match="what you did"):
        services.progress_entry_add(project_id=project.pk, by=trainee, date=TODAY(), did="  ")
    assert ProgressEntry.objects.count() == 1


def test_review_locks_editing_and_tells_the_trainee(
    trainee, analyst, django_capture_on_commit_callbacks, mailoutbox
):
    project = make_project(trainee)
    with django_capture_on_commit_callbacks(execute=True):
        services.project_review(
            project_id=project.pk, by=analyst, comment="Well measured.", no_result_reason="Paused"
        )
    project.refresh_from_db()
    assert project.status == Project.Status.REVIEWED
    assert project.reviewed_by == analyst
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [trainee.email]
    assert "Well measured." in mailoutbox[0].body
    with pytest.raises(PermissionDenied):
        services.measurement_add(
            measure_id=project.measures.get().pk, by=trainee, date=TODAY(), value=1
        )
    with pytest.raises(ValidationError):
        services.project_review(project_id=project.pk, by=analyst, no_result_reason="Again")
    services.project_reopen(project_id=project.pk, by=analyst)
    project.refresh_from_db()
    assert project.status == Project.Status.ACTIVE


def test_a_project_without_a_result_is_reviewed_only_with_a_reason(trainee, analyst):
    project = make_project(trainee)
    assert project.verdict == "not_enough_data"
    with pytest.raises(ValidationError, match="no measurable result yet"):
        services.project_review(project_id=project.pk, by=analyst, no_result_reason="  ")
    project.refresh_from_db()
    assert project.status == Project.Status.ACTIVE
    services.project_review(
        project_id=project.pk, by=analyst, no_result_reason="Measure changed owner mid-project"
    )
    project.refresh_from_db()
    assert project.status == Project.Status.REVIEWED
    event = audit_events_for(project).get(to_status=Project.Status.REVIEWED)
    assert event.data == {"no_result_reason": "Measure changed owner mid-project"}


def test_a_project_with_a_result_is_reviewed_without_a_reason(trainee, analyst):
    project = make_project(trainee)
    add_measurements(project, [10])
    services.project_review(project_id=project.pk, by=analyst)
    project.refresh_from_db()
    assert project.status == Project.Status.REVIEWED


def test_manager_cannot_review(trainee, manager):
    project = make_project(trainee)
    with pytest.raises(PermissionDenied):
        services.project_review(project_id=project.pk, by=manager)


def test_project_update_edits_narrative_only(trainee):
    project = make_project(trainee)
    services.project_update(
        project_id=project.pk,
        by=trainee,
        data={"result_summary": "Down to 9 days", "sustain_plan": "Standard work", "status": "x"},
    )
    project.refresh_from_db()
    assert project.result_summary == "Down to 9 days"
    assert project.status == "active"
