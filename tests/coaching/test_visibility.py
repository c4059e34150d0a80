"""The coach's private notes never reach a trainee or a manager: not on any page, not in any email.

Every page is rendered as each role with a unique marker in the private note, and every email the
outbox holds is searched for it.
"""

import datetime as dt

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from coaching import services
from coaching.models import LeaderCoachingNote, NextStep
from leanleaders.models import OutboxEmail
from leanleaders.reminders import rule_run
from tests.coaching.factories import MARKER, log_conversation, step

pytestmark = pytest.mark.django_db


@pytest.fixture
def coached(project, analyst, trainee, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.coach_assign(project_ids=[project.pk], coach_id=analyst.pk, by=analyst)
        conversation = log_conversation(
            project,
            analyst,
            steps=[step("Trainee step", days=1), step("Manager step", "manager", days=1)],
            private_notes=MARKER,
        )
        services.reflection_save(conversation_id=conversation.pk, by=trainee, text="Reflected")
        services.coaching_request_create(project_id=project.pk, by=trainee, note="Again please")
        for leader in (trainee, manager):  # notes on coaching them, for analysts only
            services.leader_note_add(leader_id=leader.pk, by=analyst, body=MARKER)
    return conversation


def coaching_urls(conversation):
    project = conversation.project
    step_ = conversation.next_steps.first()
    request = project.coaching_requests.first()
    values = {
        "project_id": project.pk,
        "conversation_id": conversation.pk,
        "step_id": step_.pk,
        "request_id": request.pk,
        "user_id": project.trainee_id,
        # The analysts' note on coaching the trainee as a leader: its edit and delete pages.
        "note_id": LeaderCoachingNote.objects.get(leader_id=project.trainee_id).pk,
    }
    urls = []
    resolver = get_resolver()
    for name in resolver.namespace_dict["coaching"][1].reverse_dict:
        if not isinstance(name, str):
            continue
        pattern = resolver.namespace_dict["coaching"][1].reverse_dict.getlist(name)[0]
        params = pattern[0][0][1]
        urls.append(reverse(f"coaching:{name}", kwargs={p: values[p] for p in params}))
    base = reverse("coaching:project-timeline", args=[project.pk])
    urls += [
        base + "?fragment=1",
        base + "?kind=coaching",
        base + "?fragment=1&kind=coaching",
        reverse("projects:project-detail", args=[project.pk]),
        reverse("projects:project-a3", args=[project.pk]),
        reverse("home"),
    ]
    return urls


@pytest.mark.parametrize("role", ["trainee", "manager", "alternate_manager"])
def test_private_notes_never_reach_trainee_or_manager_pages(request, client_for, coached, role):
    client = client_for(request.getfixturevalue(role))
    urls = coaching_urls(coached)
    assert len(urls) >= 15
    seen = 0
    for url in urls:
        response = client.get(url)
        if response.status_code == 200:
            seen += 1
        assert MARKER not in response.content.decode(), url
    assert seen >= 8


def test_analysts_see_the_private_notes(client_for, coached, analyst):
    page = client_for(analyst).get(reverse("coaching:conversation-detail", args=[coached.pk]))
    assert MARKER in page.content.decode()
    edit = client_for(analyst).get(reverse("coaching:conversation-edit", args=[coached.pk]))
    assert MARKER in edit.content.decode()


def test_private_notes_are_in_no_email(coached, django_capture_on_commit_callbacks, mailoutbox):
    NextStep.objects.update(due_date=timezone.localdate() + dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        rule_run(key="next-step-due", force=True)
        NextStep.objects.update(due_date=timezone.localdate() - dt.timedelta(days=1))
        rule_run(key="next-step-due", force=True)
    assert OutboxEmail.objects.count() >= 6
    for email in OutboxEmail.objects.all():
        assert MARKER not in email.body_text
        assert MARKER not in email.body_html
        assert MARKER not in email.subject
    for message in mailoutbox:
        assert MARKER not in message.body


def test_trainee_and_manager_reads_never_load_the_note(client_for, coached, trainee, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for user in (trainee, manager):
        client = client_for(user)
        with CaptureQueriesContext(connection) as queries:
            for url in coaching_urls(coached):
                client.get(url)
        assert not any("coaching_privatenote" in q["sql"] for q in queries.captured_queries)
