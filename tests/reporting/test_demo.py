import pytest
from django.core.management import call_command

from cohorts.models import Cohort
from leanleaders.models import User
from reporting.selectors.board import board_rows

pytestmark = pytest.mark.django_db


def test_seed_demo_has_a_varied_board_and_a_lean_leader(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        call_command("seed_demo", verbosity=0)
        call_command("seed_demo", verbosity=0)
    analyst = User.objects.get(email="analyst@sfgov.org")
    summer = board_rows(user=analyst, cohort=Cohort.objects.get(name="Summer cohort"))
    assert {r.verdict for r in summer} >= {"improved", "worse"}
    spring = board_rows(user=analyst, cohort=Cohort.objects.get(name="Spring cohort"))
    assert [r.trainee.email for r in spring if r.is_lean_leader] == ["trainee.dhr@sfgov.org"]


def test_demo_pages_render_for_each_role(client_for, django_capture_on_commit_callbacks):
    from django.urls import reverse

    with django_capture_on_commit_callbacks(execute=False):
        call_command("seed_demo", verbosity=0)
    summer = Cohort.objects.get(name="Summer cohort")
    analyst = User.objects.get(email="analyst@sfgov.org")
    manager = User.objects.get(email="manager@sfgov.org")
    leader = User.objects.get(email="trainee.dhr@sfgov.org")
    board = reverse("reports:cohort-board", args=[summer.pk])
    assert client_for(analyst).get(board).status_code == 200
    assert client_for(analyst).get(reverse("reports:program-report")).status_code == 200
    managed = client_for(manager).get(board)
    assert managed.status_code == 200
    assert {r.department.name for r in managed.context["rows"]} == {"Public Health"}
    home = client_for(leader).get("/").content.decode()
    assert "Your certificate" in home


def test_seed_demo_has_follow_ups_in_every_state(django_capture_on_commit_callbacks):
    from django.utils import timezone

    from projects.models import FollowUp, Project

    with django_capture_on_commit_callbacks(execute=False):
        call_command("seed_demo", verbosity=0)
        call_command("seed_demo", verbosity=0)
    sustainment = dict(
        Project.objects.filter(trainee__email__startswith="alumni.").values_list(
            "trainee__email", "sustainment"
        )
    )
    assert sustainment == {
        "alumni.sustained@sfgov.org": "sustained",
        "alumni.slipping@sfgov.org": "slipping",
        "alumni.reverted@sfgov.org": "reverted",
        "alumni.missed@sfgov.org": "missed",
        "alumni.due@sfgov.org": "",
        "alumni.upcoming@sfgov.org": "",
    }
    today = timezone.localdate()
    states = {
        f.project.trainee.email: f.state(today)
        for f in FollowUp.objects.filter(days_after=30).select_related("project__trainee")
    }
    assert states["alumni.due@sfgov.org"] == "due"
    assert states["alumni.upcoming@sfgov.org"] == "upcoming"
