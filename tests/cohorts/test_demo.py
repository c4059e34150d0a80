import pytest
from django.core.management import call_command
from django.utils import timezone

from cohorts.models import Attendance, Cohort, Enrollment

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_cohorts_once(settings):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    cohorts = {c.name: c for c in Cohort.objects.all()}
    assert set(cohorts) == {"Spring cohort", "Summer cohort", "Autumn cohort", "Winter cohort"}
    today = timezone.localdate()
    assert cohorts["Spring cohort"].status == "completed"
    summer = cohorts["Summer cohort"]
    assert summer.status == "in_progress"
    assert summer.day2 < today < summer.day3
    assert cohorts["Autumn cohort"].status == "open"
    assert cohorts["Winter cohort"].status == "planned"
    autumn = cohorts["Autumn cohort"].enrollments.values_list("status", flat=True)
    assert sorted(autumn) == ["enrolled", "enrolled", "waitlisted"]
    assert Enrollment.objects.filter(trainee__email="trainee@sfgov.org", status="enrolled").exists()
    assert Attendance.objects.filter(enrollment__cohort=summer, mark="absent", day=2).count() == 1
