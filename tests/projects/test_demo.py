import pytest
from django.core.management import call_command

from projects.models import Project
from projects.results import Verdict

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_every_verdict_and_is_idempotent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        call_command("seed_demo", verbosity=0)
        call_command("seed_demo", verbosity=0)
    # The alumni of earlier cohorts (reporting/demo_follow_ups.py) are counted in their own test.
    current = Project.objects.exclude(trainee__email__startswith="alumni.")
    verdicts = dict(current.values_list("trainee__email", "verdict"))
    assert verdicts["trainee@sfgov.org"] == Verdict.IMPROVED
    assert verdicts["trainee.dhr@sfgov.org"] == Verdict.NO_CHANGE
    assert verdicts["trainee.mta@sfgov.org"] == Verdict.WORSE
    assert verdicts["trainee.lib@sfgov.org"] == Verdict.NOT_ENOUGH_DATA
    # Five here, and three of the network stage's Lean Leaders.
    assert current.count() == 8
    # Reviewed: the work-orders project here, the Spring cohort's at the reporting stage and
    # those of the network stage's Lean Leaders.
    assert set(current.filter(status="reviewed").values_list("trainee__email", flat=True)) == {
        "trainee.dpw@sfgov.org",
        "trainee.dhr@sfgov.org",
        "trainee2.dhr@sfgov.org",
        "trainee3.dhr@sfgov.org",
        "trainee3.lib@sfgov.org",
    }
    improved = Project.objects.get(trainee__email="trainee@sfgov.org")
    assert improved.measures.get().measurements.count() == 8
    assert improved.progress_entries.count() == 4
