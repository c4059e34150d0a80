"""Who may see and act on coaching: it follows the project.

Whoever sees a project sees its coaching conversations, next steps and requests. Analysts log
and edit conversations and assign coaches; the private notes, and the notes on coaching
the leaders, are for analysts only. A next step
is checked off by its owner or an analyst; the project's trainee adds reflections and asks for
coaching.
"""

from __future__ import annotations

from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from coaching.models import (
    CoachingRequest,
    Conversation,
    LeaderCadence,
    LeaderCoachingNote,
    NextStep,
)
from leanleaders.models import User
from leanleaders.roles import is_analyst, is_signed_in
from projects.models import Project
from projects.policies import (
    is_leader,
    is_owner,
    projects_seen_beyond_the_team,
    sees_every_project,
    visible_projects,
)

Actor = User | AnonymousUser
_Row = TypeVar("_Row", Conversation, NextStep, CoachingRequest)


def _of_visible_projects(rows: QuerySet[_Row], user: Actor, *, shared: str = "") -> QuerySet[_Row]:
    """The rows of the projects the user sees as more than a team member, and (with `shared`,
    the lookup of the lead's "visible to my team" choice) those the lead shared with the team
    on the projects the user works on."""
    if sees_every_project(user):
        return rows
    beyond = Q(project__in=projects_seen_beyond_the_team(user))
    if not shared:
        return rows.filter(beyond)
    return rows.filter(beyond | Q(**{shared: True}, project__in=visible_projects(user)))


def visible_conversations(user: Actor) -> QuerySet[Conversation]:
    return _of_visible_projects(Conversation.objects.all(), user, shared="team_visible")


def visible_next_steps(user: Actor) -> QuerySet[NextStep]:
    return _of_visible_projects(NextStep.objects.all(), user, shared="conversation__team_visible")


def visible_requests(user: Actor) -> QuerySet[CoachingRequest]:
    """The lead's own requests for coaching: not for the team."""
    return _of_visible_projects(CoachingRequest.objects.all(), user)


def can_share_with_team(user: Actor, conversation: Conversation) -> bool:
    """Show a conversation to the project's team members, or hide it: the project's lead."""
    return is_owner(user, conversation.project)


def can_see_private_notes(user: Actor) -> bool:
    return is_analyst(user)


def can_coach(user: Actor) -> bool:
    """Assign coaches and see the coaching overview: analysts."""
    return is_analyst(user)


def can_log(user: Actor, project: Project) -> bool:
    """Log or edit a conversation: any analyst, except on their own project."""
    return is_analyst(user) and project.trainee_id != user.pk


def can_log_touchpoint(user: Actor, project: Project) -> bool:
    """Record a gemba walk, huddle or problem-solving coaching: a leader of the trainee (their
    supervisor or the project's sponsor), while the project is in progress."""
    return is_leader(user, project) and not project.is_reviewed


def can_set_cadence(user: Actor, project: Project) -> bool:
    return can_log_touchpoint(user, project)


def leader_cadences(user: Actor) -> QuerySet[LeaderCadence]:
    """The cadences the user keeps as a leader."""
    if not is_signed_in(user):
        return LeaderCadence.objects.none()
    return LeaderCadence.objects.filter(leader_id=user.pk)


def visible_leader_notes(user: Actor) -> QuerySet[LeaderCoachingNote]:
    """The analysts' notes on coaching the leaders: for analysts only."""
    if not is_analyst(user):
        return LeaderCoachingNote.objects.none()
    return LeaderCoachingNote.objects.all()


def can_change_leader_note(user: Actor, note: LeaderCoachingNote) -> bool:
    """Edit or delete a note on a leader: any analyst, not only its author. The notes are the
    analyst team's shared record on coaching that leader (one analyst picks up where another
    left off), and every change is audited with the text before and after."""
    return is_analyst(user)


def can_complete_step(user: Actor, step: NextStep) -> bool:
    if not is_signed_in(user):
        return False
    return step.owner_id == user.pk or is_analyst(user)


def can_reflect(user: Actor, conversation: Conversation) -> bool:
    return is_owner(user, conversation.project)


def can_request(user: Actor, project: Project) -> bool:
    return is_owner(user, project)


def _ensure(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def ensure_can_coach(user: Actor) -> None:
    _ensure(can_coach(user))


def ensure_can_log(user: Actor, project: Project) -> None:
    _ensure(can_log(user, project))


def ensure_can_complete_step(user: Actor, step: NextStep) -> None:
    _ensure(can_complete_step(user, step))


def ensure_can_reflect(user: Actor, conversation: Conversation) -> None:
    _ensure(can_reflect(user, conversation))


def ensure_can_request(user: Actor, project: Project) -> None:
    _ensure(can_request(user, project))


def ensure_can_log_touchpoint(user: Actor, project: Project) -> None:
    _ensure(can_log_touchpoint(user, project))


def ensure_can_set_cadence(user: Actor, project: Project) -> None:
    _ensure(can_set_cadence(user, project))


def ensure_can_share_with_team(user: Actor, conversation: Conversation) -> None:
    _ensure(can_share_with_team(user, conversation))


def ensure_can_change_leader_note(user: Actor, note: LeaderCoachingNote) -> None:
    _ensure(can_change_leader_note(user, note))
