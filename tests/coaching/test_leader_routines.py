"""Leaders' routines: a supervisor or sponsor records gemba walks, huddles and problem-solving
coaching with next steps, keeps a cadence, sees who is due, and is reminded once each time."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from coaching import selectors, services
from coaching.models import Conversation, LeaderCadence, NextStep
from leanleaders.models import OutboxEmail
from leanleaders.reminders import rule_run
from tests.factories import TraineeFactory

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo(settings.TIME_ZONE)
ANSWERS = {
    "date": None,
    "duration_minutes": 15,
    "what_we_see": "Requests wait in a shared inbox",
    "whats_in_the_way": "",
    "experiment_to_try": "Sort the inbox every morning",
}


@pytest.fixture
def supervisor(trainee, department):
    person = TraineeFactory(department=department, full_name="Sue Supervisor")
    trainee.supervisor = person
    trainee.save()
    return person


def walk(project, by, *, day=None, steps=()):
    return services.touchpoint_log(
        project_id=project.pk,
        by=by,
        routine=Conversation.Routine.GEMBA_WALK,
        data={**ANSWERS, "date": day or timezone.localdate()},
        steps=steps,
    )


def test_the_supervisor_records_a_gemba_walk_with_a_next_step(project, supervisor, trainee):
    step = services.StepInput(
        description="Try the morning sort for a week",
        owner_role=NextStep.Owner.TRAINEE,
        due_date=timezone.localdate() + dt.timedelta(days=7),
    )
    conversation = walk(project, supervisor, steps=[step])
    assert conversation.is_leader_touchpoint
    assert conversation.coach == supervisor
    created = NextStep.objects.get()
    assert created.owner == trainee
    assert created.conversation == conversation
    project.refresh_from_db()
    assert project.leader_touchpoints == 1
    assert project.last_leader_touchpoint_on == timezone.localdate()
    assert OutboxEmail.objects.filter(to=[trainee.email], subject__contains="Gemba walk").exists()


def test_a_leader_step_may_be_the_leaders_own(project, supervisor):
    step = services.StepInput(
        description="Ask IT for a second screen",
        owner_role=NextStep.Owner.LEADER,
        due_date=timezone.localdate() + dt.timedelta(days=3),
    )
    walk(project, supervisor, steps=[step])
    assert NextStep.objects.get().owner == supervisor


def test_only_a_leader_records_touchpoints(project, trainee, colleague, analyst, manager):
    for person in (trainee, colleague, analyst, manager):
        with pytest.raises(PermissionDenied):
            walk(project, person)
    assert not Conversation.objects.exists()


def test_the_sponsor_is_a_leader(trainee, manager):
    from tests.projects.factories import make_project

    project = make_project(trainee, manager=manager)
    walk(project, manager)
    assert Conversation.objects.get().coach == manager


def test_a_future_touchpoint_is_refused(project, supervisor):
    with pytest.raises(ValidationError):
        walk(project, supervisor, day=timezone.localdate() + dt.timedelta(days=1))
    project.refresh_from_db()
    assert project.leader_touchpoints == 0


def test_the_cadence_moves_on_with_each_touchpoint(project, supervisor):
    cadence = services.cadence_set(project_id=project.pk, by=supervisor, every_days=14)
    assert cadence.due_on == timezone.localdate() + dt.timedelta(days=14)
    walk(project, supervisor)
    cadence.refresh_from_db()
    assert cadence.made == 1
    assert cadence.due_on == timezone.localdate() + dt.timedelta(days=14)


def test_the_leaders_home_shows_who_is_due_and_overdue(project, supervisor, department, client_for):
    other = TraineeFactory(department=department, supervisor=supervisor)
    from tests.projects.factories import make_project

    other_project = make_project(other)
    services.cadence_set(project_id=project.pk, by=supervisor, every_days=7)
    LeaderCadence.objects.filter(project=project).update(
        due_on=timezone.localdate() - dt.timedelta(days=2)
    )
    people = [
        selectors.led_person(p)
        for p in selectors.led_people(user=supervisor, today=timezone.localdate())
    ]
    assert [p.project for p in people] == [project, other_project]
    assert [p.state for p in people] == ["overdue", "no-cadence"]
    home = client_for(supervisor).get(reverse("home")).content.decode()
    assert "Your leader routines" in home
    assert "Overdue" in home


def _people(supervisor, department, count):
    """`count` more people reporting to the supervisor, each with a project and a cadence due
    on a different day: i days ago (overdue) for the even ones, today for the odd ones."""
    from tests.projects.factories import make_project

    today = timezone.localdate()
    for i in range(count):
        project = make_project(
            TraineeFactory(department=department, supervisor=supervisor, full_name=f"Person {i:02}")
        )
        services.cadence_set(project_id=project.pk, by=supervisor, every_days=7)
        due = today - dt.timedelta(days=i + 1) if i % 2 == 0 else today
        LeaderCadence.objects.filter(project=project).update(due_on=due)


def test_the_home_card_shows_the_five_due_soonest_and_counts_everyone(
    project, supervisor, department, client_for
):
    """Counted over everyone led, not over the five shown; the rest are a link away."""
    _people(supervisor, department, 12)
    home = client_for(supervisor).get(reverse("home")).content.decode()
    card = home.split('id="section-leader-routines"')[1].split("</section>")[0]
    assert card.count("leader-row") == 5
    # Overdue first, the longest overdue first: Person 10, 08, 06, 04, 02.
    assert [f"Person {i:02}" in card for i in (10, 8, 6, 4, 2)] == [True] * 5
    assert "Person 00" not in card
    assert "6 overdue" in card
    assert "6 due" in card
    assert "Showing the 5 due soonest of 13." in card
    assert f'href="{reverse("coaching:people-routines")}">See all 13 people you lead' in card


def test_the_page_of_everyone_led_is_paged(project, supervisor, department, client_for):
    _people(supervisor, department, 26)
    client = client_for(supervisor)
    url = reverse("coaching:people-routines")
    first = client.get(url).content.decode()
    assert first.count("leader-row") == 25
    assert "27 people" in first
    assert "13 overdue" in first
    assert "13 due" in first
    assert 'href="?page=2">Next<' in first
    second = client.get(url + "?page=2").content.decode()
    assert second.count("leader-row") == 2
    # Those without a cadence come last: the trainee's project.
    assert "No cadence set" in second


def test_the_counts_in_sql_agree_with_each_persons_state(project, supervisor, department):
    """Each row's state and the counts come from the same tests: at each edge of "due" too."""
    today = timezone.localdate()
    _people(supervisor, department, 6)
    # Due yesterday (overdue), today, tomorrow and in two days (due), in three (planned), and
    # the trainee's project with no cadence.
    cadences = LeaderCadence.objects.filter(leader=supervisor).order_by("pk")
    for cadence, days in zip(cadences, (-1, 0, 1, 2, 3, 3), strict=True):
        LeaderCadence.objects.filter(pk=cadence.pk).update(due_on=today + dt.timedelta(days=days))
    people = [
        selectors.led_person(p)
        for p in selectors.led_people(user=supervisor, today=timezone.localdate())
    ]
    states = [p.state for p in people]
    assert sorted(states) == sorted(
        ["overdue", "due", "due", "due", "planned", "planned", "no-cadence"]
    )
    counts = selectors.led_people_counts(user=supervisor, today=today)
    assert counts == {
        "count": len(states),
        "overdue": states.count("overdue"),
        "due": states.count("due"),
    }


def test_someone_who_leads_nobody_is_told_so(trainee, client_for):
    page = client_for(trainee).get(reverse("coaching:people-routines")).content.decode()
    assert "Nobody you lead has a project in progress." in page


def test_whether_someone_leads_anyone_is_read_as_led_people_finds_them(
    project, supervisor, trainee, department
):
    """The home asks for a leader's people only when its facts say there are any: the two
    must agree (a sponsor, a supervisor, neither, one's own project, a reviewed one)."""
    from leanleaders.models import User
    from projects.models import Project

    def leads(user):
        found = User.objects.filter(pk=user.pk).values(
            leads=selectors.leads_anyone_expression(user)
        )
        return found.get()["leads"]

    def check(user, expected):
        assert (
            leads(user)
            == bool(selectors.led_people(user=user, today=timezone.localdate()))
            == expected
        ), user

    sponsor = TraineeFactory(department=department, full_name="Sam Sponsor")
    nobody = TraineeFactory(department=department, full_name="Nora Nobody")
    for user, expected in {supervisor: True, sponsor: False, nobody: False, trainee: False}.items():
        check(user, expected)
    Project.objects.filter(pk=project.pk).update(sponsor=sponsor)
    check(sponsor, True)
    Project.objects.filter(pk=project.pk).update(sponsor=trainee)  # sponsoring one's own
    check(trainee, False)
    Project.objects.filter(pk=project.pk).update(status=Project.Status.REVIEWED)
    check(supervisor, False)


def test_nobody_led_no_section(trainee, client_for):
    assert "Your leader routines" not in client_for(trainee).get(reverse("home")).content.decode()


def test_the_trainee_sees_the_touchpoint_on_their_timeline(
    project, supervisor, trainee, client_for
):
    walk(project, supervisor)
    page = client_for(trainee).get(reverse("coaching:project-timeline", args=[project.pk]))
    assert "Gemba walk" in page.content.decode()


def test_the_touchpoint_page_records_one(project, supervisor, client_for):
    client = client_for(supervisor)
    url = reverse("coaching:touchpoint-create", args=[project.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "routine": "huddle",
            "date": timezone.localdate().isoformat(),
            "duration_minutes": "10",
            "what_we_see": "The board is up to date",
            "steps-TOTAL_FORMS": "1",
            "steps-INITIAL_FORMS": "0",
            "steps-0-description": "Add a column for blocked cases",
            "steps-0-owner_role": "leader",
            "steps-0-due_date": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert Conversation.objects.get().routine == "huddle"
    assert NextStep.objects.get().owner == supervisor


def test_a_touchpoint_without_answers_is_refused_with_a_message(project, supervisor, client_for):
    response = client_for(supervisor).post(
        reverse("coaching:touchpoint-create", args=[project.pk]),
        {
            "routine": "huddle",
            "date": timezone.localdate().isoformat(),
            "duration_minutes": "10",
            "steps-TOTAL_FORMS": "0",
            "steps-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    assert "Write down at least one answer" in response.content.decode()
    assert not Conversation.objects.exists()


def test_reminders_go_once_when_due_and_once_when_missed(project, supervisor):
    start = dt.datetime(2026, 3, 2, 10, 0, tzinfo=TZ)  # a Monday
    with time_machine.travel(start, tick=False):
        services.cadence_set(project_id=project.pk, by=supervisor, every_days=7)
    OutboxEmail.objects.all().delete()

    def run(at):
        with time_machine.travel(at, tick=False):
            return rule_run(key="leader-touchpoint-due").queued

    assert run(start + dt.timedelta(days=6)) == 0  # not due yet
    assert run(start + dt.timedelta(days=7)) == 1  # due today
    assert run(start + dt.timedelta(days=7, hours=2)) == 0  # not again
    assert run(start + dt.timedelta(days=8)) == 1  # missed
    assert run(start + dt.timedelta(days=9)) == 0  # not again
    subjects = sorted(OutboxEmail.objects.values_list("subject", flat=True))
    assert subjects[0].startswith("Missed")
    assert subjects[1].startswith("Today")
    assert all(m.to == [supervisor.email] for m in OutboxEmail.objects.all())
