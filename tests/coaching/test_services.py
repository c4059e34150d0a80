import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coaching import services
from coaching.models import CoachAssignment, CoachingRequest, Conversation, NextStep, PrivateNote
from leanleaders.audit import audit_events_for
from leanleaders.models import OutboxEmail
from tests.coaching.factories import MARKER, log_conversation, step
from tests.factories import AnalystFactory, ManagerFactory

pytestmark = pytest.mark.django_db


# Coach assignment


def test_assign_coach_in_bulk_keeps_history(project, other_project, analyst):
    second = AnalystFactory(full_name="Jordan Second")
    assert (
        services.coach_assign(
            project_ids=[project.pk, other_project.pk], coach_id=analyst.pk, by=analyst
        )
        == 2
    )
    assert services.coach_assign(project_ids=[project.pk], coach_id=second.pk, by=analyst) == 1
    history = list(CoachAssignment.objects.filter(project=project).order_by("started_at", "pk"))
    assert [a.coach for a in history] == [analyst, second]
    assert history[0].ended_at is not None
    assert history[1].ended_at is None
    assert services.current_coach(project) == second
    assert services.current_coach(other_project) == analyst
    assert all(audit_events_for(a).filter(action="created").exists() for a in history)


def test_assigning_the_same_coach_again_changes_nothing(project, analyst):
    services.coach_assign(project_ids=[project.pk], coach_id=analyst.pk, by=analyst)
    assert services.coach_assign(project_ids=[project.pk], coach_id=analyst.pk, by=analyst) == 0
    assert CoachAssignment.objects.filter(project=project).count() == 1


def test_only_analysts_assign_and_only_analysts_coach(project, analyst, manager, trainee):
    with pytest.raises(PermissionDenied):
        services.coach_assign(project_ids=[project.pk], coach_id=analyst.pk, by=manager)
    with pytest.raises(ValidationError):
        services.coach_assign(project_ids=[project.pk], coach_id=manager.pk, by=analyst)
    assert not CoachAssignment.objects.exists()


# Conversations and next-step ownership


def test_log_resolves_each_owner_and_stores_private_notes_apart(project, analyst, manager):
    ManagerFactory(department=project.department, full_name="Later Manager")  # not the first
    conversation = log_conversation(
        project,
        analyst,
        steps=[
            step("Time ten cases"),
            step("Book the room", "coach"),
            step("Free an hour", "manager"),
        ],
        private_notes=MARKER,
    )
    owners = {s.owner_role: s.owner for s in conversation.next_steps.all()}
    assert owners == {"trainee": project.trainee, "coach": analyst, "manager": manager}
    assert all(s.project_id == project.pk and s.status == "open" for s in NextStep.objects.all())
    assert PrivateNote.objects.get(conversation=conversation).text == MARKER
    assert conversation.coach == analyst


def test_manager_step_without_a_manager_is_refused(project, analyst):
    project.department.managers.clear()
    with pytest.raises(ValidationError, match="no manager"):
        log_conversation(project, analyst, steps=[step("Free an hour", "manager")])
    assert not Conversation.objects.exists()


def test_a_conversation_needs_a_next_step(project, analyst):
    with pytest.raises(ValidationError, match="at least one next step"):
        log_conversation(project, analyst, steps=[step("  ")])
    assert not Conversation.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"date": timezone.localdate() + dt.timedelta(days=1)}, "future"),
        ({"duration_minutes": 0}, "between 1 and 600"),
        ({"duration_minutes": 601}, "between 1 and 600"),
        ({"tools": ["telepathy"]}, "Lean tools"),
        ({"format": "carrier_pigeon"}, "how you met"),
    ],
)
def test_conversation_input_is_checked(project, analyst, fields, message):
    with pytest.raises(ValidationError, match=message):
        log_conversation(project, analyst, **fields)


def test_step_cannot_be_due_before_the_conversation(project, analyst):
    with pytest.raises(ValidationError, match="before the conversation"):
        log_conversation(project, analyst, steps=[step("Too late", days=-1)])


def test_trainee_and_manager_cannot_log(project, trainee, manager):
    for person in (trainee, manager):
        with pytest.raises(PermissionDenied):
            log_conversation(project, person)


def test_logging_emails_trainee_and_owning_manager_without_private_notes(
    project, analyst, manager, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        log_conversation(
            project,
            analyst,
            steps=[step("Time ten cases"), step("Free an hour", "manager")],
            private_notes=MARKER,
        )
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert sorted(message.to) == sorted([project.trainee.email, manager.email])
    assert "Time ten cases" in message.body
    assert MARKER not in message.body
    assert MARKER not in message.alternatives[0][0]


def test_logging_answers_open_requests(project, analyst, trainee):
    request = services.coaching_request_create(project_id=project.pk, by=trainee, note="Stuck")
    conversation = log_conversation(project, analyst)
    request.refresh_from_db()
    assert request.resolved_conversation == conversation
    assert request.resolved_by == analyst


def test_analyst_edits_a_conversation_and_its_private_note(project, analyst, other_trainee):
    conversation = log_conversation(project, analyst)
    services.conversation_update(
        conversation_id=conversation.pk,
        by=analyst,
        data={"duration_minutes": 45},
        private_notes="Seems tired",
    )
    conversation.refresh_from_db()
    assert conversation.duration_minutes == 45
    assert conversation.private_note.text == "Seems tired"
    with pytest.raises(PermissionDenied):
        services.conversation_update(conversation_id=conversation.pk, by=other_trainee, data={})


# Checking steps off


def test_owner_checks_a_step_off_with_a_note_and_reopens_it(project, analyst, trainee):
    conversation = log_conversation(project, analyst)
    step_ = conversation.next_steps.get()
    services.next_step_complete(step_id=step_.pk, by=trainee, note="Ran it Mon-Fri")
    step_.refresh_from_db()
    assert (step_.status, step_.done_by, step_.done_note) == ("done", trainee, "Ran it Mon-Fri")
    assert step_.done_at is not None
    services.next_step_reopen(step_id=step_.pk, by=trainee)
    step_.refresh_from_db()
    assert (step_.status, step_.done_at, step_.done_note) == ("open", None, "")
    assert [e.to_status for e in audit_events_for(step_).filter(action="status")] == [
        "done",
        "open",
    ]


def test_who_may_check_a_step_off(project, analyst, trainee, manager, colleague, other_trainee):
    conversation = log_conversation(
        project, analyst, steps=[step("Trainee's"), step("Manager's", "manager")]
    )
    trainee_step, manager_step = conversation.next_steps.order_by("pk")
    for person in (manager, colleague, other_trainee):
        with pytest.raises(PermissionDenied):
            services.next_step_complete(step_id=trainee_step.pk, by=person)
    with pytest.raises(PermissionDenied):
        services.next_step_complete(step_id=manager_step.pk, by=trainee)
    services.next_step_complete(step_id=manager_step.pk, by=manager)
    services.next_step_complete(step_id=trainee_step.pk, by=AnalystFactory())
    assert set(NextStep.objects.values_list("status", flat=True)) == {"done"}


def test_a_done_step_cannot_be_done_twice(project, analyst, trainee):
    step_ = log_conversation(project, analyst).next_steps.get()
    services.next_step_complete(step_id=step_.pk, by=trainee)
    with pytest.raises(ValidationError):
        services.next_step_complete(step_id=step_.pk, by=trainee)


def test_overdue_is_open_and_past_its_date(project, analyst):
    step_ = log_conversation(project, analyst).next_steps.get()
    NextStep.objects.filter(pk=step_.pk).update(
        due_date=timezone.localdate() - dt.timedelta(days=1)
    )
    step_.refresh_from_db()
    assert step_.is_overdue
    step_.status = "done"
    assert not step_.is_overdue


# Reflections and requests


def test_only_the_trainee_reflects(project, analyst, trainee, manager):
    conversation = log_conversation(project, analyst)
    services.reflection_save(conversation_id=conversation.pk, by=trainee, text="Learned a lot")
    conversation.refresh_from_db()
    assert conversation.reflection == "Learned a lot"
    assert conversation.reflection_at
    for person in (manager, analyst):
        with pytest.raises(PermissionDenied):
            services.reflection_save(conversation_id=conversation.pk, by=person, text="x")


def test_request_emails_the_coach(
    project, analyst, trainee, django_capture_on_commit_callbacks, mailoutbox
):
    AnalystFactory(email="someone.else@sfgov.org")
    services.coach_assign(project_ids=[project.pk], coach_id=analyst.pk, by=analyst)
    with django_capture_on_commit_callbacks(execute=True):
        services.coaching_request_create(project_id=project.pk, by=trainee, note="Stuck on whys")
    assert [m.to for m in mailoutbox] == [[analyst.email]]
    assert "Stuck on whys" in mailoutbox[0].body


def test_request_without_a_coach_emails_every_analyst(
    project, analyst, trainee, django_capture_on_commit_callbacks, mailoutbox
):
    other = AnalystFactory(email="someone.else@sfgov.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.coaching_request_create(project_id=project.pk, by=trainee)
    assert sorted(mailoutbox[0].to) == sorted([analyst.email, other.email])


def test_one_open_request_at_a_time_and_only_by_the_trainee(project, trainee, manager, analyst):
    services.coaching_request_create(project_id=project.pk, by=trainee)
    with pytest.raises(ValidationError, match="already asked"):
        services.coaching_request_create(project_id=project.pk, by=trainee)
    with pytest.raises(PermissionDenied):
        services.coaching_request_create(project_id=project.pk, by=manager)
    assert CoachingRequest.objects.count() == 1
    request = CoachingRequest.objects.get()
    services.coaching_request_resolve(request_id=request.pk, by=analyst)
    request.refresh_from_db()
    assert request.resolved_by == analyst
    assert request.resolved_conversation is None
    assert OutboxEmail.objects.count() == 1
