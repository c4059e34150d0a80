import pytest
from django.core.management import call_command

from cohorts.models import Cohort
from leanleaders.models import User
from leanleaders.reporting import selectors

pytestmark = pytest.mark.django_db


def test_seed_demo_has_a_varied_board_and_a_lean_leader(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        call_command("seed_demo", verbosity=0)
        call_command("seed_demo", verbosity=0)
    analyst = User.objects.get(email="analyst@sfgov.org")
    summer = selectors.board_rows(user=analyst, cohort=Cohort.objects.get(name="Summer cohort"))
    assert {r.verdict for r in summer} >= {"improved", "worse"}
    spring = selectors.board_rows(user=analyst, cohort=Cohort.objects.get(name="Spring cohort"))
    assert [r.trainee.email for r in spring if r.is_lean_leader] == ["trainee.dhr@sfgov.org"]
