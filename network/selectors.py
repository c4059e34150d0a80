"""Reads of the Lean Leader network, each in a fixed number of queries.

A Lean Leader is whoever the program's rule says (projects/completion.py), read in SQL: a
completed project is a reviewed project whose seat had every day attended, and the directory
lists each person once, with their completed projects. Hidden people and deactivated accounts
never come out of `leader_projects`, and every list starts there. The entries read stored
columns only (the project's verdict, gain, sustainment and Lean tools; the profile's
story), never a trainee's log, application or coaching records.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from coaching.selectors import TimelineItem
from leanleaders.models import Department, User
from network.models import LeanLeaderProfile, PeerRequest
from projects.completion import completed_enrollments
from projects.models import LeanTool, Project

SUGGESTIONS = 5
# What a suggestion shows (`Suggestion`'s fields, in order), then what ranks it.
SUGGESTION_FIELDS = (
    "trainee_id",
    "trainee__full_name",
    "trainee__department__name",
    "trainee__lean_leader_profile__offers_peer_coaching",
    "title",
    "tools_used",
)
# The order a Lean Leader's projects are listed in: in the directory and on their page.
LATEST_FIRST = ("-created_at", "-pk")


def completed_projects() -> QuerySet[Project]:
    """Every project that made its trainee a Lean Leader. The `cohort_name` of the seat that
    completed it is an alias: the lists that show it read it (`_with_cohort_name`); the others
    (whether someone is one, the suggestions) write and run its subquery once, as the filter,
    not a second time as a column."""
    cohort = completed_enrollments().filter(application=OuterRef("application")).order_by("-pk")
    # The rule already needs the project reviewed; saying so on the project itself lets
    # PostgreSQL skip the per-row seat lookup for every project still in progress.
    return (
        Project.objects.filter(status=Project.Status.REVIEWED)
        .alias(cohort_name=Subquery(cohort.values("cohort__name")[:1]))
        .filter(cohort_name__isnull=False)
    )


def _with_cohort_name(projects: QuerySet[Project]) -> QuerySet[Project]:
    return projects.annotate(cohort_name=F("cohort_name"))


def leader_projects() -> QuerySet[Project]:
    """The completed projects of the Lean Leaders the directory lists (not hidden, account
    active), with the person, their department and profile joined in."""
    return (
        completed_projects()
        .filter(trainee__is_active=True)
        .exclude(trainee__lean_leader_profile__hidden=True)
        .select_related("trainee__department", "trainee__lean_leader_profile")
    )


@dataclass(frozen=True)
class DirectoryFilters:
    tool: str | None = None
    department_id: int | None = None
    words: str = ""
    peer_coaches: bool = False

    @property
    def any(self) -> bool:
        return bool(self.tool or self.department_id or self.words or self.peer_coaches)


def directory(*, filters: DirectoryFilters) -> QuerySet[User]:
    """The Lean Leaders the directory lists, once each, by name: those with a completed project
    that matches the tool, the department and every word (a word in the person's name, the
    project's title or their story). A page of them is read with `directory_entries`."""
    rows = leader_projects()
    if filters.tool:
        rows = rows.filter(tools_used__has_key=filters.tool)
    if filters.department_id:
        rows = rows.filter(trainee__department_id=filters.department_id)
    if filters.peer_coaches:
        rows = rows.filter(trainee__lean_leader_profile__offers_peer_coaching=True)
    for word in filters.words.split()[:8]:
        rows = rows.filter(
            Q(trainee__full_name__icontains=word)
            | Q(title__icontains=word)
            | Q(trainee__lean_leader_profile__story__icontains=word)
        )
    return User.objects.filter(pk__in=rows.values("trainee_id")).order_by("full_name", "pk")


@dataclass(frozen=True)
class DirectoryEntry:
    """One Lean Leader in the directory, with every completed project of theirs, latest first."""

    person: User
    projects: list[Project]


def directory_entries(*, people: QuerySet[User]) -> list[DirectoryEntry]:
    """A page of `directory`'s people (a slice of it) as their entries, in its order: one query,
    the page's people its subquery, each project with the person, their department and profile."""
    projects = _with_cohort_name(leader_projects().filter(trainee__in=people.values("pk")))
    entries: list[DirectoryEntry] = []
    for project in projects.order_by("trainee__full_name", "trainee_id", *LATEST_FIRST):
        if not entries or entries[-1].person.pk != project.trainee_id:
            entries.append(DirectoryEntry(person=project.trainee, projects=[]))
        entries[-1].projects.append(project)
    return entries


def department_choices() -> list[tuple[int, str]]:
    """Departments that have a listed Lean Leader, for the directory's filter."""
    ids = leader_projects().values("trainee__department_id")
    return list(Department.objects.filter(pk__in=ids).order_by("name").values_list("pk", "name"))


def tool_choices() -> list[tuple[str, str]]:
    return [(tool.value, str(tool.label)) for tool in LeanTool]


def leader_get(*, user_id: int) -> tuple[User, list[Project]]:
    """A listed Lean Leader and their completed projects (raises User.DoesNotExist when the
    person is not one, or hides)."""
    projects = list(
        _with_cohort_name(leader_projects().filter(trainee_id=user_id)).order_by(*LATEST_FIRST)
    )
    if not projects:
        raise User.DoesNotExist
    return projects[0].trainee, projects


def is_lean_leader(user: User) -> bool:
    """Whether the person completed the program, listed or hidden."""
    return completed_projects().filter(trainee=user).exists()


@dataclass(frozen=True)
class Suggestion:
    """A Lean Leader the project page suggests: what its card shows of them."""

    trainee_id: int
    name: str
    department: str
    offers_peer_coaching: bool
    title: str  # of their project that used the tools


def suggestions(*, project: Project, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """Lean Leaders who used a tool this project's log names, those sharing most first (in
    one query, none when the log names no tool)."""
    tools = set(project.tools_used)
    if not tools:
        return []
    # Fifty candidates are ranked to show five: read as plain values, only what ranks and
    # shows them (building fifty projects with their people was most of the card's time).
    rows = list(
        leader_projects()
        .filter(tools_used__has_any_keys=list(tools))
        .exclude(trainee_id=project.trainee_id)
        .order_by("-pk")
        .values_list(*SUGGESTION_FIELDS)[:50]
    )
    rows.sort(key=lambda row: -len(tools.intersection(row[-1])))  # stable: latest first
    return [
        Suggestion(trainee_id, name, department or "", bool(peer_coach), title)
        for trainee_id, name, department, peer_coach, title, _tools in rows[:limit]
    ]


def profile_of(user: User) -> LeanLeaderProfile | None:
    return LeanLeaderProfile.objects.filter(user=user).first()


def active_project(user: User) -> Project | None:
    """The project a trainee asks peers about: their latest one in progress."""
    return (
        Project.objects.filter(trainee=user, status=Project.Status.ACTIVE)
        .order_by("-created_at", "-pk")
        .first()
    )


def peer_requests(*, user: User) -> tuple[QuerySet[PeerRequest], QuerySet[PeerRequest]]:
    """(received, sent): the person's peer conversations, newest first, each to be paged."""
    rows = PeerRequest.objects.select_related("peer", "trainee", "project").order_by(
        "-created_at", "-pk"
    )
    return rows.filter(peer=user), rows.filter(trainee=user)


def visible_peer_requests(user: User) -> QuerySet[PeerRequest]:
    return PeerRequest.objects.filter(Q(peer=user) | Q(trainee=user)).select_related(
        "peer__department", "trainee__department", "project"
    )


def peer_timeline_items(project: Project) -> list[TimelineItem]:
    """The help peers gave this project, for its timeline: only what the trainee chose to
    share (registered into leanleaders.registry.project_timeline_sources)."""
    shared = (
        PeerRequest.objects.filter(project=project, shared_on_timeline=True)
        .exclude(help_note="")
        .select_related("peer")
    )
    return [
        TimelineItem(
            "peer",
            r.help_date or timezone.localdate(r.created_at),
            r.help_recorded_at or r.created_at,
            r,
            template="network/_timeline_peer.html",
        )
        for r in shared
    ]
