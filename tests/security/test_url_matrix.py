"""Every URL of the project, for every role: the answer each one gets.

The URL list comes from the resolver, so a new URL without an expectation here fails the test.
GET is tried first; a view that only takes POST (405) is then POSTed to with no data, and must
refuse or redirect without changing anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from applications.models import Application
from projects.models import FollowUp
from tests.applications.factories import ApplicationFactory
from tests.factories import DepartmentFactory, ManagerFactory, TraineeFactory

pytestmark = pytest.mark.django_db

# Capabilities combine (issue 20): a department manager who applied themselves, the trainee's
# supervisor who manages no department, and an executive (the supervisor's supervisor, whose
# own application waits on the City Administrator). The analyst stays last.
ROLES = [
    "anonymous",
    "trainee",
    "other_trainee",
    "manager",
    "other_dept_manager",
    "manager_trainee",
    "supervisor",
    "executive",
    # On the project's team (a trainee elsewhere, allowed to log), and its sponsor (a manager of
    # no department): each sees the project and nothing else of the trainee's.
    "team_member",
    "sponsor",
    "analyst",
]
COMBINED = ("manager_trainee", "supervisor", "executive")
LOGIN = "login"  # redirected to sign in
OK, REDIRECT, FORBIDDEN, MISSING = 200, 302, 403, 404

PUBLIC = dict.fromkeys(ROLES, OK)
SIGNED_IN = {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], OK)}
ANALYSTS = {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:-1], FORBIDDEN), "analyst": OK}
ANONYMOUS_ONLY = {"anonymous": OK, **dict.fromkeys(ROLES[1:], REDIRECT)}
# Someone else's object: 404 for outsiders, so its existence does not leak.
OWNER_AND_STAFF = {
    "anonymous": LOGIN,
    "trainee": OK,
    "other_trainee": MISSING,
    "manager": OK,
    "other_dept_manager": MISSING,
    "team_member": MISSING,
    "sponsor": MISSING,
    "analyst": OK,
}
# The project, which its team and its sponsor read too.
PROJECT_READERS = {**OWNER_AND_STAFF, "team_member": OK, "sponsor": OK}


def only(role_statuses: dict[str, Any], default: Any) -> dict[str, Any]:
    return {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], default), **role_statuses}


EXPECTED: dict[str, dict[str, Any]] = {
    "healthz": PUBLIC,
    "readyz": PUBLIC,
    "metrics": dict.fromkeys(ROLES, FORBIDDEN),  # a token or an allowed address, not a role
    "home": SIGNED_IN,
    "login": ANONYMOUS_ONLY,
    "logout": dict.fromkeys(ROLES, LOGIN),  # signs out, then the sign-in page
    # Single sign-on is off in these settings; tests/browser/test_sso_journey.py turns it on.
    "sso-start": dict.fromkeys(ROLES, MISSING),
    "sso-callback": dict.fromkeys(ROLES, MISSING),
    "signup": ANONYMOUS_ONLY,
    "signup-done": PUBLIC,
    "activate": dict.fromkeys(ROLES, 400),  # a made-up token
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_confirm": PUBLIC,  # shows "this link doesn't work"
    "welcome-set-password": PUBLIC,  # shows "this welcome link doesn't work"
    "password_reset_complete": PUBLIC,
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
    "profile": SIGNED_IN,
    "notification-preferences": SIGNED_IN,
    # Only POST; an empty one changes nothing and goes back (home, here).
    "set-language": dict.fromkeys(ROLES, REDIRECT),
    "javascript-catalog": PUBLIC,
    "people": ANALYSTS,
    "outbox": ANALYSTS,
    "org-import-create": ANALYSTS,
    "org-import-detail": ANALYSTS,
    # An empty POST: the file has rows refused, so nothing is applied; back to the preview.
    "org-import-apply": {**ANALYSTS, "analyst": REDIRECT},
    "outbox-resend": {**ANALYSTS, "analyst": REDIRECT},
    "applications:application-list": SIGNED_IN,
    # Everyone but analysts may apply (front line, supervisors, managers, executives).
    "applications:application-create": only({"analyst": FORBIDDEN}, OK),
    "applications:review-queue": ANALYSTS,
    "applications:application-detail": OWNER_AND_STAFF,
    # Not editable once submitted: the owner is sent back to the page with a message.
    "applications:application-edit": {
        **OWNER_AND_STAFF,
        "trainee": REDIRECT,
        "manager": FORBIDDEN,
        "analyst": FORBIDDEN,
    },
    "applications:application-submit": {
        **OWNER_AND_STAFF,
        "trainee": REDIRECT,
        "manager": FORBIDDEN,
        "analyst": FORBIDDEN,
    },
    "applications:application-withdraw": {
        **OWNER_AND_STAFF,
        "trainee": REDIRECT,
        "manager": FORBIDDEN,
        "analyst": FORBIDDEN,
    },
    "applications:application-sign-off": {
        **OWNER_AND_STAFF,
        "trainee": FORBIDDEN,
        "manager": REDIRECT,
        "analyst": FORBIDDEN,
    },
    "applications:application-offline-sign-off": {
        **OWNER_AND_STAFF,
        "trainee": FORBIDDEN,
        "other_trainee": FORBIDDEN,
        "manager": FORBIDDEN,
        "other_dept_manager": FORBIDDEN,
        "analyst": REDIRECT,
    },
    "applications:application-decide": {
        **OWNER_AND_STAFF,
        "trainee": FORBIDDEN,
        "other_trainee": FORBIDDEN,
        "manager": FORBIDDEN,
        "other_dept_manager": FORBIDDEN,
        "analyst": REDIRECT,
    },
    "projects:project-list": only({"trainee": FORBIDDEN, "other_trainee": FORBIDDEN}, OK),
    "projects:project-mine": {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], REDIRECT)},
    # Starting an already started project goes to it; analysts may start one for a trainee.
    "projects:project-start": {
        **OWNER_AND_STAFF,
        "trainee": REDIRECT,
        "manager": FORBIDDEN,
        "analyst": REDIRECT,
    },
    "projects:project-detail": OWNER_AND_STAFF,
    "projects:project-a3": OWNER_AND_STAFF,
    "projects:project-edit": {**OWNER_AND_STAFF, "manager": FORBIDDEN, "analyst": FORBIDDEN},
    "projects:project-review": {
        **OWNER_AND_STAFF,
        "trainee": FORBIDDEN,
        "manager": FORBIDDEN,
        "analyst": REDIRECT,
    },
    "projects:project-reopen": {
        **OWNER_AND_STAFF,
        "trainee": FORBIDDEN,
        "manager": FORBIDDEN,
        "analyst": REDIRECT,
    },
    # Analysts may change a measure's definition (with a recorded reason).
    "projects:measure-create": {**OWNER_AND_STAFF, "manager": FORBIDDEN},
    "projects:measure-edit": {**OWNER_AND_STAFF, "manager": FORBIDDEN},
    "projects:measurement-add": {**OWNER_AND_STAFF, "manager": FORBIDDEN, "analyst": FORBIDDEN},
    "projects:measurement-import": {
        **OWNER_AND_STAFF,
        "manager": FORBIDDEN,
        "analyst": FORBIDDEN,
    },
    "projects:measurement-delete": {
        **OWNER_AND_STAFF,
        "trainee": REDIRECT,
        "manager": FORBIDDEN,
        "analyst": FORBIDDEN,
    },
    "projects:progress-add": {**OWNER_AND_STAFF, "manager": FORBIDDEN, "analyst": FORBIDDEN},
    "projects:progress-delete": {
        **OWNER_AND_STAFF,
        "trainee": REDIRECT,
        "manager": FORBIDDEN,
        "analyst": FORBIDDEN,
    },
    "projects:attachment-download": OWNER_AND_STAFF,
    # Follow-ups are logged once the project is reviewed; this one is in progress, so its
    # readers are refused and outsiders see nothing (tests/projects/test_follow_up_views.py
    # covers a reviewed project's lead and team).
    "projects:follow-up-log": {
        **OWNER_AND_STAFF,
        "trainee": FORBIDDEN,
        "manager": FORBIDDEN,
        "analyst": FORBIDDEN,
    },
    "projects:project-team": PROJECT_READERS,
    # The lead and analysts choose the team; an empty post is refused with a message.
    "projects:team-member-edit": {
        **PROJECT_READERS,
        "trainee": REDIRECT,
        "manager": FORBIDDEN,
        "team_member": FORBIDDEN,
        "sponsor": FORBIDDEN,
        "analyst": REDIRECT,
    },
    "projects:team-member-remove": {
        **PROJECT_READERS,
        "manager": FORBIDDEN,
        "team_member": FORBIDDEN,
        "sponsor": FORBIDDEN,
    },
    # Only the lead shares their application's answers with the team (an empty POST: not
    # shared, as before).
    "projects:application-share": {
        **PROJECT_READERS,
        "trainee": REDIRECT,
        "manager": FORBIDDEN,
        "team_member": FORBIDDEN,
        "sponsor": FORBIDDEN,
        "analyst": FORBIDDEN,
    },
    # Only the sponsor agrees the goal.
    "projects:goal-agree": {
        **PROJECT_READERS,
        "trainee": FORBIDDEN,
        "manager": FORBIDDEN,
        "team_member": FORBIDDEN,
        "analyst": FORBIDDEN,
    },
    # Trainees have no cohort list: they are sent to their own cohort.
    "cohorts:cohort-list": {
        **only({}, OK),
        "trainee": REDIRECT,
        "other_trainee": REDIRECT,
    },
    "cohorts:cohort-create": ANALYSTS,
    "cohorts:schedule-propose": {**ANALYSTS, "analyst": 400},  # no Day 1 given
    # Whoever applied has their own cohort page (a manager or an executive who applied too).
    "cohorts:my-cohort": only(
        {"trainee": OK, "other_trainee": OK, "manager_trainee": OK, "executive": OK}, FORBIDDEN
    ),
    "cohorts:cohort-detail": {**OWNER_AND_STAFF, "trainee": REDIRECT},
    "cohorts:cohort-edit": ANALYSTS,
    "cohorts:cohort-status": {**ANALYSTS, "analyst": REDIRECT},
    "cohorts:cohort-calendar": OWNER_AND_STAFF,
    "cohorts:cohort-attendance": ANALYSTS,
    "cohorts:enrollment-place": {**ANALYSTS, "analyst": REDIRECT},
    "cohorts:application-withdraw": {
        **only({"trainee": REDIRECT, "other_trainee": MISSING}, FORBIDDEN),
    },  # not signed off: refused
    "cohorts:enrollment-withdraw": {
        **only({"trainee": OK, "other_trainee": MISSING}, FORBIDDEN),
    },
    "cohorts:enrollment-offer": {
        **only({"trainee": REDIRECT, "other_trainee": MISSING}, FORBIDDEN),
    },
    "cohorts:enrollment-move": ANALYSTS,
    "cohorts:enrollment-reorder": {**ANALYSTS, "analyst": REDIRECT},
    "coaching:overview": ANALYSTS,
    "coaching:assign": ANALYSTS,
    # Coaching the leaders, and the analysts' private notes on them: analysts only.
    "coaching:leader-list": ANALYSTS,
    "coaching:leader-detail": ANALYSTS,
    # The edit form and the delete confirmation (GET); the change itself is a POST.
    "coaching:leader-note-edit": ANALYSTS,
    "coaching:leader-note-delete": ANALYSTS,
    # Only the lead shows a conversation to their team or hides it (an empty POST: hidden, as
    # before).
    "coaching:conversation-team-visibility": {
        **OWNER_AND_STAFF,
        "trainee": REDIRECT,
        "manager": FORBIDDEN,
        "sponsor": FORBIDDEN,
        "analyst": FORBIDDEN,
    },
    "coaching:project-timeline": OWNER_AND_STAFF,
    "coaching:coach-history": OWNER_AND_STAFF,
    "coaching:conversation-create": {**OWNER_AND_STAFF, "trainee": FORBIDDEN, "manager": FORBIDDEN},
    # A leader of the trainee (the sponsor, or their own supervisor) records touchpoints and
    # sets a cadence; their supervisor's supervisor and the department's managers do not.
    "coaching:touchpoint-create": {
        **PROJECT_READERS,
        "trainee": FORBIDDEN,
        "manager": FORBIDDEN,
        "supervisor": OK,
        "team_member": FORBIDDEN,
        "analyst": FORBIDDEN,
    },
    "coaching:cadence-set": {
        **PROJECT_READERS,
        "trainee": FORBIDDEN,
        "manager": FORBIDDEN,
        "team_member": FORBIDDEN,
        "sponsor": REDIRECT,
        "supervisor": REDIRECT,
        "analyst": FORBIDDEN,
    },
    "coaching:request-create": {**OWNER_AND_STAFF, "manager": FORBIDDEN, "analyst": FORBIDDEN},
    "coaching:conversation-detail": OWNER_AND_STAFF,
    "coaching:conversation-edit": {
        **OWNER_AND_STAFF,
        "trainee": FORBIDDEN,
        "manager": FORBIDDEN,
    },
    "coaching:reflection-edit": {**OWNER_AND_STAFF, "manager": FORBIDDEN, "analyst": FORBIDDEN},
    # An empty step is refused with a message on the conversation page.
    "coaching:step-add": {
        **OWNER_AND_STAFF,
        "trainee": FORBIDDEN,
        "manager": FORBIDDEN,
        "analyst": REDIRECT,
    },
    # The step is the trainee's: its owner and analysts may check it off (then reopen it).
    # The whole list behind the manager's home card: for whoever manages people.
    "coaching:people-steps": only(
        {
            "manager": OK,
            "other_dept_manager": OK,
            "manager_trainee": OK,
            "supervisor": OK,
            "executive": OK,
        },
        FORBIDDEN,
    ),
    # The whole list behind the trainee's next steps card: one's own steps, whoever one is.
    "coaching:my-steps": SIGNED_IN,
    # The whole list behind the leader routines card: anyone may lead (a supervisor, a
    # sponsor), and sees only the people they lead.
    "coaching:people-routines": SIGNED_IN,
    "coaching:step-complete": {
        **OWNER_AND_STAFF,
        "trainee": REDIRECT,
        "manager": FORBIDDEN,
        "analyst": REDIRECT,
    },
    "coaching:step-reopen": {
        **OWNER_AND_STAFF,
        "trainee": REDIRECT,
        "manager": FORBIDDEN,
        "analyst": REDIRECT,
    },
    "coaching:request-resolve": {
        **OWNER_AND_STAFF,
        "trainee": FORBIDDEN,
        "manager": FORBIDDEN,
        "analyst": REDIRECT,
    },
    # Managers see the boards of cohorts where they have people; trainees have none.
    "reports:board-index": {**only({}, OK), "trainee": FORBIDDEN, "other_trainee": FORBIDDEN},
    **{
        name: {**OWNER_AND_STAFF, "trainee": FORBIDDEN, "other_trainee": FORBIDDEN}
        for name in [
            "reports:cohort-board",
            *(
                f"reports:export-{kind}-{fmt}"
                for kind in ("roster", "projects", "coaching")
                for fmt in ("csv", "xlsx")
            ),
        ]
    },
    # The review form (GET; the board's dialog loads it too); the review itself is a POST.
    "reports:project-review": ANALYSTS,
    "reports:program-report": ANALYSTS,
    "reports:program-engagement": ANALYSTS,
    "reports:program-sustainment": ANALYSTS,
    "reports:program-csv": ANALYSTS,
    "reports:program-table-csv": ANALYSTS,
    "reports:program-xlsx": ANALYSTS,
    # The trainee's own (it says what is missing until they complete) and analysts'.
    "reports:certificate": {**OWNER_AND_STAFF, "manager": MISSING},
    # Only a Lean Leader's certificate is a PDF; this enrollment has not finished yet.
    "reports:certificate-pdf": only({}, MISSING),
    # The directory and its pages: everyone signed in. Only a trainee with a project in
    # progress asks a peer coach; only the two people of a request see it (404 to others).
    "network:leader-list": SIGNED_IN,
    "network:leader-detail": SIGNED_IN,
    "network:profile-edit": SIGNED_IN,  # someone not a Lean Leader reads how to become one
    "network:peer-request-create": only({"trainee": OK}, FORBIDDEN),
    "network:peer-request-list": SIGNED_IN,
    "network:peer-request-detail": only({"trainee": OK}, MISSING),
    "network:peer-request-respond": only({"trainee": FORBIDDEN}, MISSING),  # the peer's
    "network:peer-request-withdraw": only({"trainee": REDIRECT}, MISSING),  # not confirmed
    "network:peer-help-record": only({"trainee": FORBIDDEN}, MISSING),  # not accepted yet
    "network:peer-help-share": only({"trainee": FORBIDDEN}, MISSING),  # nothing recorded
    "api:token-list": ANALYSTS,
    "api:token-revoke": {**ANALYSTS, "analyst": REDIRECT},
    # The read API takes a bearer token only: a signed-in session (and its cookie, which a
    # cross-site page could send) reads nothing. The schema and its docs are public.
    "api-v1:api-root": dict.fromkeys(ROLES, MISSING),
    "api-v1:openapi-json": PUBLIC,
    "api-v1:openapi-view": PUBLIC,
    **{
        f"api-v1:{name}": dict.fromkeys(ROLES, 401)
        for name in (
            "department_list",
            "department_get",
            "cohort_list",
            "cohort_get",
            "project_list",
            "project_get",
            "program_figures",
        )
    },
}

# The team member and the sponsor read the project, its coaching timeline and the attachments
# (200); they are refused its other actions (403) but the team member, whom the lead allows,
# logs. Everything else of the trainee's (the application, the cohort) answers them as it
# answers a stranger of their role.
_READ, _NO = (OK, OK), (FORBIDDEN, FORBIDDEN)
# The sponsor here manages nobody and no department, so outside the project they are an employee
# like the team member: they may apply, and see no one else's work.
TEAM_AND_SPONSOR: dict[str, tuple[Any, Any]] = {
    "applications:application-create": (OK, OK),
    "applications:application-decide": _NO,
    "applications:application-offline-sign-off": _NO,
    "cohorts:application-withdraw": (MISSING, MISSING),
    "cohorts:enrollment-offer": (MISSING, MISSING),
    "cohorts:enrollment-withdraw": (MISSING, MISSING),
    "cohorts:cohort-list": (REDIRECT, REDIRECT),
    "cohorts:my-cohort": (OK, OK),
    "projects:project-list": (FORBIDDEN, FORBIDDEN),
    "projects:project-detail": _READ,
    "projects:project-a3": _READ,
    "projects:attachment-download": _READ,
    "projects:measurement-add": (OK, FORBIDDEN),
    "projects:measurement-import": (OK, FORBIDDEN),
    "projects:progress-add": (OK, FORBIDDEN),
    "projects:follow-up-log": _NO,
    **dict.fromkeys(
        [
            "projects:project-edit",
            "projects:project-review",
            "projects:project-reopen",
            "projects:measure-create",
            "projects:measure-edit",
            "projects:measurement-delete",
            "projects:progress-delete",
        ],
        _NO,
    ),
    "coaching:project-timeline": _READ,
    "coaching:coach-history": _READ,
    # The lead has not shown the conversation to the team (the default): the team member does
    # not see it, its next steps or the lead's requests for coaching; the sponsor does.
    "coaching:conversation-detail": (MISSING, OK),
    **dict.fromkeys(
        [
            "coaching:conversation-edit",
            "coaching:reflection-edit",
            "coaching:request-resolve",
            "coaching:step-add",
            "coaching:step-complete",
            "coaching:step-reopen",
        ],
        (MISSING, FORBIDDEN),
    ),
    **dict.fromkeys(["coaching:conversation-create", "coaching:request-create"], _NO),
    "reports:board-index": (FORBIDDEN, FORBIDDEN),
    **dict.fromkeys(
        [
            "reports:cohort-board",
            *(
                f"reports:export-{kind}-{fmt}"
                for kind in ("roster", "projects", "coaching")
                for fmt in ("csv", "xlsx")
            ),
        ],
        (FORBIDDEN, FORBIDDEN),
    ),
}
for _name, (_member, _sponsor) in TEAM_AND_SPONSOR.items():
    EXPECTED[_name] = {**EXPECTED[_name], "team_member": _member, "sponsor": _sponsor}


PRIVATE_MARKER = "Coach-only-marker-7731"
PERSONAL_MARKER = "Applicant-answer-marker-7731"
LEADER_NOTE_MARKER = "Leader-note-marker-7731"


# The combined people act on the trainee's objects as the trainee's department manager does
# (where an entry above does not say otherwise): they manage the trainee, directly, through a
# report, or as a manager of the department, and may never act as the trainee on them.
for _expected in EXPECTED.values():
    for _role in COMBINED:
        _expected.setdefault(_role, _expected["manager"])


@dataclass
class World:
    application: Application
    objects: dict[str, Any]


def in_safe_order(patterns: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Deleting URLs last, so the objects they remove are there for the other URLs."""
    return sorted(patterns, key=lambda item: "delete" in item[0])


def named_patterns(resolvers: list | None = None, prefix: str = "") -> list[tuple[str, Any]]:
    found = []
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            found += named_patterns(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            found.append((f"{prefix}{entry.name}", entry))
    return found


def kwargs_for(name: str, pattern: URLPattern, world: World) -> dict[str, Any]:
    kwargs = {}
    for param in pattern.pattern.converters:
        if param == "uidb64":
            kwargs[param] = "MA"  # user 0: nobody
        elif param == "token":
            kwargs[param] = "not-a-token"
        elif param == "day":
            kwargs[param] = 1
        elif param == "table":
            kwargs[param] = "by-cohort"
        elif param == "pk":
            namespace = name.split(":")[0] if ":" in name else name
            if name.startswith("cohorts:enrollment-"):
                namespace = "enrollment"
            if namespace.startswith("org-import-"):
                namespace = "org-import"
            if namespace in ("outbox-resend", "enrollment", "org-import"):
                kwargs[param] = world.objects[namespace].pk
                continue
            kwargs[param] = world.objects[namespace].pk
        else:
            kwargs[param] = world.objects[param].pk
    return kwargs


@pytest.fixture
def executive(department):
    """The department head: reports to the City Administrator, and applied themselves."""
    city_administrator = TraineeFactory(
        department=DepartmentFactory(name="City Administrator", code="ADM"),
        full_name="Cory Administrator",
    )
    head = TraineeFactory(
        department=department, full_name="Eve Executive", supervisor=city_administrator
    )
    ApplicationFactory(
        trainee=head, manager=city_administrator, status=Application.Status.SUBMITTED
    )
    return head


@pytest.fixture
def supervisor(trainee, executive, department):
    """The trainee's supervisor, who manages no department."""
    person = TraineeFactory(department=department, full_name="Sam Supervisor", supervisor=executive)
    trainee.supervisor = person
    trainee.save(update_fields=["supervisor"])
    return person


@pytest.fixture
def manager_trainee(department, manager):
    """A second manager of the trainee's department, whose own application waits on the first."""
    person = ManagerFactory(department=department, full_name="Mia Managertrainee")
    ApplicationFactory(trainee=person, manager=manager, status=Application.Status.SUBMITTED)
    return person


@pytest.fixture
def team_member(other_department):
    from tests.factories import TraineeFactory

    return TraineeFactory(department=other_department, full_name="Tess Teammember")


@pytest.fixture
def sponsor(other_department):
    from tests.factories import ManagerFactory

    person = ManagerFactory(department=other_department, full_name="Sid Sponsor")
    person.managed_departments.clear()
    return person


@pytest.fixture
def world(
    trainee,
    manager,
    other_trainee,
    other_dept_manager,
    manager_trainee,
    supervisor,
    executive,
    team_member,
    sponsor,
    analyst,
    other_department,
    tmp_path,
    settings,
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from leanleaders.mail import email_queue
    from projects import services as project_services
    from tests.projects.factories import add_measurements, make_project
    from tests.projects.test_attachments import tiny_png

    settings.MEDIA_ROOT = tmp_path
    project = make_project(trainee, program_year=timezone.localdate().year - 1)
    add_measurements(project, [20, 18])
    project_services.team_member_add(
        project_id=project.pk, by=trainee, user_id=team_member.pk, role="member", may_log=True
    )
    project_services.project_sponsor_set(project_id=project.pk, by=trainee, user_id=sponsor.pk)
    member = project.members.get()
    project.application.role_and_team = PERSONAL_MARKER
    project.application.signoff_note = PERSONAL_MARKER
    project.application.save()
    entry = project_services.progress_entry_add(
        project_id=project.pk,
        by=trainee,
        date=timezone.localdate(),
        did="Mapped it",
        files=[SimpleUploadedFile("map.png", tiny_png())],
    )

    application = ApplicationFactory(
        trainee=trainee, manager=manager, status=Application.Status.SUBMITTED
    )
    outbox = email_queue(
        to=["x@sfgov.org"],
        template="leanleaders/emails/account_exists",
        context={"user": trainee, "reset_url": "x"},
        dedupe_key="matrix",
    )
    outbox.status = "failed"
    outbox.save()
    from cohorts import services as cohort_services
    from tests.cohorts.factories import ApprovedApplicationFactory, CohortFactory

    cohort = CohortFactory()
    earlier = ApprovedApplicationFactory(
        trainee=trainee, program_year=timezone.localdate().year - 2
    )
    enrollment = cohort_services.enrollment_place(
        application_id=earlier.pk, cohort_id=cohort.pk, by=analyst
    )
    measure = project.measures.get(is_primary=True)
    from coaching.models import CoachingRequest
    from tests.coaching.factories import log_conversation

    conversation = log_conversation(project, analyst, private_notes=PRIVATE_MARKER)
    from coaching.services import leader_note_add

    leader_note, _sponsor_note = (
        leader_note_add(leader_id=leader.pk, by=analyst, body=LEADER_NOTE_MARKER)
        for leader in (supervisor, sponsor)
    )
    coaching_request = CoachingRequest.objects.create(project=project, requested_by=trainee)
    from api.services import api_token_create

    api_token, _secret = api_token_create(by=analyst, name="Dashboard")
    from leanleaders.services import org_import_create, org_import_preview
    from tests.support.org_files import csv_bytes, person

    org_import = org_import_create(
        by=analyst,
        filename="org.csv",
        content=csv_bytes([person(900, supervisor="nobody@sfgov.org")]),
        deactivate_missing=False,
        queue_read=False,
    )
    org_import_preview(import_id=org_import.pk)
    from network.services import peer_request_create
    from tests.network.factories import make_lean_leader

    leader, _leader_project = make_lean_leader(
        department=other_department, full_name="Lee Leader", story="Ask me", peer_coach=True
    )
    peer_request = peer_request_create(by=trainee, peer_id=leader.pk, message="Can we talk?")
    return World(
        application=application,
        objects={
            "applications": application,
            "outbox-resend": outbox,
            "org-import": org_import,
            "projects": project,
            "member_id": member,
            "application_id": project.application,
            "measure_id": measure,
            "measurement_id": measure.measurements.first(),
            "entry_id": entry,
            "attachment_id": entry.attachments.get(),
            "follow_up_id": FollowUp.objects.create(
                project=project,
                days_after=30,
                due_on=timezone.localdate(),
                reference_baseline=Decimal(21),
                reference_gain=Decimal(3),
                # Logged, so it stays when the analyst's run reviews the project (a project
                # without a Day 3 keeps only its logged follow-ups).
                value=Decimal(19),
            ),
            "cohorts": cohort,
            "enrollment": enrollment,
            "application_pk": application,
            "project_id": project,
            "conversation_id": conversation,
            "step_id": conversation.next_steps.get(),
            "request_id": coaching_request,
            "reports": cohort,
            "enrollment_id": enrollment,
            "api": api_token,
            "department_id": project.department,
            "cohort_id": cohort,
            "leader_id": leader,
            "network": peer_request,
            "user_id": supervisor,
            "note_id": leader_note,  # on the supervisor, the `user_id` above
        },
    )


def answer(client: Client, url: str) -> Any:
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
    if response.status_code == 302 and response.url.startswith(reverse("login")):
        return LOGIN
    return response.status_code


def test_every_url_has_an_expectation():
    missing = sorted(name for name, _ in named_patterns() if name not in EXPECTED)
    assert missing == [], f"add these URLs to EXPECTED: {missing}"


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_expected(request, role, world):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    mismatches = []
    for name, pattern in in_safe_order(named_patterns()):
        if name not in EXPECTED:
            continue
        client = Client()
        if user is not None:
            client.force_login(user)
        url = reverse(name, kwargs=kwargs_for(name, pattern, world))
        got = answer(client, url)
        if got != EXPECTED[name][role]:
            mismatches.append(f"{name} {url}: expected {EXPECTED[name][role]}, got {got}")
    assert mismatches == [], "\n".join(mismatches)
    world.application.refresh_from_db()
    assert world.application.status == Application.Status.SUBMITTED  # nothing changed
    note = world.objects["note_id"]
    note.refresh_from_db()  # not deleted: the delete page asks first
    assert note.body == LEADER_NOTE_MARKER


@pytest.mark.parametrize("role", ["team_member", "sponsor", "supervisor", "manager", "trainee"])
def test_no_page_shows_a_team_or_leader_the_private_notes_or_personal_answers(request, role, world):
    """Every page a team member or sponsor can open, without the coach's private notes, the
    analysts' notes on leaders or the application's personal answers (the trainee, their
    supervisor and their manager are checked for the notes)."""
    user = request.getfixturevalue(role)
    client = Client()
    client.force_login(user)
    markers = [PRIVATE_MARKER, LEADER_NOTE_MARKER]
    if role in ("team_member", "sponsor"):
        markers.append(PERSONAL_MARKER)
    leaks = []
    for name, pattern in in_safe_order(named_patterns()):
        if "delete" in name or "logout" in name:
            continue
        url = reverse(name, kwargs=kwargs_for(name, pattern, world))
        response = client.get(url)
        if response.status_code != 200 or not hasattr(response, "content"):
            continue
        body = response.content.decode(errors="replace")
        leaks += [f"{name}: {marker}" for marker in markers if marker in body]
    assert leaks == []
