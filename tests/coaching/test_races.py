"""Concurrency on PostgreSQL: two analysts assigning coaches at once, a step checked off twice,
two coaching requests sent at the same moment, and two analysts saving one note on a leader.
Each thread uses its own connection."""

from __future__ import annotations

import pytest

from coaching import services
from coaching.models import CoachAssignment, CoachingRequest, NextStep
from leanleaders.workflow import InvalidTransition
from tests.coaching.factories import log_conversation
from tests.factories import AnalystFactory
from tests.support.concurrency import run_concurrently

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_simultaneous_assignments_leave_one_current_coach(project, analyst):
    other = AnalystFactory()
    results = run_concurrently(
        [
            lambda: services.coach_assign(
                project_ids=[project.pk], coach_id=analyst.pk, by=analyst
            ),
            lambda: services.coach_assign(project_ids=[project.pk], coach_id=other.pk, by=other),
        ]
    )
    assert results == [1, 1]
    assert CoachAssignment.objects.filter(project=project, ended_at__isnull=True).count() == 1
    assert CoachAssignment.objects.filter(project=project).count() == 2


def test_a_step_checked_off_twice_at_once_is_done_once(project, analyst, trainee):
    step = log_conversation(project, analyst).next_steps.get()
    results = run_concurrently(
        [
            lambda: services.next_step_complete(step_id=step.pk, by=trainee, note="mine"),
            lambda: services.next_step_complete(step_id=step.pk, by=analyst, note="theirs"),
        ]
    )
    assert sum(isinstance(r, InvalidTransition) for r in results) == 1
    assert NextStep.objects.get().status == "done"


def test_two_requests_at_once_make_one(project, trainee):
    results = run_concurrently(
        [
            lambda: services.coaching_request_create(project_id=project.pk, by=trainee),
            lambda: services.coaching_request_create(project_id=project.pk, by=trainee),
        ]
    )
    assert sum(isinstance(r, Exception) for r in results) == 1
    assert CoachingRequest.objects.count() == 1


def test_two_analysts_saving_one_note_at_once_save_one_text(analyst):
    from coaching.models import LeaderCoachingNote
    from leanleaders.models import AuditEvent
    from tests.factories import TraineeFactory

    note = services.leader_note_add(leader_id=TraineeFactory().pk, by=analyst, body="First")
    other = AnalystFactory()
    results = run_concurrently(
        [
            lambda: services.leader_note_edit(
                note_id=note.pk, by=analyst, body="Mine", expected_edited_at=None
            ),
            lambda: services.leader_note_edit(
                note_id=note.pk, by=other, body="Theirs", expected_edited_at=None
            ),
        ]
    )
    refused = [r for r in results if isinstance(r, services.StaleLeaderNoteError)]
    saved = [r for r in results if isinstance(r, LeaderCoachingNote)]
    assert (len(refused), len(saved)) == (1, 1)
    assert LeaderCoachingNote.objects.get().body == saved[0].body
    assert AuditEvent.objects.filter(action="edited").count() == 1
