import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from projects import selectors
from projects.models import Attachment, BaselinePoint, Measure, ProgressEntry, Project
from tests.factories import TraineeFactory
from tests.projects.factories import add_measurements, make_project

pytestmark = pytest.mark.django_db


def test_verdicts_read_as_values_match_the_summaries(analyst, department):
    """The cheap verdict map used for counts and filters agrees with the full computation."""

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
    without_primary = project()
    Measure.objects.filter(project=without_primary).update(is_primary=False)

    verdicts = selectors.project_verdicts(projects=Project.objects.all())
    summaries = selectors.project_summaries(user=analyst)
    assert verdicts == {s.project.pk: s.verdict for s in summaries}
    assert verdicts[improved.pk] == "improved"
    assert verdicts[worse.pk] == "worse"
    assert verdicts[unchanged.pk] == "no_change"
    assert verdicts[no_baseline.pk] == "not_enough_data"
    assert verdicts[from_points.pk] == "no_change"
    assert verdicts[without_primary.pk] == "not_enough_data"


def test_summaries_of_a_page_use_the_latest_measurements_and_the_full_count(analyst, trainee):
    project = make_project(trainee)
    add_measurements(project, [30, 29, 28, 27, 10, 10, 10])
    (summary,) = selectors.summaries_of(Project.objects.filter(pk=project.pk))
    assert summary.primary.result.measurement_count == 7
    assert summary.primary.result.current == Decimal(10)


def test_cached_verdicts_change_as_soon_as_the_data_does(trainee):
    from decimal import Decimal

    from django.utils import timezone

    from projects import services
    from projects.results import Verdict
    from tests.projects.factories import make_project

    project = make_project(trainee)  # baseline 21 days, lower is better
    assert selectors.project_verdicts(projects=Project.objects.all())[project.pk] == (
        Verdict.NOT_ENOUGH_DATA
    )
    from projects.csv_import import Row

    def verdict():
        """The city-wide verdicts and a list page's summary, both cached, agree."""
        (summary,) = selectors.summaries_of(Project.objects.filter(pk=project.pk))
        verdicts = selectors.project_verdicts(projects=Project.objects.all())
        assert summary.verdict == verdicts[project.pk]
        return summary.verdict

    measure = project.measures.get()
    logged = services.measurement_add(
        measure_id=measure.pk, by=trainee, date=timezone.localdate(), value=Decimal(10)
    )
    assert verdict() == Verdict.IMPROVED
    services.measure_update(measure_id=measure.pk, by=trainee, data={"direction": "higher"})
    assert verdict() == Verdict.WORSE
    services.measurement_delete(measurement_id=logged.pk, by=trainee)
    assert verdict() == Verdict.NOT_ENOUGH_DATA
    services.measurements_import(
        measure_id=measure.pk, by=trainee, rows=[Row(1, timezone.localdate(), Decimal(30))]
    )
    assert verdict() == Verdict.IMPROVED


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
