import pytest
from django.core.management import call_command

from coaching import selectors
from coaching.models import CoachAssignment, CoachingRequest, Conversation, NextStep

pytestmark = pytest.mark.django_db


def test_seed_demo_coaches_every_project_but_one_and_is_idempotent(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False):
        call_command("seed_demo", verbosity=0)
        counts = (Conversation.objects.count(), NextStep.objects.count())
        call_command("seed_demo", verbosity=0)
    assert (Conversation.objects.count(), NextStep.objects.count()) == counts
    assert CoachAssignment.objects.filter(ended_at__isnull=True).count() == 5
    assert CoachAssignment.objects.count() == 5
    assert set(CoachAssignment.objects.values_list("coach__email", flat=True)) == {
        "analyst@sfgov.org",
        "analyst2@sfgov.org",
    }
    steps = list(NextStep.objects.all())
    assert any(s.status == "done" for s in steps)
    assert any(s.is_open and not s.is_overdue for s in steps)
    assert sum(s.is_overdue for s in steps) == 1
    assert Conversation.objects.exclude(reflection="").count() == 1
    assert CoachingRequest.objects.filter(resolved_at__isnull=True).count() == 1
    never = {
        r.project.trainee.email for r in selectors.not_coached_recently() if not r.last_coached
    }
    assert never == {"trainee.lib@sfgov.org"}


def test_seed_demo_has_a_team_a_leader_on_cadence_one_overdue_and_a_note(
    django_capture_on_commit_callbacks,
):
    import datetime as dt

    from django.utils import timezone

    from coaching.models import LeaderCadence, LeaderCoachingNote
    from projects.models import Project

    with django_capture_on_commit_callbacks(execute=False):
        call_command("seed_demo", verbosity=0)
        call_command("seed_demo", verbosity=0)
    today = timezone.localdate()
    taylor = Project.objects.get(trainee__email="trainee@sfgov.org")
    assert taylor.sponsor.email == "manager@sfgov.org"
    assert taylor.members.count() == 3
    assert taylor.goal_agreed
    on_cadence = LeaderCadence.objects.get(project=taylor)
    assert on_cadence.due_on >= today
    assert on_cadence.made >= 1
    overdue = LeaderCadence.objects.get(project__trainee__email="trainee.mta@sfgov.org")
    assert overdue.due_on < today - dt.timedelta(days=1)
    assert overdue.made == 0
    note = LeaderCoachingNote.objects.get()  # once, however often the demo is seeded
    assert note.leader == overdue.leader
    # The stored figures are what the recompute command stores.
    stored = list(Project.objects.order_by("pk").values_list("leader_touchpoints", flat=True))
    call_command("recompute_leader_figures", verbosity=0)
    assert list(Project.objects.order_by("pk").values_list("leader_touchpoints", flat=True)) == (
        stored
    )
