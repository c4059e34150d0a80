import pytest

from coaching import policies
from tests.coaching.factories import log_conversation, step

pytestmark = pytest.mark.django_db

ROLES = [
    "trainee",
    "colleague",
    "other_trainee",
    "manager",
    "alternate_manager",
    "other_dept_manager",
    "analyst",
]
SEES = {"trainee", "manager", "alternate_manager", "analyst"}


@pytest.fixture
def conversation(project, analyst):
    return log_conversation(project, analyst, steps=[step("a"), step("b", "manager")])


@pytest.mark.parametrize("role", ROLES)
def test_visibility_follows_the_project(request, conversation, role):
    user = request.getfixturevalue(role)
    sees = role in SEES
    assert policies.visible_conversations(user).filter(pk=conversation.pk).exists() == sees
    assert policies.visible_next_steps(user).filter(conversation=conversation).exists() == sees


@pytest.mark.parametrize("role", ROLES)
def test_private_notes_and_logging_are_for_analysts(request, conversation, role):
    user = request.getfixturevalue(role)
    assert policies.can_see_private_notes(user) == (role == "analyst")
    assert policies.can_log(user, conversation.project) == (role == "analyst")
    assert policies.can_coach(user) == (role == "analyst")


@pytest.mark.parametrize("role", ROLES)
def test_reflection_and_request_are_the_trainees(request, conversation, role):
    user = request.getfixturevalue(role)
    assert policies.can_reflect(user, conversation) == (role == "trainee")
    assert policies.can_request(user, conversation.project) == (role == "trainee")


@pytest.mark.parametrize("role", ROLES)
def test_steps_are_checked_off_by_their_owner_or_an_analyst(request, conversation, role):
    user = request.getfixturevalue(role)
    trainee_step, manager_step = conversation.next_steps.order_by("pk")
    assert policies.can_complete_step(user, trainee_step) == (role in {"trainee", "analyst"})
    assert policies.can_complete_step(user, manager_step) == (role in {"manager", "analyst"})


def test_anonymous_gets_nothing(conversation):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not policies.visible_conversations(anonymous).exists()
    assert not policies.can_complete_step(anonymous, conversation.next_steps.first())


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_notes_on_leaders_are_seen_and_changed_by_any_analyst_only(request, manager, role):
    """Any analyst, not only the note's author: the notes are the analyst team's."""
    from django.contrib.auth.models import AnonymousUser

    from coaching.services import leader_note_add
    from tests.factories import AnalystFactory

    user = AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)
    note = leader_note_add(leader_id=manager.pk, by=AnalystFactory(), body="Ask, don't tell")
    is_analyst = role == "analyst"
    assert policies.visible_leader_notes(user).filter(pk=note.pk).exists() == is_analyst
    assert policies.can_change_leader_note(user, note) == is_analyst
