"""The lead controls what the team sees: the application's answers and each coaching
conversation stay off the team's pages until the lead shares them, and the lead can take them
back. The lead's leaders, managers and analysts see them either way."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from coaching import services as coaching_services
from coaching.models import Conversation
from leanleaders.models import AuditEvent
from projects import services
from tests.coaching.factories import log_conversation
from tests.factories import TraineeFactory

pytestmark = pytest.mark.django_db
ANSWER = "Answer-for-the-team-5521"
SIGNOFF = "Signoff-private-5521"
SAID = "Said-in-coaching-5521"


@pytest.fixture
def member(project, trainee, department):
    person = TraineeFactory(department=department, full_name="Mel Member")
    services.team_member_add(project_id=project.pk, by=trainee, user_id=person.pk, role="member")
    return person


@pytest.fixture
def answered(project):
    application = project.application
    application.role_and_team = ANSWER
    application.signoff_note = SIGNOFF
    application.save()
    return project


def team_page(client, project):
    return client.get(reverse("projects:project-team", args=[project.pk])).content.decode()


def test_the_application_is_not_shared_until_the_lead_shares_it(
    answered, trainee, member, client_for
):
    assert not answered.application_shared_with_team
    member_client = client_for(member)
    assert ANSWER not in team_page(member_client, answered)
    lead = client_for(trainee)
    assert "answers with my team" in team_page(lead, answered)
    lead.post(reverse("projects:application-share", args=[answered.pk]), {"shared": "1"})
    page = team_page(member_client, answered)
    assert ANSWER in page
    assert SIGNOFF not in page  # the sign-off is not one of the lead's answers
    assert AuditEvent.objects.filter(action="application-shared", actor=trainee).exists()
    lead.post(reverse("projects:application-share", args=[answered.pk]), {"shared": "0"})
    assert ANSWER not in team_page(member_client, answered)
    assert AuditEvent.objects.filter(action="application-unshared").exists()


def test_only_the_lead_shares_the_application(answered, member, manager, analyst):
    for person in (member, manager, analyst):
        with pytest.raises(PermissionDenied):
            services.project_application_share(project_id=answered.pk, by=person, shared=True)


def test_a_shared_application_shows_no_other_project_to_the_member(
    answered, trainee, member, department, client_for
):
    from tests.projects.factories import make_project

    services.project_application_share(project_id=answered.pk, by=trainee, shared=True)
    other = make_project(TraineeFactory(department=department))
    response = client_for(member).get(reverse("projects:project-team", args=[other.pk]))
    assert response.status_code == 404


@pytest.fixture
def conversation(project, analyst):
    return log_conversation(project, analyst, what_we_see=SAID)


def timeline(client, project):
    url = reverse("coaching:project-timeline", args=[project.pk]) + "?kind=coaching"
    return client.get(url).content.decode()


def test_conversations_are_hidden_from_the_team_until_the_lead_shows_one(
    conversation, project, trainee, member, manager, client_for
):
    member_client = client_for(member)
    assert SAID not in timeline(member_client, project)
    detail = reverse("coaching:conversation-detail", args=[conversation.pk])
    assert member_client.get(detail).status_code == 404
    assert SAID in timeline(client_for(manager), project)  # managers see every conversation

    lead = client_for(trainee)
    assert "Show to my team" in lead.get(detail).content.decode()
    url = reverse("coaching:conversation-team-visibility", args=[conversation.pk])
    lead.post(url, {"visible": "1"})
    assert SAID in timeline(member_client, project)
    assert member_client.get(detail).status_code == 200
    assert AuditEvent.objects.filter(action="shared-with-team", actor=trainee).exists()

    lead.post(url, {"visible": "0"})
    assert SAID not in timeline(member_client, project)
    assert member_client.get(detail).status_code == 404


def test_only_the_lead_shows_a_conversation_to_the_team(conversation, member, manager, analyst):
    for person in (member, manager, analyst):
        with pytest.raises(PermissionDenied):
            coaching_services.conversation_team_share(
                conversation_id=conversation.pk, by=person, visible=True
            )
    assert not Conversation.objects.get(pk=conversation.pk).team_visible


def test_a_member_who_is_also_a_leader_sees_every_conversation(
    conversation, project, trainee, member, client_for
):
    """On the team and the trainee's supervisor: a leader sees what leaders see."""
    trainee.supervisor = member
    trainee.save()
    assert SAID in timeline(client_for(member), project)
