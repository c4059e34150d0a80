import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from projects import selectors
from projects.models import Attachment, BaselinePoint, ProgressEntry, Project
from tests.factories import TraineeFactory
from tests.projects.factories import add_measurements, make_project

pytestmark = pytest.mark.django_db


def test_verdicts_and_counts_read_the_stored_results(analyst, department):
    def project(**fields):
        return make_project(TraineeFactory(department=department), **fields)

    improved = project()
    add_measurements(improved, [30, 25, 12, 11, 10])
    worse = project(measure_direction="higher")
    add_measurements(worse, [5, 6, 4, 3])
    unchanged = project()
    add_measurements(unchanged, [21, 21, 20.5])
    project()  # no measurements
    no_baseline = project(baseline_estimate=None)
    add_measurements(no_baseline, [4])
    from_points = project()
    measure = from_points.measures.get()
    BaselinePoint.objects.bulk_create(
        BaselinePoint(
            measure=measure, date=timezone.localdate() - dt.timedelta(days=90 + d), value=v
        )
        for d, v in enumerate([Decimal(8), Decimal(9), Decimal(10)])
    )
    add_measurements(from_points, [9, 9, 9])

    outcomes = {
        pk: (verdict, gain)
        for pk, verdict, gain in Project.objects.values_list("pk", "verdict", "gain_percent")
    }
    verdicts = {pk: verdict for pk, (verdict, _) in outcomes.items()}
    assert verdicts[improved.pk] == "improved"
    assert verdicts[worse.pk] == "worse"
    assert verdicts[unchanged.pk] == "no_change"
    assert verdicts[no_baseline.pk] == "not_enough_data"
    assert verdicts[from_points.pk] == "no_change"
    assert outcomes[improved.pk] == ("improved", Decimal("47.619"))
    assert outcomes[no_baseline.pk] == ("not_enough_data", None)
    counts = {c["verdict"]: c["count"] for c in selectors.counts_of(projects=Project.objects)}
    assert counts == {"improved": 1, "worse": 1, "no_change": 2, "not_enough_data": 2}


def test_summaries_of_a_page_use_the_latest_measurements_and_the_full_count(analyst, trainee):
    project = make_project(trainee)
    add_measurements(project, [30, 29, 28, 27, 10, 10, 10])
    (summary,) = selectors.summaries_of(
        selectors.with_primary(Project.objects.filter(pk=project.pk))
    )
    assert summary.primary.result.measurement_count == 7
    assert summary.primary.result.current == Decimal(10)
    assert summary.verdict == "improved"


def test_progress_entries_carry_their_attachments_newest_first(trainee, django_assert_num_queries):
    project = make_project(trainee)
    today = timezone.localdate()
    plain = ProgressEntry.objects.create(project=project, date=today, did="Plain", pdca_stage="do")
    with_files = ProgressEntry.objects.create(
        project=project, date=today - dt.timedelta(days=1), did="Photos", pdca_stage="do"
    )
    first, second = (
        Attachment.objects.create(
            entry=with_files, file=f"x/{n}.png", original_name=n, content_type="image/png", size=1
        )
        for n in ("a.png", "b.png")
    )
    with django_assert_num_queries(2):
        entries = selectors.progress_entries(project=project)
    assert entries == [plain, with_files]
    assert (entries[0].files, entries[1].files) == ([], [first, second])
    with_files.delete()
    with django_assert_num_queries(1):  # no attachments to read
        assert selectors.progress_entries(project=project) == [plain]
