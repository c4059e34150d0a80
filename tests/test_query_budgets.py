"""Query budgets: every page's query count, pinned, and the same with 1 and with 20+ rows.

Each page is one line in PAGES: a name, the role that reads it, the URL, and its budget. The
world is built once with one row of each kind the pages show, the page is requested (to warm
caches such as ContentType's), counted, then 20 more rows of each kind are added and the page is
counted again. Both counts must equal the budget: a new N+1 fails the second count, and any
change in the number of queries (up or down) shows up here and is a deliberate edit.

To cover a new page, add a row to PAGES (and, if it shows a kind of row the world does not
build yet, build it in `World.grow`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from coaching.models import (
    CoachAssignment,
    CoachingRequest,
    Conversation,
    LeaderCadence,
    NextStep,
    PrivateNote,
)
from coaching.services import last_coached_store
from cohorts.models import Attendance, Cohort, Enrollment
from leanleaders.audit import audit_record
from leanleaders.models import User
from network.models import PeerRequest
from projects.models import Attachment, Measure, Measurement, ProgressEntry, Project
from projects.services import measure_result_store, project_tools_store
from tests.cohorts.factories import CohortFactory
from tests.factories import DepartmentFactory, TraineeFactory
from tests.network.factories import make_lean_leader

pytestmark = pytest.mark.django_db

S = Application.Status
TODAY = timezone.localdate


@dataclass
class World:
    """One department's program with `n` rows of every kind each role's pages show."""

    trainee: User
    manager: User
    analyst: User
    cohort: Cohort = field(init=False)
    application: Application = field(init=False)
    waiting_application: Application = field(init=False)
    project: Project = field(init=False)
    measure: Measure = field(init=False)
    serial: int = 0

    def __post_init__(self) -> None:
        today = TODAY()
        self.cohort = CohortFactory(
            name="Current cohort",
            status=Cohort.Status.IN_PROGRESS,
            day1=today - dt.timedelta(days=10),
            day2=today - dt.timedelta(days=9),
            day3=today + dt.timedelta(days=20),
            capacity=100,
        )
        self.application, self.project = self._project_for(self.trainee)
        # Signed off and waiting for a cohort: the analyst's placement chooser lists cohorts.
        self.waiting_application = Application.objects.create(
            trainee=TraineeFactory(department=self.trainee.department, full_name="Wanda Waiting"),
            department=self.trainee.department,
            manager=self.manager,
            program_year=today.year,
            status=S.MANAGER_APPROVED,
            submitted_at=timezone.now(),
            title="Waiting for a cohort",
        )
        self.measure = self.project.measures.get()

    def _project_for(self, trainee: User) -> tuple[Application, Project]:
        application = Application.objects.create(
            trainee=trainee,
            department=trainee.department,
            program_year=TODAY().year,
            status=S.ACCEPTED,
            title=f"Faster renewals for {trainee.full_name}",
            measure_name="Days to renew",
            measure_unit="days",
        )
        Enrollment.objects.create(
            cohort=self.cohort, application=application, trainee=trainee, status="enrolled"
        )
        project = Project.objects.create(
            application=application,
            trainee=trainee,
            department=trainee.department,
            title=application.title,
        )
        Measure.objects.create(
            project=project, is_primary=True, name="Days to renew", baseline_value=Decimal(20)
        )
        return application, project

    def _next(self) -> int:
        self.serial += 1
        return self.serial

    def grow(self, n: int) -> None:
        """Add n rows of each kind: people, applications in each state, cohorts, enrollments,
        attendance, projects, measurements, progress, conversations, next steps, requests."""
        today = TODAY()
        department = self.trainee.department
        for _ in range(n):
            i = self._next()
            # Applications waiting on the manager and on the analysts.
            for status in (S.SUBMITTED, S.MANAGER_APPROVED):
                person = TraineeFactory(department=department, full_name=f"Person {status} {i}")
                Application.objects.create(
                    trainee=person,
                    department=department,
                    manager=self.manager,
                    program_year=today.year,
                    status=status,
                    submitted_at=timezone.now(),
                    title=f"Application {status} {i}",
                )
            # Another trainee in the cohort with a coached project.
            peer = TraineeFactory(department=department, full_name=f"Peer {i}")
            _, project = self._project_for(peer)
            enrollment = Enrollment.objects.get(application__project=project)
            Attendance.objects.create(enrollment=enrollment, day=1, mark="absent")
            measure = project.measures.get()
            Measurement.objects.bulk_create(
                Measurement(measure=measure, date=today - dt.timedelta(days=d), value=10 + d)
                for d in range(3)
            )
            measure_result_store(measure=measure)
            CoachAssignment.objects.create(project=project, coach=self.analyst)
            self._conversation(project, owner=peer, days_ago=20)
            CoachingRequest.objects.create(project=project, requested_by=peer, note="Help")
            # Sponsored by the manager, who keeps a cadence of touchpoints with the peer.
            Project.objects.filter(pk=project.pk).update(sponsor=self.manager)
            LeaderCadence.objects.create(
                leader=self.manager, project=project, every_days=7, due_on=today
            )
            # Cohorts: one running, one upcoming, each with someone waiting.
            for offset in (-5, 30):
                cohort = CohortFactory(
                    name=f"Cohort {offset} {i}",
                    status=Cohort.Status.IN_PROGRESS if offset < 0 else Cohort.Status.OPEN,
                    day1=today + dt.timedelta(days=offset),
                    day2=today + dt.timedelta(days=offset + 1),
                    day3=today + dt.timedelta(days=offset + 30),
                )
                if offset > 0:
                    # Upcoming ones by special arrangement with the department (and another),
                    # so the pages read reservations for every row.
                    cohort.departments.set([department, DepartmentFactory()])
                waiting = TraineeFactory(department=department)
                Enrollment.objects.create(
                    cohort=cohort,
                    application=Application.objects.create(
                        trainee=waiting,
                        department=department,
                        program_year=today.year,
                        status=S.WAITLISTED,
                        title=f"Waiting {i}",
                    ),
                    trainee=waiting,
                    status="waitlisted",
                )
            # The trainee's own project and application grow too.
            Measurement.objects.create(
                measure=self.measure, date=today - dt.timedelta(days=i), value=15, note=f"m{i}"
            )
            measure_result_store(measure=self.measure)
            entry = ProgressEntry.objects.create(
                project=self.project,
                date=today - dt.timedelta(days=i),
                did=f"Tried step {i}",
                learned="Something",
                next_steps="More",
                tools=["five_whys", "fishbone"],
                pdca_stage="do",
            )
            Attachment.objects.create(
                entry=entry,
                file=f"projects/{self.project.pk}/x{i}.png",
                original_name=f"photo{i}.png",
                content_type="image/png",
                size=10,
            )
            project_tools_store(project=self.project)
            self._conversation(self.project, owner=self.trainee, days_ago=i)
            # A Lean Leader who used one of the trainee's tools, and their conversation with
            # the trainee, shared on the trainee's timeline.
            leader, _ = make_lean_leader(
                department=department, full_name=f"Leader {i}", tools=(("five_whys",),)
            )
            PeerRequest.objects.create(
                project=self.project,
                trainee=self.trainee,
                peer=leader,
                message="Can we talk?",
                status=PeerRequest.Status.ACCEPTED,
                help_note=f"Peer help {i}",
                help_date=today,
                shared_on_timeline=True,
            )
            audit_record(target=self.application, action="edited", by=self.trainee)
            audit_record(target=self.project, action="edited", by=self.trainee)

    def _conversation(self, project: Project, *, owner: User, days_ago: int) -> None:
        today = TODAY()
        conversation = Conversation.objects.create(
            project=project,
            coach=self.analyst,
            date=today - dt.timedelta(days=days_ago),
            duration_minutes=30,
            what_we_see="Queues",
            tools=["visual_management"],
        )
        PrivateNote.objects.create(conversation=conversation, text="private")
        last_coached_store(project_ids=[project.pk])  # as the conversation service stores it
        NextStep.objects.bulk_create(
            NextStep(
                conversation=conversation,
                project=project,
                description=f"Step for {who.full_name}",
                owner_role=role,
                owner=who,
                due_date=today + dt.timedelta(days=due),
            )
            for who, role, due in (
                (owner, "trainee", -1),
                (self.analyst, "coach", 3),
            )
        )


@dataclass(frozen=True)
class Page:
    name: str
    role: str
    url: Callable[[World], str]
    budget: int
    # Text from the grown rows that must appear at least 20 times on the big page.
    shows: tuple[str, ...] = ()


# The project page shows a page of its progress log (10 entries) and of the measurements table
# (20 rows, each ending in the measurement's note, "m<i>").
_PROJECT_PAGE_ROWS = ("Tried step", "</td><td>m")


def _u(name: str, *args: Callable[[World], object]) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[a(w) for a in args])


def _q(name: str, query: str) -> Callable[[World], str]:
    return lambda w: reverse(name) + query


PROJECT = lambda w: w.project.pk  # noqa: E731
APPLICATION = lambda w: w.application.pk  # noqa: E731
WAITING_APPLICATION = lambda w: w.waiting_application.pk  # noqa: E731
COHORT = lambda w: w.cohort.pk  # noqa: E731

# One line per page.
PAGES = [
    # A manager's pages: the departments they act for come with the person (leanleaders/backends).
    # The session, the person (with the departments they act for), then one query per card: each
    # card's rows and its counts come together, projects with their primary measure; and one
    # for the people they lead (the leader routines card: its rows and counts too). A manager's
    # sign-offs, people's cohorts and people are read together, in one query
    # (leanleaders/dashboard.py).
    # The trainee's cards show the first few of each list (the steps: "own open steps").
    Page("trainee home", "trainee", _u("home"), 9),
    Page("manager home", "manager", _u("home"), 6, shows=("Peer ",)),
    # The coaching card's four counts and the cohorts card's rows and count in one query (the
    # home's facts), and one more than the cards: whether mail is failing or stuck, read fresh
    # on every visit.
    Page("analyst home", "analyst", _u("home"), 6),
    Page("application list (trainee)", "trainee", _u("applications:application-list"), 4),
    Page(
        "application list (manager)",
        "manager",
        _u("applications:application-list"),
        4,
        shows=("Peer ", "Person ", "Waiting "),
    ),
    Page(
        "application list (analyst)",
        "analyst",
        _u("applications:application-list"),
        5,
        shows=("Peer ", "Person ", "Waiting "),
    ),
    Page(
        "application detail (manager)",
        "manager",
        _u("applications:application-detail", APPLICATION),
        4,
    ),
    Page(
        "application detail (analyst)",
        "analyst",
        _u("applications:application-detail", APPLICATION),
        4,
    ),
    # The placement chooser: any current place, then the eligible cohorts with their seats,
    # whether the trainee can attend each and whom each is reserved for (one query); the
    # soonest few, or all.
    Page(
        "application detail (analyst, placing)",
        "analyst",
        _u("applications:application-detail", WAITING_APPLICATION),
        6,
    ),
    Page(
        "application detail (analyst, placing, every cohort)",
        "analyst",
        lambda w: (
            reverse("applications:application-detail", args=[w.waiting_application.pk])
            + "?cohorts=all"
        ),
        6,
        shows=("Reserved for:",),
    ),
    Page(
        "review queue",
        "analyst",
        _u("applications:review-queue"),
        5,
        shows=("Person manager_approved",),
    ),
    # The cohort pages read every row's reservation (whom it is open to) in one prefetch.
    Page(
        "cohort list (analyst)",
        "analyst",
        _q("cohorts:cohort-list", "?when=current"),
        5,
        shows=("Cohort -5", "Current cohort"),
    ),
    Page(
        "cohort list upcoming",
        "analyst",
        _q("cohorts:cohort-list", "?when=upcoming"),
        5,
        shows=("Cohort 30",),
    ),
    Page(
        "cohort list (manager)",
        "manager",
        _q("cohorts:cohort-list", "?when=current"),
        6,
        shows=("Cohort -5",),
    ),
    Page(
        "cohort detail (analyst)",
        "analyst",
        _u("cohorts:cohort-detail", COHORT),
        9,
        shows=("Peer ",),
    ),
    Page(
        "cohort detail (manager)",
        "manager",
        _u("cohorts:cohort-detail", COHORT),
        8,
        shows=("Peer ",),
    ),
    Page("roster: my cohort", "trainee", _u("cohorts:my-cohort"), 4),
    Page(
        "attendance",
        "analyst",
        _u("cohorts:cohort-attendance", COHORT, lambda w: 1),
        5,
        shows=("Peer ",),
    ),
    Page(
        "project page (trainee)",
        "trainee",
        _u("projects:project-detail", PROJECT),
        10,  # the team is one query; the Lean Leaders who used its tools, one more
        shows=_PROJECT_PAGE_ROWS,
    ),
    Page(
        "project page (analyst)",
        "analyst",
        _u("projects:project-detail", PROJECT),
        10,
        shows=_PROJECT_PAGE_ROWS,
    ),
    # The A3 lists the latest 8 entries a box and a page of the measurements table.
    Page("project A3", "manager", _u("projects:project-a3", PROJECT), 8, shows=_PROJECT_PAGE_ROWS),
    Page("project team", "trainee", _u("projects:project-team", PROJECT), 4),
    Page("project list", "analyst", _u("projects:project-list"), 5, shows=("Peer ",)),
    Page(
        "project timeline",
        "trainee",
        _u("coaching:project-timeline", PROJECT),
        11,  # the peers' help the trainee shared is one query
        shows=("Step for", "Peer help"),
    ),
    Page(
        "project timeline (analyst)",
        "analyst",
        _u("coaching:project-timeline", PROJECT),
        11,
        shows=("Step for",),
    ),
    Page(
        "project timeline fragment",
        "trainee",
        lambda w: reverse("coaching:project-timeline", args=[w.project.pk]) + "?fragment=1",
        11,
        shows=("Step for",),
    ),
    Page("coaching overview", "analyst", _q("coaching:overview", ""), 6, shows=("Peer ",)),
    Page(
        "coaching overview (all)",
        "analyst",
        _q("coaching:overview", "?cohort=all"),
        7,
        shows=("Peer ",),
    ),
    # The session, the person (with the departments they act for), how many steps there are
    # and how many are overdue (one query), the page of steps.
    Page("own open steps", "trainee", _u("coaching:my-steps"), 4, shows=("Step for",)),
    Page("people's open steps", "manager", _u("coaching:people-steps"), 4, shows=("Step for",)),
    # The session, the person, how many people are led and how many of them are overdue and
    # due (one query), the page of people led with their cadences.
    Page("people's routines", "manager", _u("coaching:people-routines"), 4, shows=("Peer ",)),
    Page("people", "analyst", _u("people"), 5),
    # The session, the person, the cohort, its people with their marks, their projects (with
    # the primary measure, the stored tools and the latest progress entry's date), the coaching
    # conversations, the open next steps and the leaders' cadences (the touchpoints and the goal
    # are project columns).
    Page("cohort board", "analyst", _u("reports:cohort-board", COHORT), 8, shows=("Peer ",)),
    Page(
        "cohort board (manager)",
        "manager",
        _u("reports:cohort-board", COHORT),
        8,
        shows=("Peer ",),
    ),
    # A row's review form, read when it is opened: the session, the person, the project with
    # its trainee, its primary measure's stored result and its cohort's Day 3.
    Page("board review form", "analyst", _u("reports:project-review", PROJECT), 5),
    Page(
        "board review dialog",
        "analyst",
        lambda w: reverse("reports:project-review", args=[w.project.pk]) + "?fragment=1",
        5,
    ),
    # Each part of the program report: the session, the person, the filters' cohorts and
    # departments, and its own figures. The results: one statement counts them all. The leader
    # engagement: its departments and total, and the page of trainees (reporting/selectors/
    # engagement.py). After Day 3: one (reporting/selectors/sustainment.py). A download counts
    # only what its tables show (the summary: the total's statement alone) and reads no filter
    # it was not given.
    Page("program report", "analyst", _u("reports:program-report"), 5),
    Page(
        "program report: leader engagement",
        "analyst",
        _u("reports:program-engagement"),
        6,
        shows=(">Leader ",),
    ),
    Page("program report: after Day 3", "analyst", _u("reports:program-sustainment"), 5),
    Page("program report (csv)", "analyst", _u("reports:program-csv"), 3),
    Page(
        "program report by cohort (csv)",
        "analyst",
        _u("reports:program-table-csv", lambda w: "by-cohort"),
        3,
    ),
    Page(
        "program report's follow-ups (csv)",
        "analyst",
        _u("reports:program-table-csv", lambda w: "sustainment"),
        3,
    ),
    Page(
        "program report of a cohort and department (csv)",
        "analyst",
        lambda w: (
            reverse("reports:program-csv")
            + f"?cohort={w.cohort.pk}&department={w.trainee.department_id}"
        ),
        5,
    ),
    Page("program report (xlsx)", "analyst", _u("reports:program-xlsx"), 4),
    # The session and the person, then the count of people, the page's people's projects (the
    # page of people a subquery; people, departments and profiles joined; who completed the
    # program a subquery) and the departments to filter by.
    Page("lean leader directory", "trainee", _u("network:leader-list"), 5, shows=("Leader ",)),
    Page(
        "lean leader directory by tool",
        "manager",
        _q("network:leader-list", "?tool=five_whys&q=leader"),
        5,  # a manager's departments come with the person
        shows=("Leader ",),
    ),
    # Each list (asked of them, asked by them) is paged on its own: its count, then its page
    # (none for an empty list), where one capped read of both used to be.
    Page("peer conversations", "trainee", _u("network:peer-request-list"), 5, shows=("Leader ",)),
]


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries.captured_queries)


@pytest.mark.parametrize("spec", PAGES, ids=[p.name for p in PAGES])
def test_query_count_is_pinned_and_flat(spec, request, client_for, trainee, manager, analyst):
    world = World(trainee=trainee, manager=manager, analyst=analyst)
    world.grow(1)
    client = client_for(request.getfixturevalue(spec.role))
    url = spec.url(world)
    client.get(url)
    one = _count(client, url)
    world.grow(20)
    many = _count(client, url)
    if spec.shows:
        html = client.get(url).content.decode()
        assert sum(html.count(text) for text in spec.shows) >= 20, "the rows are not on the page"
    assert (one, many) == (spec.budget, spec.budget)


# Pages that show results read the stored ones: no query of theirs touches the measurements or
# the baseline points (only the project page's run chart reads measurements).
STORED_RESULT_PAGES = [
    p
    for p in PAGES
    if p.name
    in {
        "trainee home",
        "manager home",
        "analyst home",
        "project list",
        "cohort board",
        "cohort board (manager)",
        "board review dialog",
        "program report",
    }
]


@pytest.mark.parametrize("spec", STORED_RESULT_PAGES, ids=[p.name for p in STORED_RESULT_PAGES])
def test_result_pages_read_stored_results(spec, request, client_for, trainee, manager, analyst):
    world = World(trainee=trainee, manager=manager, analyst=analyst)
    world.grow(2)
    client = client_for(request.getfixturevalue(spec.role))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(spec.url(world)).status_code == 200
    read = [
        q["sql"]
        for q in queries.captured_queries
        if '"projects_measurement"' in q["sql"] or '"projects_baselinepoint"' in q["sql"]
    ]
    assert read == []


ORG_IMPORT_BUDGETS = {"org import list": 4, "org import preview": 3}


def test_org_import_pages_query_counts_are_pinned_and_flat(client_for, analyst):
    """The import list and a preview of one row or of a whole page of each list."""
    from leanleaders import services
    from tests.support.org_files import city, csv_bytes

    def imported(people: int) -> int:
        record = services.org_import_create(
            by=analyst,
            filename="org.csv",
            content=csv_bytes(city(people, 2)),
            deactivate_missing=False,
            queue_read=False,
        )
        return services.org_import_preview(import_id=record.pk).pk

    client = client_for(analyst)
    small = imported(1)
    counts = {
        "org import list": [_count(client, reverse("org-import-create"))],
        "org import preview": [_count(client, reverse("org-import-detail", args=[small]))],
    }
    large = small
    for _ in range(25):
        large = imported(60)
    counts["org import list"].append(_count(client, reverse("org-import-create")))
    counts["org import preview"].append(_count(client, reverse("org-import-detail", args=[large])))
    assert counts == {name: [budget, budget] for name, budget in ORG_IMPORT_BUDGETS.items()}
