import pytest
from django.core.management import call_command
from django.utils import timezone

from applications.models import Application
from cohorts import selectors
from cohorts.models import Attendance, Cohort, Enrollment
from leanleaders.models import Department

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_cohorts_once(settings):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    # The alumni cohorts of the follow-ups demo (reporting/demo_follow_ups.py) have their own test.
    cohorts = {c.name: c for c in Cohort.objects.exclude(name__startswith="Alumni cohort")}
    assert set(cohorts) == {
        "Spring cohort",
        "Summer cohort",
        "Autumn cohort",
        "Winter cohort",
        "Public Works cohort",
        "Winter cohort, last year",  # the network stage's Lean Leaders
    }
    today = timezone.localdate()
    assert cohorts["Spring cohort"].status == "completed"
    summer = cohorts["Summer cohort"]
    assert summer.status == "in_progress"
    assert summer.day2 < today < summer.day3
    assert cohorts["Autumn cohort"].status == "open"
    assert cohorts["Winter cohort"].status == "planned"
    arranged = cohorts["Public Works cohort"]
    assert arranged.status == "open"
    assert [d.code for d in arranged.departments.all()] == ["DPW"]
    assert not cohorts["Winter cohort"].departments.exists()
    autumn = cohorts["Autumn cohort"].enrollments.values_list("status", flat=True)
    assert sorted(autumn) == ["enrolled", "enrolled", "waitlisted"]
    assert Enrollment.objects.filter(trainee__email="trainee@sfgov.org", status="enrolled").exists()
    assert Attendance.objects.filter(enrollment__cohort=summer, mark="absent", day=2).count() == 1


def test_demo_department_cohort_is_offered_only_to_its_department():
    call_command("seed_demo", verbosity=0)
    public_works = Application.objects.get(
        trainee__email="trainee2.dpw@sfgov.org", status=Application.Status.MANAGER_APPROVED
    )
    offered = [c.name for c in selectors.placement_options(application=public_works)]
    assert "Public Works cohort" in offered
    health = Department.objects.get(code="DPH")
    offered_to_health = [c.name for c in selectors.placeable_cohorts(department_id=health.pk)]
    assert "Public Works cohort" not in offered_to_health
    assert "Winter cohort" in offered_to_health
