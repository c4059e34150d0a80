"""Reads of coaching, always through the reader's visible projects, in a fixed number of queries.

Nothing here loads `PrivateNote` except `private_note_for`, which asks the policy first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching import policies
from coaching.models import (
    CoachAssignment,
    CoachingRequest,
    Conversation,
    LeaderCadence,
    LeaderCoachingNote,
    NextStep,
    PrivateNote,
)
from cohorts.models import Cohort, Enrollment
from cohorts.selectors import CohortChoice
from leanleaders.models import User
from leanleaders.querysets import count_of
from leanleaders.registry import project_timeline_sources
from leanleaders.roles import direct_reports, managed_people_q
from projects.models import Measurement, Project
from projects.selectors import LIST_DEFERRED, progress_entries

if TYPE_CHECKING:  # a development dependency: annotations only
    from django_stubs_ext import WithAnnotations

OPEN = NextStep.Status.OPEN
KINDS = {
    "progress": _("Progress"),
    "measurement": _("Measurements"),
    "coaching": _("Coaching"),
}


def not_coached_days() -> int:
    return settings.LEANLEADERS_NOT_COACHED_DAYS


def _steps_with_people(steps: QuerySet[NextStep]) -> QuerySet[NextStep]:
    return steps.select_related("owner", "done_by")


def _conversations(conversations: QuerySet[Conversation]) -> QuerySet[Conversation]:
    return conversations.select_related("coach", "project").prefetch_related(
        Prefetch(
            "next_steps", queryset=_steps_with_people(NextStep.objects.order_by("due_date", "pk"))
        )
    )


def conversation_get(*, user: User, pk: int) -> Conversation:
    """One visible conversation with its next steps (raises Conversation.DoesNotExist)."""
    return (
        _conversations(policies.visible_conversations(user))
        .select_related("project__trainee", "project__department")
        .get(pk=pk)
    )


def private_note_for(*, user: User, conversation: Conversation) -> PrivateNote | None:
    if not policies.can_see_private_notes(user):
        return None
    return PrivateNote.objects.filter(conversation=conversation).first()


def coach_of(project: Project) -> CoachAssignment | None:
    return (
        CoachAssignment.objects.filter(project=project, ended_at__isnull=True)
        .select_related("coach")
        .first()
    )


def coach_history(*, project: Project) -> QuerySet[CoachAssignment]:
    return CoachAssignment.objects.filter(project=project).select_related("coach", "assigned_by")


@dataclass
class Panel:
    """What the coaching panel on a project page shows."""

    project: Project
    assignment: CoachAssignment | None
    latest: Conversation | None
    open_steps: list[NextStep]
    open_request: CoachingRequest | None
    conversation_count: int

    @property
    def coach(self) -> User | None:
        return self.assignment.coach if self.assignment else None


def project_conversations(*, project: Project, team_only: bool = False) -> list[Conversation]:
    """Every conversation of a project (with `team_only`, for a reader who sees the project as
    a team member: those the lead shared with the team), newest first, with its coach and its
    next steps (and their owners). The coaching panel and the timeline both read them, so a
    page that shows both loads them once."""
    # Who owns each step, not who checked it off: the panel lists open steps only, and the
    # timeline's cards don't say.
    steps = NextStep.objects.select_related("owner").order_by("due_date", "pk")
    conversations = Conversation.objects.filter(project=project)
    if team_only:
        conversations = conversations.filter(team_visible=True)
    return list(
        conversations.select_related("coach")
        .prefetch_related(Prefetch("next_steps", queryset=steps))
        .order_by("-date", "-pk")
    )


def project_panel(*, project: Project, conversations: list[Conversation] | None = None) -> Panel:
    """The coaching panel of a project. `conversations`: the project's, as
    `project_conversations` gives them, when the caller has them already."""
    if conversations is None:
        conversations = project_conversations(project=project)
    # A project's next steps are those of its conversations.
    open_steps = [s for c in conversations for s in c.next_steps.all() if s.status == OPEN]
    return Panel(
        project=project,
        assignment=coach_of(project),
        latest=conversations[0] if conversations else None,
        open_steps=sorted(open_steps, key=lambda s: (s.due_date, s.pk)),
        open_request=CoachingRequest.objects.filter(project=project, resolved_at__isnull=True)
        .order_by("-created_at")
        .first(),
        conversation_count=len(conversations),
    )


@dataclass
class TimelineItem:
    kind: str
    date: dt.date
    created_at: dt.datetime
    obj: Any
    # Items a later stage adds (leanleaders.registry.project_timeline_sources) name the
    # template that draws them; this stage's own kinds are drawn by coaching/_timeline.html.
    template: str = ""


def project_timeline(
    *, project: Project, kind: str = "", conversations: list[Conversation] | None = None
) -> list[TimelineItem]:
    """Progress entries, measurements and coaching conversations of one project, newest first.
    `conversations`: as for `project_panel`."""
    items: list[TimelineItem] = []
    if kind in ("", "progress"):
        entries = progress_entries(project=project)
        items += [TimelineItem("progress", e.date, e.created_at, e) for e in entries]
    if kind in ("", "measurement"):
        # The measure's name and unit, not a copy of the whole measure on every row.
        measurements = Measurement.objects.filter(measure__project=project).annotate(
            measure_name=F("measure__name"), measure_unit=F("measure__unit")
        )
        items += [TimelineItem("measurement", m.date, m.created_at, m) for m in measurements]
    if kind in ("", "coaching"):
        if conversations is None:
            conversations = project_conversations(project=project)
        items += [TimelineItem("coaching", c.date, c.created_at, c) for c in conversations]
        # Conversations with peers, shown under coaching too.
        for source in project_timeline_sources:
            items += source(project)
    items.sort(key=lambda item: (item.date, item.created_at, item.kind), reverse=True)
    return items


def open_steps_owned(*, user: User) -> QuerySet[NextStep]:
    """The open next steps a person owns, soonest due first, with their project's title (all
    a step row shows of it: not its narrative, nor the conversation, which it links to by id).
    A queryset: the home card shows the first few and counts them all, the page behind it
    shows a page at a time."""
    return (
        NextStep.objects.filter(owner=user, status=OPEN)
        .select_related("project")
        .defer(*(f"project__{name}" for name in LIST_DEFERRED))
        .order_by("due_date", "pk")
    )


def manager_open_steps(*, user: User) -> QuerySet[NextStep]:
    """Open next steps on the projects of the people a manager manages, soonest due first,
    with what a step row shows of them (its project's title, its owner's name): the
    manager's home card.

    A queryset: a large department has thousands, so callers slice it and count in SQL."""
    return (
        NextStep.objects.filter(
            # By the managed projects, not through a join to them (see managed_people_q).
            project__in=Project.objects.filter(
                managed_people_q(user, person="trainee", department="department_id")
            ),
            status=OPEN,
        )
        .select_related("owner", "project")
        # An open step's row: its closing fields (done_at, done_by) are never shown.
        .only(
            "conversation_id",
            "description",
            "owner_role",
            "owner__full_name",
            "due_date",
            "status",
            "done_note",
            "project__title",
        )
        .order_by("due_date", "pk")
    )


def overdue_q(today: dt.date) -> Q:
    """An open step past its due date (`NextStep.is_overdue` in SQL): every overdue count and
    filter here reads it."""
    return Q(due_date__lt=today)


def step_counts(steps: QuerySet[NextStep], *, today: dt.date) -> dict[str, int]:
    """How many of these open steps there are (`count`) and how many are past their due date
    (`overdue`), in one query: a page of them pages by the count, with no COUNT of its own."""
    return steps.aggregate(count=Count("pk"), overdue=Count("pk", filter=overdue_q(today)))


def open_step_counts(project_ids: list[int], *, today: dt.date) -> dict[int, tuple[int, int]]:
    """{project id: (open next steps, how many of them are overdue)} for projects with any.
    Counted here from the steps' project and due date: a plainer query than a filtered
    aggregate, answered from the open steps' partial index."""
    steps: dict[int, tuple[int, int]] = {}
    for project_id, due in (
        NextStep.objects.filter(project_id__in=project_ids, status=OPEN)
        .order_by()
        .values_list("project_id", "due_date")
    ):
        open_count, overdue = steps.get(project_id, (0, 0))
        steps[project_id] = (open_count + 1, overdue + int(due < today))
    return steps


def _current_coach(field: str, project: str = "pk") -> Subquery:
    """One field of the project's current coach assignment. There is at most one (a unique
    constraint), so no ordering: the planner then looks it up by index instead of sorting."""
    return Subquery(
        CoachAssignment.objects.filter(project=OuterRef(project), ended_at__isnull=True)
        .order_by()
        .values(field)[:1]
    )


def open_requests(*, user: User) -> QuerySet[CoachingRequest]:
    """Open coaching requests, oldest first."""
    return (
        policies.visible_requests(user)
        .filter(resolved_at__isnull=True)
        .order_by("created_at", "pk")
    )


def request_rows(requests: QuerySet[CoachingRequest]) -> QuerySet[CoachingRequest, Any]:
    """What the list of requests shows, as plain values: the request's id, project id, note
    and time, the project's `title`, the `trainee_name` and the current `coach_name`."""
    return requests.values(
        "pk",
        "project_id",
        "note",
        "created_at",
        title=F("project__title"),
        trainee_name=F("project__trainee__full_name"),
        coach_name=_current_coach("coach__full_name", project="project"),
    )


def _cutoff(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=not_coached_days())


@dataclass
class OverviewRow:
    project: Project
    coach_name: str | None
    last_coached: dt.date | None
    overdue_steps: int
    open_steps: int
    today: dt.date

    @property
    def days_since(self) -> int | None:
        return (self.today - self.last_coached).days if self.last_coached else None

    @property
    def not_coached(self) -> bool:
        return self.last_coached is None or self.days_since > not_coached_days()  # type: ignore[operator]


def cohort_projects(cohort: Cohort | CohortChoice | None) -> QuerySet[Project]:
    """Projects of the trainees enrolled in a cohort (through their application); every project
    still in progress when no cohort is chosen."""
    if cohort is None:
        return Project.objects.filter(status=Project.Status.ACTIVE)
    # A semi-join: each project once, without DISTINCT over every column.
    enrolled = Enrollment.objects.filter(cohort_id=cohort.pk, status=Enrollment.Status.ENROLLED)
    return Project.objects.filter(application__in=enrolled.values("application_id"))


def _with_coach(projects: QuerySet[Project]) -> QuerySet[Project]:
    return projects.annotate(coach_name=_current_coach("coach__full_name"))


def _not_coached(today: dt.date) -> Q:
    """`OverviewRow.not_coached` in SQL: no coaching conversation since the cutoff (none at all,
    or the latest before it), from the stored date. The two must agree."""
    return Q(last_coached_on__isnull=True) | Q(last_coached_on__lt=_cutoff(today))


def _overdue(today: dt.date) -> Q:
    """Whether the project has an open next step due before today."""
    due = NextStep.objects.filter(overdue_q(today), project=OuterRef("pk"), status=OPEN)
    return Q(Exists(due))


def overview_projects(
    *, cohort: Cohort | CohortChoice | None, today: dt.date, attention_only: bool = False
) -> QuerySet[Project]:
    """The projects the coaching overview lists, by trainee name, with their current coach's
    name and the date of their latest coaching conversation (stored on the project); with
    `attention_only`, those not coached recently or with an overdue next step. A queryset: the
    page reads them a page at a time (`overview_rows`)."""
    projects = (
        _with_coach(cohort_projects(cohort))
        .select_related("trainee", "department")
        .defer(*LIST_DEFERRED)
        .order_by("trainee__full_name", "pk")
    )
    return projects.filter(_not_coached(today) | _overdue(today)) if attention_only else projects


def overview_counts(
    *, cohort: Cohort | CohortChoice | None, today: dt.date, attention_only: bool = False
) -> dict[str, int]:
    """How many projects the overview lists (`shown`), and how many of them were not coached
    recently and have overdue next steps: one query, however many pages there are."""
    attention = _not_coached(today) | _overdue(today)
    return cohort_projects(cohort).aggregate(
        shown=Count("pk", filter=attention if attention_only else Q()),
        not_coached=Count("pk", filter=_not_coached(today)),
        overdue=Count("pk", filter=_overdue(today)),
    )


def overview_rows(projects: Iterable[Project], *, today: dt.date) -> list[OverviewRow]:
    """Rows of `overview_projects` (a page of them) with their open and overdue next steps.

    The steps are a second query, counted here: counting them in the first one too made it
    take longer to build and plan than the second query takes."""
    listed = list(projects)
    steps = open_step_counts([p.pk for p in listed], today=today)
    return [
        OverviewRow(
            project=p,
            coach_name=p.coach_name,  # type: ignore[attr-defined]
            last_coached=p.last_coached_on,
            overdue_steps=steps.get(p.pk, (0, 0))[1],
            open_steps=steps.get(p.pk, (0, 0))[0],
            today=today,
        )
        for p in listed
    ]


@dataclass
class OverviewPage:
    """A page of the coaching overview's rows (`page.object_list`), and how many of all its
    projects were not coached recently and have overdue next steps."""

    page: Page[OverviewRow]
    not_coached: int
    overdue: int


def overview_page(
    *,
    cohort: Cohort | CohortChoice | None,
    today: dt.date,
    attention_only: bool,
    number: str | None,
    per_page: int,
) -> OverviewPage:
    """Page `number` (as the query string gives it) of the overview's rows. A list that fits on
    one page (a cohort) is counted from its rows, in the two queries that read them; a longer
    one (every project in progress) is counted by one more, for all its pages."""
    projects = overview_projects(cohort=cohort, today=today, attention_only=attention_only)
    # Of projects, whose page is then given its rows.
    paginator: Paginator[Any] = Paginator(projects, per_page)
    first = None if number not in (None, "", "1") else list(projects[: per_page + 1])
    if first is not None and len(first) <= per_page:
        rows = overview_rows(first, today=today)
        paginator.count = len(rows)
        return OverviewPage(
            page=Page(rows, 1, paginator),
            not_coached=sum(1 for r in rows if r.not_coached),
            overdue=sum(1 for r in rows if r.overdue_steps),
        )
    counts = overview_counts(cohort=cohort, today=today, attention_only=attention_only)
    paginator.count = counts["shown"]
    page = paginator.get_page(number)
    shown = first[:per_page] if first is not None else page.object_list
    page.object_list = overview_rows(shown, today=today)
    return OverviewPage(page=page, not_coached=counts["not_coached"], overdue=counts["overdue"])


def coaching_overview(
    *, cohort: Cohort | CohortChoice | None, attention_only: bool = False
) -> list[OverviewRow]:
    """Every row of the overview (the analysts' digest reads a cohort's): coach, last
    conversation, overdue and open next steps. Two queries."""
    today = timezone.localdate()
    projects = overview_projects(cohort=cohort, today=today, attention_only=attention_only)
    return overview_rows(projects, today=today)


def not_coached_recently(*, cohort: Cohort | None = None) -> list[OverviewRow]:
    return [row for row in coaching_overview(cohort=cohort) if row.not_coached]


def assignable_projects(*, cohort: Cohort | CohortChoice | None) -> QuerySet[Project]:
    return (
        _with_coach(cohort_projects(cohort))
        .select_related("trainee", "department")
        .order_by("trainee__full_name", "pk")
    )


# The analysts' home card's counts, each as a count read with the other cards' facts
# (leanleaders/dashboard): one query for the four, not one each.
ANALYST_COUNTS = ("mine", "requests", "not_coached", "overdue")


def analyst_count_expressions(*, user: User) -> dict[str, Subquery]:
    """{"coaching_<name>": count} for each of ANALYST_COUNTS: the analyst's own open steps,
    the open coaching requests, the active projects not coached lately, the overdue steps."""
    today = timezone.localdate()
    counted = {
        "mine": NextStep.objects.filter(owner=user, status=OPEN),
        "requests": CoachingRequest.objects.filter(resolved_at__isnull=True),
        "not_coached": Project.objects.filter(status=Project.Status.ACTIVE).filter(
            _not_coached(today)
        ),
        "overdue": NextStep.objects.filter(overdue_q(today), status=OPEN),
    }
    return {f"coaching_{name}": count_of(rows) for name, rows in counted.items()}


def analysts() -> QuerySet[User]:
    return User.objects.filter(role=User.Role.ANALYST, is_active=True).order_by("full_name")


# A cadence's touchpoint is "due" (not yet overdue) from this long before its day.
DUE_SOON = dt.timedelta(days=2)


@dataclass
class LedPerson:
    """One of a leader's people (their project) with the leader's cadence on it, if any, and
    `state`: "overdue", "due" (today or within two days), "planned", or "no-cadence" (worked
    out in SQL by `led_people`, from the tests that count them)."""

    project: Project
    every_days: int | None
    due_on: dt.date | None
    last_touchpoint_on: dt.date | None
    state: str


def _led_projects(user: User) -> QuerySet[Project]:
    """The in-progress projects whose trainee the user leads (as supervisor or sponsor), not
    their own."""
    # The two ways of leading, each found by its own index and united: as an OR in one filter
    # PostgreSQL read every project (2.5 ms on the bench city, for a trainee who leads nobody).
    sponsored = Project.objects.filter(sponsor_id=user.pk).order_by().values("pk")
    reported = Project.objects.filter(trainee__in=direct_reports(user)).order_by().values("pk")
    return (
        Project.objects.filter(pk__in=sponsored.union(reported))
        .exclude(trainee_id=user.pk)
        .filter(status=Project.Status.ACTIVE)
    )


def leads_anyone_expression(user: User) -> ExpressionWrapper:
    """Whether `led_people` has anyone for the user, as an expression that refers to nothing
    outside itself: the home page reads it with its other facts, and asks for the people only
    of someone who leads any. Two EXISTS, each on its own index, as `_led_projects` unites."""
    active = Project.objects.filter(status=Project.Status.ACTIVE).exclude(trainee_id=user.pk)
    sponsored = Exists(active.filter(sponsor_id=user.pk))
    reported = Exists(active.filter(trainee__in=direct_reports(user)))
    return ExpressionWrapper(Q(sponsored) | Q(reported), output_field=BooleanField())


def led_people(*, user: User, today: dt.date) -> QuerySet[Project]:
    """The in-progress projects whose trainee the user leads (as supervisor or sponsor), each
    with the user's cadence on it read from its stored columns (`cadence_every`, `cadence_due`,
    `cadence_last`) and its state on `today` (`cadence_state`; `led_person` shows one): overdue
    first, then by due date, then those without a cadence."""
    tests = led_state_counts(today)
    # A leader has at most one cadence on a project (a unique constraint): joined, not looked
    # up by a subquery for each of its columns.
    cadence = FilteredRelation("leader_cadences", condition=Q(leader_cadences__leader_id=user.pk))
    return (
        _led_projects(user)
        .select_related("trainee")
        # The rows name the person and the project: neither's other columns are read.
        .only("title", "trainee__full_name")
        .annotate(cadence=cadence)
        .annotate(
            cadence_every=F("cadence__every_days"),
            cadence_due=F("cadence__due_on"),
            cadence_last=F("cadence__last_touchpoint_on"),
        )
        .annotate(
            cadence_state=Case(
                When(tests["overdue"], then=Value("overdue")),
                When(tests["due"], then=Value("due")),
                When(cadence_due__isnull=False, then=Value("planned")),
                default=Value("no-cadence"),
                output_field=CharField(),
            )
        )
        .order_by(F("cadence_due").asc(nulls_last=True), "trainee__full_name", "pk")
    )


def led_person(project: Project) -> LedPerson:
    """A row of `led_people` with its cadence."""
    # The ignores: these are `led_people`'s annotations, which a Project's type does not have.
    return LedPerson(
        project=project,
        every_days=project.cadence_every,  # type: ignore[attr-defined]
        due_on=project.cadence_due,  # type: ignore[attr-defined]
        last_touchpoint_on=project.cadence_last,  # type: ignore[attr-defined]
        state=project.cadence_state,  # type: ignore[attr-defined]
    )


def led_people_counts(*, user: User, today: dt.date) -> dict[str, int]:
    """How many of `led_people` there are (`count`) and how many are overdue and due, in one
    query (the page of them all pages by the count, so it asks for no COUNT of its own)."""
    tests = led_state_counts(today)
    return led_people(user=user, today=today).aggregate(
        count=Count("pk"), **{name: Count("pk", filter=test) for name, test in tests.items()}
    )


def led_state_counts(today: dt.date) -> dict[str, Q]:
    """Which of `led_people`'s rows are "overdue" and "due": the tests that give each row its
    state and that count them (the home card counts every person, not only those it shows)."""
    return {
        "overdue": Q(cadence_due__lt=today),
        "due": Q(cadence_due__gte=today, cadence_due__lte=today + DUE_SOON),
    }


class _DaysSince(Func):
    """Whole days from the date column `start` to `today` (negative before it): PostgreSQL
    subtracts dates to an integer; SQLite counts through julian days (exact for dates), cast
    back to an integer so that dividing by another integer drops the remainder, as it does on
    PostgreSQL."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()

    def __init__(self, start: str, *, today: dt.date) -> None:
        super().__init__(Value(today, output_field=DateField()), F(start))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # CAST(julianday(today) - julianday(start) AS INTEGER)
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def _periods_due(today: dt.date) -> Case:
    """`LeaderCadence.periods_due` over a cadence's columns, in SQL: the two must agree. Only
    days on or after `counts_from` are divided, so the database's integer division (which
    truncates) drops the remainder as Python's // does."""
    return Case(
        When(counts_from__isnull=True, then=Value(0)),
        When(counts_from__gt=today, then=Value(0)),
        default=_DaysSince("counts_from", today=today) / F("every_days"),
        output_field=IntegerField(),
    )


class CadenceTotals(TypedDict):
    made: int
    due: int


def cadence_totals(
    *, today: dt.date
) -> QuerySet[WithAnnotations[LeaderCadence, CadenceTotals], dict[str, Any]]:
    """The leaders' cadences summed by project: `project_id`, `made` (the touchpoints made,
    each leader's up to the number due) and `due` (the touchpoints due by `today`), from the
    cadences' stored columns. A row for each project with a cadence; filter by `project_id`."""
    periods = _periods_due(today)
    return (
        LeaderCadence.objects.order_by()
        .values("project_id")
        .annotate(
            made=Sum(Least(F("made"), periods, output_field=IntegerField())), due=Sum(periods)
        )
    )


def cadence_adherence(
    project_ids: list[int] | QuerySet[Project, Any], *, today: dt.date
) -> dict[int, tuple[int, int]]:
    """{project id: (touchpoints made, touchpoints due)} over the leaders' cadences on each
    project that has one: one query. A long list of projects is best given as a queryset of
    their ids, which goes into the query as a subquery: a list of thousands of ids costs Django
    more to turn into parameters than the query costs."""
    sums = cadence_totals(today=today).filter(project_id__in=project_ids)
    return {pk: (made, due) for pk, made, due in sums.values_list("project_id", "made", "due")}


def project_adherence(*, today: dt.date, project: str = "pk") -> tuple[Coalesce, Coalesce]:
    """The touchpoints made and due over the leaders' cadences on a query's project (the outer
    query's field `project`), as two expressions of that query, 0 and 0 without a cadence:
    two lookups a row, for a page of projects."""
    sums = cadence_totals(today=today).filter(project_id=OuterRef(project))
    return (
        Coalesce(Subquery(sums.values("made")), 0),
        Coalesce(Subquery(sums.values("due")), 0),
    )


# --- Coaching the leaders (analysts only) -------------------------------------------------------


def _touchpoints() -> QuerySet[Conversation]:
    return Conversation.objects.filter(routine__in=Conversation.LEADER_ROUTINES)


def leader_list() -> QuerySet[User]:
    """People who lead through the routines: those who recorded a touchpoint or keep a
    cadence, with their touchpoint count, latest touchpoint and number of cadences, by name."""
    touchpoints = _touchpoints().filter(coach_id=OuterRef("pk")).order_by().values("coach_id")
    cadences = LeaderCadence.objects.filter(leader_id=OuterRef("pk")).order_by().values("leader")
    return (
        User.objects.filter(Q(Exists(touchpoints)) | Q(Exists(cadences)))
        .select_related("department")
        .annotate(
            touchpoint_count=Subquery(touchpoints.annotate(n=Count("pk")).values("n")[:1]),
            last_touchpoint_on=Subquery(touchpoints.annotate(last=Max("date")).values("last")[:1]),
            cadence_count=Subquery(cadences.annotate(n=Count("pk")).values("n")[:1]),
        )
        .order_by("full_name", "pk")
    )


def leader_touchpoints(*, leader: User) -> QuerySet[Conversation]:
    """The leader's touchpoints across their people's projects, newest first, with the project,
    its trainee and the next steps (and their owners). Never the private notes."""
    steps = NextStep.objects.select_related("owner").order_by("due_date", "pk")
    return (
        _touchpoints()
        .filter(coach_id=leader.pk)
        .select_related("coach", "project__trainee")
        .prefetch_related(Prefetch("next_steps", queryset=steps))
        .order_by("-date", "-pk")
    )


@dataclass(frozen=True)
class CadenceRow:
    cadence: LeaderCadence
    made: int
    due: int

    @property
    def adherence_percent(self) -> int | None:
        return min(100, round(100 * self.made / self.due)) if self.due else None


def leader_cadence_rows(*, leader: User, today: dt.date) -> list[CadenceRow]:
    """The leader's cadences with the project and trainee, and each one's touchpoints made and
    due (as the board counts them: made up to the number due)."""
    rows = []
    for cadence in (
        LeaderCadence.objects.filter(leader=leader)
        .select_related("project__trainee")
        .order_by("due_on", "pk")
    ):
        due = cadence.periods_due(today)
        rows.append(CadenceRow(cadence, min(cadence.made, due), due))
    return rows


def leader_notes(*, leader: User) -> QuerySet[LeaderCoachingNote]:
    """Analysts' notes on the leader, newest first. Only the analysts' leader page reads them."""
    return LeaderCoachingNote.objects.filter(leader=leader).select_related("author", "edited_by")
