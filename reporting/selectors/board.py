"""Reads for the cohort review board and its exports.

The board and its exports read a fixed number of small queries whatever the cohort's size,
mostly as plain values into the light records below: building model instances, and reading every
measurement of every project, was most of the board's time. Results are the ones stored on each
primary measure (`projects.services.measure_result_store`), the same as the project pages show.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from django.conf import settings
from django.db.models import Count, FilteredRelation, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from applications.models import MeasureDirection
from coaching.models import Conversation, NextStep
from coaching.selectors import cadence_adherence, open_step_counts
from cohorts.models import Attendance, Cohort
from leanleaders.http import id_param
from leanleaders.models import User
from projects import completion, results
from projects.models import LeanTool, Measure, ProgressEntry, Project
from projects.policies import visible_projects
from projects.results import Verdict
from projects.selectors import project_day3
from reporting import policies

if TYPE_CHECKING:  # a development dependency: annotations only
    from django_stubs_ext import StrOrPromise

TOOL_LABELS = dict(LeanTool.choices)


class BoardTrainee(NamedTuple):
    full_name: str
    email: str
    job_title: str

    def get_short_name(self) -> str:
        """As `User.get_short_name`: the first name, else the email."""
        return self.full_name.split(" ")[0] if self.full_name else self.email


class BoardDepartment(NamedTuple):
    pk: int
    name: str
    code: str


class BoardProject(NamedTuple):
    pk: int
    title: str
    status: str
    review_comment: str
    reviewed_by_name: str
    # Stored on the project by the coaching stage's touchpoint service and the sponsor's
    # agreement: read here as columns.
    leader_touchpoints: int = 0
    last_leader_touchpoint_on: dt.date | None = None
    goal_agreed_at: dt.datetime | None = None
    sustainment: str = ""  # stored by the follow-up services
    # The trainee's leaders, whom analysts open to coach them.
    sponsor_id: int | None = None
    sponsor_name: str = ""
    supervisor_id: int | None = None
    supervisor_name: str = ""

    @property
    def leaders(self) -> list[tuple[int, str]]:
        """(id, name) of the sponsor and the supervisor, once each."""
        found = [(self.sponsor_id, self.sponsor_name), (self.supervisor_id, self.supervisor_name)]
        return list({pk: name for pk, name in found if pk is not None}.items())

    @property
    def is_reviewed(self) -> bool:
        return self.status == Project.Status.REVIEWED


class BoardMeasure(NamedTuple):
    """The project's primary measure, with its result and its latest values (the run chart)."""

    name: str
    unit: str
    direction: str
    result: results.Result
    latest: list[Decimal]  # at most Measure.RECENT_VALUES, oldest first
    last_measured: dt.date | None

    @property
    def direction_label(self) -> str:
        return str(MeasureDirection(self.direction).label)


@dataclass
class BoardRow:
    enrollment_id: int
    trainee: BoardTrainee
    department: BoardDepartment
    marks: dict[int, str]
    today: dt.date
    project: BoardProject | None = None
    measure: BoardMeasure | None = None
    tools: dict[str, int] = field(default_factory=dict)
    tool_labels: list[str] = field(default_factory=list)  # the tools' names, in the list's order
    coaching_count: int = 0
    last_coached: dt.date | None = None
    open_steps: int = 0
    overdue_steps: int = 0
    last_progress: dt.date | None = None
    private_note: str = ""
    # Leaders' cadences on the project: touchpoints made since each began, and due by today.
    leader_made: int = 0
    leader_due: int = 0

    @property
    def leader_touchpoints(self) -> int:
        return self.project.leader_touchpoints if self.project else 0

    @property
    def days_since_leader(self) -> int | None:
        last = self.project.last_leader_touchpoint_on if self.project else None
        return None if last is None else (self.today - last).days

    @property
    def adherence_percent(self) -> int | None:
        """Touchpoints made ÷ due under the agreed cadences, capped at 100; None when no
        touchpoint is due yet (or there is no cadence)."""
        if not self.leader_due:
            return None
        return min(100, round(100 * self.leader_made / self.leader_due))

    @property
    def goal_agreed(self) -> bool:
        return bool(self.project and self.project.goal_agreed_at)

    @property
    def result(self) -> results.Result | None:
        return self.measure.result if self.measure else None

    @property
    def verdict(self) -> str:
        return self.measure.result.verdict if self.measure else Verdict.NOT_ENOUGH_DATA

    @property
    def gain_percent(self) -> Decimal | None:
        return self.measure.result.gain_percent if self.measure else None

    @property
    def sparkline(self) -> list[Decimal]:
        return self.measure.latest if self.measure else []

    @property
    def last_measured(self) -> dt.date | None:
        return self.measure.last_measured if self.measure else None

    @property
    def last_activity(self) -> dt.date | None:
        dates = [d for d in (self.last_progress, self.last_measured, self.last_coached) if d]
        return max(dates) if dates else None

    @property
    def is_reviewed(self) -> bool:
        return self.project is not None and self.project.is_reviewed

    @property
    def attendance(self) -> list[tuple[int, str | None]]:
        return [(day, self.marks.get(day)) for day in completion.DAYS]

    @property
    def days_attended(self) -> int:
        return completion.days_attended(self.marks)

    @property
    def is_lean_leader(self) -> bool:
        return completion.is_lean_leader(self.marks, self.is_reviewed)

    # What the row says in words, each one gettext or ngettext (the same strings as the
    # {% blocktranslate %} they replace, each of which cost several times as much): five a row.
    @property
    def coaching_text(self) -> str:
        count = self.coaching_count
        return ngettext("%(counter)s conversation", "%(counter)s conversations", count) % {
            "counter": count
        }

    @property
    def overdue_text(self) -> str:
        return gettext("%(count)s overdue") % {"count": self.overdue_steps}

    @property
    def open_steps_text(self) -> str:
        count = self.open_steps
        return ngettext("%(counter)s open step", "%(counter)s open steps", count) % {
            "counter": count
        }

    @property
    def touchpoints_text(self) -> str:
        count = self.leader_touchpoints
        return ngettext("%(counter)s touchpoint", "%(counter)s touchpoints", count) % {
            "counter": count
        }

    @property
    def days_since_leader_text(self) -> str:
        days = self.days_since_leader
        if days is None:
            return ""
        return ngettext("last %(days)s day ago", "last %(days)s days ago", days) % {"days": days}

    @property
    def adherence_text(self) -> str:
        percent = self.adherence_percent
        if percent is None:
            return ""
        return gettext("Adherence %(percent)s%% (%(made)s of %(due)s due)") % {
            "percent": percent,
            "made": self.leader_made,
            "due": self.leader_due,
        }

    @property
    def not_coached(self) -> bool:
        days = settings.LEANLEADERS_NOT_COACHED_DAYS
        return self.last_coached is None or (self.today - self.last_coached).days > days

    @cached_property
    def attention(self) -> list[StrOrPromise]:
        """Why this row needs an analyst's attention, in words; empty when it does not.
        (Computed once: the counts, the filter and the row all ask.)"""
        if self.is_reviewed:
            return []
        reasons: list[StrOrPromise] = []
        if self.project is None:
            reasons.append(_("No project yet"))
        elif self.verdict == Verdict.WORSE:
            reasons.append(_("Result is worse"))
        elif self.verdict == Verdict.NOT_ENOUGH_DATA:
            reasons.append(_("Not enough data"))
        if self.overdue_steps:
            reasons.append(_("Overdue next steps"))
        if any(mark in Attendance.MISSED for mark in self.marks.values()):
            reasons.append(_("Missed a day"))
        if self.project is not None and self.not_coached:
            reasons.append(_("Not coached recently"))
        return reasons


# The primary measure's columns the board reads, joined to its project: its stored result.
_MEASURE_COLUMNS = ("name", "unit", "direction", *Measure.RESULT_FIELDS)


class _ProjectRead(NamedTuple):
    project: BoardProject
    measure: BoardMeasure | None
    tools: dict[str, int]
    last_progress: dt.date | None
    last_coached: dt.date | None  # stored by the coaching stage's conversation services


def _board_measure(values: Sequence[Any]) -> BoardMeasure:
    # A Measure of the joined columns only (as a queryset's .only() makes one): its result.
    measure = Measure.from_db(None, _MEASURE_COLUMNS, values)
    return BoardMeasure(
        measure.name,
        measure.unit,
        measure.direction,
        measure.result,
        measure.recent_values,
        measure.result_last_measured,
    )


def _board_projects(user: User, application_ids: list[int]) -> dict[int, _ProjectRead]:
    """{application id: its project} for the visible projects of these applications, in one
    query: with the primary measure and its stored result joined in, the Lean tools its
    progress log names as stored on the project (`Project.tools_used`) and the date of the
    latest entry. The board reads no measurements and no progress log."""
    latest_entry = ProgressEntry.objects.filter(project=OuterRef("pk")).order_by("-date")
    found = {}
    for (
        application_id,
        pk,
        title,
        status,
        review_comment,
        reviewed_by,
        touchpoints,
        last_touch,
        agreed,
        sustainment,
        sponsor_id,
        sponsor_name,
        supervisor_id,
        supervisor_name,
        tools,
        last_progress,
        last_coached,
        measure_id,
        *measure,
    ) in (
        visible_projects(user)
        .filter(application_id__in=application_ids)
        .annotate(
            primary_measure=FilteredRelation("measures", condition=Q(measures__is_primary=True)),
            last_progress=Subquery(latest_entry.values("date")[:1]),
        )
        .order_by()
        .values_list(
            "application_id",
            "pk",
            "title",
            "status",
            "review_comment",
            "reviewed_by__full_name",
            "leader_touchpoints",
            "last_leader_touchpoint_on",
            "sponsor_agreed_goal_at",
            "sustainment",
            "sponsor_id",
            "sponsor__full_name",
            "trainee__supervisor_id",
            "trainee__supervisor__full_name",
            "tools_used",
            "last_progress",
            "last_coached_on",
            "primary_measure__id",
            *(f"primary_measure__{column}" for column in _MEASURE_COLUMNS),
        )
    ):
        project = BoardProject(
            pk,
            title,
            status,
            review_comment,
            reviewed_by or "",
            touchpoints,
            last_touch,
            agreed,
            sustainment,
            sponsor_id,
            sponsor_name or "",
            supervisor_id,
            supervisor_name or "",
        )
        primary = _board_measure(measure) if measure_id is not None else None
        found[application_id] = _ProjectRead(project, primary, tools, last_progress, last_coached)
    return found


def _coaching(project_ids: list[int], *, with_notes: bool) -> tuple[dict[int, int], dict[int, str]]:
    """Each project's number of coaching conversations, and (only when asked: other readers
    never load the notes' table) the latest private note that says something. The latest
    conversation's date is stored on the project (`Project.last_coached_on`)."""
    fields = ["project_id", "date", "pk"]
    if with_notes:
        fields.append("private_note__text")
    coaching: dict[int, int] = {}
    notes: dict[int, str] = {}
    noted: dict[int, tuple[dt.date, int]] = {}
    for project_id, date, pk, *note in (
        Conversation.objects.filter(
            project_id__in=project_ids, routine=Conversation.Routine.COACHING
        )
        .order_by()
        .values_list(*fields)
    ):
        coaching[project_id] = coaching.get(project_id, 0) + 1
        if note and note[0] and (date, pk) > noted.get(project_id, (date.min, 0)):
            noted[project_id] = (date, pk)
            notes[project_id] = note[0]
    return coaching, notes


def board_rows(*, user: User, cohort: Cohort) -> list[BoardRow]:
    """One row per enrolled trainee of the cohort that this reader may see, by name."""
    today = timezone.localdate()
    # With each of the (at most three) attendance marks joined in: one row per mark, or one
    # row with no mark, instead of a second query.
    people: dict[int, tuple[Any, ...]] = {}
    marks: dict[int, dict[int, str]] = defaultdict(dict)
    for pk, *person, day, mark in (
        policies.board_enrollments(user)
        .filter(cohort=cohort)
        .order_by("trainee__full_name", "pk")
        .values_list(
            "pk",
            "application_id",
            "trainee__full_name",
            "trainee__email",
            "trainee__job_title",
            "application__department_id",
            "application__department__name",
            "application__department__code",
            "attendance__day",
            "attendance__mark",
        )
    ):
        people[pk] = tuple(person)
        if day is not None:
            marks[pk][day] = mark
    if not people:
        return []
    projects = _board_projects(user, [person[0] for person in people.values()])
    project_ids = [read.project.pk for read in projects.values()]

    coaching, notes = _coaching(project_ids, with_notes=policies.can_see_private_notes(user))
    steps = open_step_counts(project_ids, today=today)
    adherence = cadence_adherence(project_ids, today=today)

    tool_names = [(code, str(label)) for code, label in TOOL_LABELS.items()]  # translated once
    rows = []
    for enrollment_id, (application_id, name, email, job_title, *department) in people.items():
        row = BoardRow(
            enrollment_id=enrollment_id,
            trainee=BoardTrainee(name, email, job_title),
            department=BoardDepartment(*department),
            marks=marks.get(enrollment_id, {}),
            today=today,
        )
        if application_id in projects:
            read = projects[application_id]
            row.project, row.measure, row.tools = read.project, read.measure, read.tools
            row.last_progress, row.last_coached = read.last_progress, read.last_coached
            row.tool_labels = [label for code, label in tool_names if code in row.tools]
            pk = row.project.pk
            row.coaching_count = coaching.get(pk, 0)
            row.open_steps, row.overdue_steps = steps.get(pk, (0, 0))
            row.private_note = notes.get(pk, "")
            row.leader_made, row.leader_due = adherence.get(pk, (0, 0))
        rows.append(row)
    return rows


class BoardReview(NamedTuple):
    """A project as the board's review form shows it: read only when an analyst opens it."""

    project: Project  # with its trainee
    result: results.Result | None  # the primary measure's stored result
    day3: dt.date | None

    @property
    def trainee(self) -> User:
        return self.project.trainee

    @property
    def verdict(self) -> str:
        return self.project.verdict


def board_review_get(*, user: User, project_id: int) -> BoardReview:
    """The project to review, among those this reader sees (else `Project.DoesNotExist`)."""
    project = visible_projects(user).select_related("trainee").get(pk=project_id)
    measure = (
        Measure.objects.filter(project=project, is_primary=True)
        .only("project_id", *Measure.RESULT_FIELDS)
        .first()
    )
    return BoardReview(project, measure.result if measure else None, project_day3(project))


VERDICT_ORDER = {
    Verdict.IMPROVED: 0,
    Verdict.NO_CHANGE: 1,
    Verdict.WORSE: 2,
    Verdict.NOT_ENOUGH_DATA: 3,
}
# Each sort key gives None where a row has no value; those rows go last either way.
SORTS: dict[str, tuple[str | StrOrPromise, Any]] = {
    "name": (_("Trainee"), lambda r: r.trainee.full_name.lower()),
    "department": (_("Department"), lambda r: (r.department.code, r.trainee.full_name.lower())),
    "project": (_("Project"), lambda r: r.project.title.lower() if r.project else None),
    "change": (_("Result"), lambda r: r.gain_percent),
    "verdict": (_("Verdict"), lambda r: VERDICT_ORDER[Verdict(r.verdict)]),
    "activity": (_("Last activity"), lambda r: r.last_activity),
    "coaching": (_("Coaching"), lambda r: r.coaching_count),
    "leaders": (_("Leaders"), lambda r: r.adherence_percent),
    "steps": (_("Next steps"), lambda r: (r.overdue_steps, r.open_steps)),
    "attendance": (_("Attendance"), lambda r: r.days_attended),
    "review": (_("Review"), lambda r: (r.is_reviewed, r.is_lean_leader)),
}
SORT_OPTIONS = [
    ("name", _("Trainee (A to Z)")),
    ("department", _("Department")),
    ("project", _("Project title")),
    ("-change", _("Change (best first)")),
    ("change", _("Change (worst first)")),
    ("verdict", _("Result (improved first)")),
    ("-activity", _("Last activity (most recent first)")),
    ("activity", _("Last activity (longest ago first)")),
    ("coaching", _("Coaching (least first)")),
    ("leaders", _("Leader adherence (lowest first)")),
    ("-steps", _("Overdue next steps (most first)")),
    ("attendance", _("Days attended (fewest first)")),
    ("review", _("Not reviewed first")),
]
REVIEW_FILTERS = {"reviewed": _("Reviewed"), "not_reviewed": _("Not reviewed yet")}


@dataclass
class BoardFilters:
    department: int | None = None
    verdict: str = ""
    review: str = ""
    attention: bool = False
    sort: str = "name"

    @property
    def active(self) -> bool:
        return bool(self.department or self.verdict or self.review or self.attention)

    @property
    def sort_key(self) -> str:
        return self.sort.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")


def parse_filters(params: Any) -> BoardFilters:
    """Filters from the query string; anything unknown is ignored."""
    sort = params.get("sort", "name")
    verdict = params.get("verdict", "")
    review = params.get("review", "")
    return BoardFilters(
        department=id_param(params, "department"),
        verdict=verdict if verdict in Verdict.__members__.values() else "",
        review=review if review in REVIEW_FILTERS else "",
        attention=params.get("attention") in ("1", "on", "true"),
        sort=sort if sort.lstrip("-") in SORTS else "name",
    )


def filter_rows(rows: Sequence[BoardRow], filters: BoardFilters) -> list[BoardRow]:
    chosen = list(rows)
    if filters.department:
        chosen = [r for r in chosen if r.department.pk == filters.department]
    if filters.verdict:
        chosen = [r for r in chosen if r.verdict == filters.verdict]
    if filters.review == "reviewed":
        chosen = [r for r in chosen if r.is_reviewed]
    elif filters.review == "not_reviewed":
        chosen = [r for r in chosen if not r.is_reviewed]
    if filters.attention:
        chosen = [r for r in chosen if r.attention]
    key = SORTS[filters.sort_key][1]
    chosen.sort(key=lambda r: r.trainee.full_name.lower())
    present = [r for r in chosen if key(r) is not None]
    missing = [r for r in chosen if key(r) is None]
    return sorted(present, key=key, reverse=filters.descending) + missing


@dataclass
class ToolUse:
    code: str
    label: str
    trainees: list[str]
    entries: int

    @property
    def who(self) -> str:
        # Joined here, then escaped once: |join escaped each of a cohort's names on its own.
        return ", ".join(self.trainees)


def tool_usage(rows: Sequence[BoardRow]) -> list[ToolUse]:
    """Each Lean tool: who used it (from their progress log tags) and how often. Every tool is
    listed, so the ones nobody has used yet show up too."""
    usage = []
    for code, label in LeanTool.choices:
        users = [r.trainee.full_name for r in rows if code in r.tools]
        usage.append(ToolUse(code, str(label), users, sum(r.tools.get(code, 0) for r in rows)))
    return usage


def board_counts(rows: Sequence[BoardRow]) -> dict[str, int]:
    return {
        "trainees": len(rows),
        "improved": sum(r.verdict == Verdict.IMPROVED for r in rows),
        "worse": sum(r.verdict == Verdict.WORSE for r in rows),
        "reviewed": sum(r.is_reviewed for r in rows),
        "lean_leaders": sum(r.is_lean_leader for r in rows),
        "attention": sum(bool(r.attention) for r in rows),
    }


def board_departments(rows: Sequence[BoardRow]) -> list[BoardDepartment]:
    seen = {r.department.pk: r.department for r in rows}
    return sorted(seen.values(), key=lambda d: d.name)


def board_cohort_list(*, user: User) -> QuerySet[Cohort]:
    """Cohorts with a board for this reader, newest first, with how many people they see."""
    return (
        policies.board_cohorts(user)
        .exclude(status=Cohort.Status.CANCELLED)
        .annotate(
            people=Count(
                "enrollments",
                filter=Q(enrollments__in=policies.board_enrollments(user)),
                distinct=True,
            )
        )
        .order_by("-day1", "-pk")
    )


# Coaching activity (for the export)


def coaching_activity(*, user: User, cohort: Cohort) -> QuerySet[Conversation]:
    """Conversations on the projects of the cohort's trainees this reader sees, oldest first.
    The private note is attached (as `.private_note_text`) only for analysts."""
    applications = policies.board_enrollments(user).filter(cohort=cohort).values("application_id")
    conversations = (
        Conversation.objects.filter(
            project__in=visible_projects(user), project__application_id__in=applications
        )
        .select_related("coach", "project__trainee", "project__department")
        .annotate(
            steps_agreed=Count("next_steps", distinct=True),
            steps_open=Count(
                "next_steps", filter=Q(next_steps__status=NextStep.Status.OPEN), distinct=True
            ),
        )
        .order_by("date", "pk")
    )
    if policies.can_see_private_notes(user):
        conversations = conversations.annotate(private_note_text=Max("private_note__text"))
    return conversations
