"""Who may see and act on improvement projects: the one place that answers it.

The trainee edits their own project until it is reviewed; the managers of the trainee's
department (and its alternate) read it; analysts read every project, may change a measure's
definition (with a recorded reason) and mark projects reviewed. The project's team reads it, and
members the lead allows log measurements and progress; the trainee's leaders (their supervisor
and the project's sponsor) read it, and the sponsor agrees the goal. Everyone else sees nothing
(404).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from applications.models import Application
from leanleaders.models import User
from leanleaders.querysets import in_subquery
from leanleaders.roles import (
    direct_reports,
    is_analyst,
    is_signed_in,
    managed_people_q,
    may_apply,
)
from projects.models import Project, ProjectMember

Actor = User | AnonymousUser


def sees_every_project(user: Actor) -> bool:
    """Analysts. Reads of what belongs to the visible projects need no filter for them: a
    filter on every project still costs the database a join."""
    return is_analyst(user)


def memberships_of(user: User) -> QuerySet[ProjectMember]:
    """The user's places on project teams: as the account, or as the address an invitation
    went to before the account existed."""
    return ProjectMember.objects.filter(
        Q(user_id=user.pk) | Q(user__isnull=True, email=user.email.lower())
    )


def _beyond_the_team(user: User) -> Q:
    """Projects the user sees other than as a team member: their own, those of the people they
    manage (one person may be both), those they sponsor and those whose trainee they
    supervise."""
    return (
        Q(trainee=user)
        | managed_people_q(user, person="trainee", department="department_id")
        | Q(sponsor_id=user.pk)
        | in_subquery("trainee", direct_reports(user))
    )


def visible_projects(user: Actor) -> QuerySet[Project]:
    if sees_every_project(user):
        return Project.objects.all()
    if not may_apply(user):
        return Project.objects.none()
    # The team's projects as a value worked out first (not EXISTS on every project), so that
    # each arm of the OR is read from an index.
    return Project.objects.filter(
        _beyond_the_team(user) | in_subquery("pk", memberships_of(user).values("project_id"))
    )


def projects_seen_beyond_the_team(user: Actor) -> QuerySet[Project]:
    """The visible projects the user sees as more than a team member. On the others they see
    only what the lead shares with the team (chosen conversations, the application's answers
    when shared)."""
    if sees_every_project(user):
        return Project.objects.all()
    if not may_apply(user):
        return Project.objects.none()
    return Project.objects.filter(_beyond_the_team(user))


def sees_as_team_member_only(user: Actor, project: Project) -> bool:
    """Whether the user sees this (visible) project only as a member of its team."""
    if sees_every_project(user) or is_owner(user, project) or is_leader(user, project):
        return False  # answered without a query for the readers of most pages
    return not projects_seen_beyond_the_team(user).filter(pk=project.pk).exists()


def can_share_application(user: Actor, project: Project) -> bool:
    """Share the application's answers with the team (or stop): the lead."""
    return is_owner(user, project)


def sees_shared_application(user: Actor, project: Project) -> bool:
    """The project's team (members and the sponsor) reads the lead's application answers on
    the team page when the lead shares them."""
    if not project.application_shared_with_team or not is_signed_in(user):
        return False
    return is_sponsor(user, project) or membership(user, project) is not None


def is_sponsor(user: Actor, project: Project) -> bool:
    return is_signed_in(user) and project.sponsor_id == user.pk


def is_supervisor(user: Actor, project: Project) -> bool:
    """The trainee's supervisor (from the org data)."""
    return is_signed_in(user) and project.trainee.supervisor_id == user.pk


def is_leader(user: Actor, project: Project) -> bool:
    """A leader of the project's trainee: their supervisor or the project's sponsor. Never the
    trainee themself."""
    return project.trainee_id != user.pk and (
        is_sponsor(user, project) or is_supervisor(user, project)
    )


def membership(user: Actor, project: Project) -> ProjectMember | None:
    if not is_signed_in(user):
        return None
    return memberships_of(user).filter(project=project).first()


def can_manage_team(user: Actor, project: Project) -> bool:
    """Choose the team and the sponsor: the lead or an analyst, until the project is reviewed."""
    if project.is_reviewed:
        return False
    return is_owner(user, project) or (is_analyst(user) and project.trainee_id != user.pk)


def can_agree_goal(user: Actor, project: Project) -> bool:
    """The sponsor agrees the goal and the target, until the project is reviewed."""
    return is_sponsor(user, project) and project.trainee_id != user.pk and not project.is_reviewed


def is_membership_of(user: User, member: ProjectMember) -> bool:
    """Whether the loaded row `member` is `user`'s place on its team (as `memberships_of`)."""
    return member.user_id == user.pk or (
        member.user_id is None and member.email == user.email.lower()
    )


def can_log(user: Actor, project: Project, members: Iterable[ProjectMember] | None = None) -> bool:
    """Log measurements and progress: the lead, and team members the lead allows, until the
    project is reviewed. `members` is the project's team when the caller has it loaded."""
    if can_edit(user, project):
        return True
    if project.is_reviewed or not is_signed_in(user):
        return False
    return _member_may_log(user, project, members)


def _member_may_log(user: User, project: Project, members: Iterable[ProjectMember] | None) -> bool:
    """Whether `user` is on the team and the lead lets them log."""
    if members is None:
        member = membership(user, project)
    else:
        member = next((m for m in members if is_membership_of(user, m)), None)
    return member is not None and member.may_log


def can_log_follow_up(
    user: Actor, project: Project, members: Iterable[ProjectMember] | None = None
) -> bool:
    """Log a follow-up after Day 3: the lead, and team members the lead allows to log, once the
    project is reviewed (logging measurements has closed by then)."""
    if not project.is_reviewed or not is_signed_in(user):
        return False
    return is_owner(user, project) or _member_may_log(user, project, members)


def is_owner(user: Actor, project: Project) -> bool:
    return may_apply(user) and project.trainee_id == user.pk


def can_start(user: Actor, application: Application) -> bool:
    """The accepted trainee, or an analyst on their behalf."""
    if application.status != Application.Status.ACCEPTED:
        return False
    return (may_apply(user) and application.trainee_id == user.pk) or is_analyst(user)


def can_edit(user: Actor, project: Project) -> bool:
    """Log measurements and progress, write the narrative: the trainee, until it is reviewed."""
    return is_owner(user, project) and not project.is_reviewed


def can_edit_measure_definition(user: Actor, project: Project) -> bool:
    """The trainee before review; an analyst at any time (giving a reason)."""
    return can_edit(user, project) or (is_analyst(user) and project.trainee_id != user.pk)


def measure_change_needs_reason(user: Actor) -> bool:
    return is_analyst(user)


def can_review(user: Actor, project: Project) -> bool:
    return is_analyst(user) and project.trainee_id != user.pk and not project.is_reviewed


def can_reopen(user: Actor, project: Project) -> bool:
    return is_analyst(user) and project.is_reviewed


def _ensure(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def ensure_can_start(user: Actor, application: Application) -> None:
    _ensure(
        (may_apply(user) and application.trainee_id == user.pk) or is_analyst(user),
    )


def ensure_can_edit(user: Actor, project: Project) -> None:
    _ensure(can_edit(user, project))


def ensure_can_edit_measure_definition(user: Actor, project: Project) -> None:
    _ensure(can_edit_measure_definition(user, project))


def ensure_is_analyst(user: Actor) -> None:
    _ensure(is_analyst(user))


def ensure_can_log(user: Actor, project: Project) -> None:
    _ensure(can_log(user, project))


def ensure_can_log_follow_up(user: Actor, project: Project) -> None:
    _ensure(can_log_follow_up(user, project))


def ensure_can_manage_team(user: Actor, project: Project) -> None:
    _ensure(can_manage_team(user, project))


def ensure_can_agree_goal(user: Actor, project: Project) -> None:
    _ensure(can_agree_goal(user, project))


def ensure_can_share_application(user: Actor, project: Project) -> None:
    _ensure(can_share_application(user, project))
