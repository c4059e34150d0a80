"""Issue 20: capabilities from the org chart, sign-off by the supervisor, escalation up the
chain, and open applications following changes of the org chart."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from applications import policies, services
from applications.forms import ApplicationForm
from applications.models import Application
from leanleaders import roles
from leanleaders.audit import audit_events_for
from leanleaders.models import User
from leanleaders.registry import OrgChanges, org_change_listeners
from leanleaders.reminders import rule_run
from tests.applications.factories import COMPLETE, ApplicationFactory
from tests.factories import DepartmentFactory, ManagerFactory, TraineeFactory

pytestmark = pytest.mark.django_db
S = Application.Status
CITY = ZoneInfo("America/Los_Angeles")
# Monday 2 March 2026, 10:00 in the city; no holidays in the following two weeks.
SUBMITTED = dt.datetime(2026, 3, 2, 10, 0, tzinfo=CITY)


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, 0, tzinfo=CITY)


@pytest.fixture
def chain(department, manager):
    """Three levels in Public Health: a front-line trainee, their supervisor, the supervisor's
    own supervisor (the director), who reports to the City Administrator."""
    administrator = TraineeFactory(
        department=DepartmentFactory(name="City Administrator", code="ADM"),
        full_name="Cory Administrator",
    )
    director = TraineeFactory(
        department=department, full_name="Dana Director", supervisor=administrator
    )
    supervisor = TraineeFactory(
        department=department, full_name="Sam Supervisor", supervisor=director
    )
    frontline = TraineeFactory(
        department=department, full_name="Fran Frontline", supervisor=supervisor
    )
    return {
        "administrator": administrator,
        "director": director,
        "supervisor": supervisor,
        "frontline": frontline,
    }


def fresh(user: User) -> User:
    """The person as the next request loads them (no facts remembered from before)."""
    return User.objects.get(pk=user.pk)


# Capabilities -------------------------------------------------------------------------------


def test_capabilities_follow_facts(chain, manager, analyst, trainee):
    assert roles.is_manager(fresh(chain["supervisor"]))  # has a report, manages no department
    assert roles.is_manager(fresh(manager))  # a department's manager, reports to nobody here
    assert not roles.is_manager(fresh(chain["frontline"]))
    assert roles.is_trainee(fresh(chain["frontline"]))
    # Everyone but analysts may apply; a manager has the trainee's pages once they applied.
    assert all(policies.can_apply(p) for p in (manager, chain["supervisor"], trainee))
    assert not policies.can_apply(analyst)
    assert not roles.is_trainee(fresh(manager))
    ApplicationFactory(trainee=manager, manager=None)
    assert roles.is_trainee(fresh(manager))
    assert roles.is_manager(fresh(manager))


def test_a_supervisor_who_loses_their_last_report_stops_managing(chain):
    chain["frontline"].is_active = False
    chain["frontline"].save()
    assert not roles.is_manager(fresh(chain["supervisor"]))


def test_manager_who_applied_sees_both_sections_on_one_home_page(
    client_for, manager, trainee, alternate_manager
):
    ApplicationFactory(trainee=trainee, manager=manager, status=S.SUBMITTED, title="Theirs")
    ApplicationFactory(trainee=manager, manager=alternate_manager, status=S.SUBMITTED, title="Mine")
    html = client_for(manager).get(reverse("home")).content.decode()
    assert "Waiting for your sign-off" in html
    assert "Your application" in html
    signoffs = html.split('id="section-signoffs"')[1].split("</section>")[0]
    assert "Theirs" in signoffs
    assert "Mine" not in signoffs
    mine = html.split('id="section-application"')[1].split("</section>")[0]
    assert "Mine" in mine


def test_manager_who_applied_never_signs_off_their_own(manager, alternate_manager):
    own = ApplicationFactory(trainee=manager, manager=alternate_manager, status=S.SUBMITTED)
    assert not policies.can_sign_off(manager, own)
    with pytest.raises(PermissionDenied):
        services.application_manager_decide(application_id=own.pk, by=manager, decision="approve")
    own.refresh_from_db()
    assert own.status == S.SUBMITTED


def test_manager_who_applied_sees_no_peers_drafts(manager, trainee, colleague):
    ApplicationFactory(trainee=manager, manager=None)
    draft = ApplicationFactory(trainee=colleague, status=S.DRAFT)
    submitted = ApplicationFactory(trainee=trainee, status=S.SUBMITTED)
    visible = set(policies.visible_applications(fresh(manager)).values_list("pk", flat=True))
    assert submitted.pk in visible
    assert draft.pk not in visible


def test_a_trainee_sees_no_peer_application(chain, trainee):
    theirs = ApplicationFactory(trainee=chain["frontline"], status=S.SUBMITTED)
    assert theirs not in policies.visible_applications(fresh(trainee))
    assert not policies.can_sign_off(trainee, theirs)


def test_supervisor_sees_and_signs_their_reports_only(chain, trainee):
    frontline = ApplicationFactory(trainee=chain["frontline"], status=S.SUBMITTED)
    peer = ApplicationFactory(trainee=trainee, status=S.SUBMITTED)
    supervisor = fresh(chain["supervisor"])
    assert set(policies.visible_applications(supervisor)) == {frontline}
    assert policies.can_sign_off(supervisor, frontline)
    assert not policies.can_sign_off(supervisor, peer)


# Sign-off goes to the supervisor ------------------------------------------------------------


def test_application_names_the_supervisor_by_default(chain, manager):
    application = services.application_create_draft(by=chain["frontline"], data=COMPLETE)
    assert application.manager == chain["supervisor"]


def test_an_executive_application_goes_to_their_supervisor(chain):
    director = services.application_create_draft(by=chain["director"], data=COMPLETE)
    assert director.manager == chain["administrator"]
    assert policies.can_sign_off(chain["administrator"], director) is False  # not yet submitted
    services.application_submit(application_id=director.pk, by=chain["director"])
    director.refresh_from_db()
    assert policies.can_sign_off(fresh(chain["administrator"]), director)


def test_without_a_supervisor_the_department_manager_signs_off(trainee, manager):
    application = services.application_create_draft(by=trainee, data=COMPLETE)
    assert application.manager == manager


def test_choosing_another_manager_needs_a_reason(chain, manager):
    frontline = chain["frontline"]
    data = {**COMPLETE, "manager": manager.pk, "submit": "1"}
    form = ApplicationForm(data=data, trainee=frontline, for_submission=True)
    assert not form.is_valid()
    assert "manager_change_reason" in form.errors
    form = ApplicationForm(
        data={**data, "manager_change_reason": "My supervisor is on leave until June."},
        trainee=frontline,
        for_submission=True,
    )
    assert form.is_valid(), form.errors
    # Only the supervisor and the department's managers are offered; never oneself.
    offered = set(form.fields["manager"].queryset)
    assert offered == {chain["supervisor"], manager}


def test_the_service_refuses_naming_oneself(trainee):
    with pytest.raises(ValidationError):
        services.application_create_draft(by=trainee, data={"title": "x", "manager": trainee})


def test_nobody_signs_off_through_a_loop_in_the_chain(department, manager):
    first = TraineeFactory(department=department, full_name="Ann First")
    second = TraineeFactory(department=department, full_name="Ben Second", supervisor=first)
    first.supervisor = second
    first.save()
    application = ApplicationFactory(trainee=first, manager=second, status=S.SUBMITTED)
    # Second reports to the applicant: not a signer, so the department's manager is asked.
    assert not policies.can_sign_off(second, application)
    assert not policies.can_sign_off(first, application)
    assert services.escalation_recipients(application, 1) == [manager]


def test_a_report_never_signs_off_their_bosss_application(chain, department):
    # The director's report is also named a manager of the department.
    department.managers.add(chain["supervisor"])
    application = ApplicationFactory(
        trainee=chain["director"], manager=chain["administrator"], status=S.SUBMITTED
    )
    assert not policies.can_sign_off(fresh(chain["supervisor"]), application)


# Escalation ---------------------------------------------------------------------------------


@pytest.fixture
def waiting(chain, manager):
    return ApplicationFactory(
        trainee=chain["frontline"],
        manager=chain["supervisor"],
        status=S.SUBMITTED,
        submitted_at=SUBMITTED,
    )


def _escalations(application: Application) -> list[dict]:
    return [e.data for e in audit_events_for(application).filter(action="signoff-escalated")]


def test_escalation_goes_up_the_chain_then_department_then_analysts(
    waiting, chain, manager, analyst, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rule_run(key="signoff-pending", now=at(4))  # 2 working days: nothing yet
    assert mailoutbox == []
    assert _escalations(waiting) == []

    with django_capture_on_commit_callbacks(execute=True):
        rule_run(key="signoff-pending", now=at(5))  # 3: the supervisor's supervisor
    waiting.refresh_from_db()
    assert waiting.manager == chain["director"]
    assert [m.to for m in mailoutbox] == [[chain["director"].email]]
    assert _escalations(waiting)[-1]["to_manager"] == chain["director"].pk

    with django_capture_on_commit_callbacks(execute=True):
        rule_run(key="signoff-pending", now=at(10))  # 6: the department's manager
    waiting.refresh_from_db()
    assert waiting.manager == manager
    assert mailoutbox[-1].to == [manager.email]

    with django_capture_on_commit_callbacks(execute=True):
        rule_run(key="signoff-pending", now=at(13))  # 9: the analysts
        rule_run(key="signoff-pending", now=at(13, 15))  # again: nothing twice
    assert mailoutbox[-1].to == [analyst.email]
    assert [e["step"] for e in _escalations(waiting)] == [1, 2, 3]
    assert len(mailoutbox) == 3
    # The director, now the named signer, may sign off.
    assert policies.can_sign_off(fresh(chain["director"]), waiting)


def test_escalation_waits_the_configured_working_days(waiting, chain, settings):
    settings.LEANLEADERS_SIGNOFF_ESCALATION_DAYS = 5
    rule_run(key="signoff-pending", now=at(6))  # 4 working days
    waiting.refresh_from_db()
    assert waiting.signoff_step == 0
    rule_run(key="signoff-pending", now=at(9))  # 5 working days
    waiting.refresh_from_db()
    assert (waiting.signoff_step, waiting.manager) == (1, chain["director"])


def test_a_dry_run_changes_nothing(waiting):
    result = rule_run(key="signoff-pending", now=at(5), dry_run=True)
    waiting.refresh_from_db()
    assert waiting.signoff_step == 0
    assert [r.recipient.full_name for r in result.due] == ["Dana Director"]


def test_escalation_never_reaches_the_applicant(department, manager, analyst):
    head = TraineeFactory(department=department, full_name="Hal Head")
    department.managers.set([head])
    application = ApplicationFactory(
        trainee=head, manager=None, status=S.SUBMITTED, submitted_at=SUBMITTED
    )
    rule_run(key="signoff-pending", now=at(10))
    application.refresh_from_db()
    assert application.manager_id != head.pk
    assert services.escalation_recipients(application, 2) == [analyst]


# Org changes reach open work ----------------------------------------------------------------


def test_the_listener_is_registered():
    assert services.applications_follow_org_changes in list(org_change_listeners)


def test_a_new_supervisor_takes_over_waiting_sign_offs(
    chain, analyst, mailoutbox, django_capture_on_commit_callbacks
):
    frontline, old = chain["frontline"], chain["supervisor"]
    new = TraineeFactory(department=frontline.department, full_name="Nia New")
    application = ApplicationFactory(
        trainee=frontline, manager=old, status=S.SUBMITTED, submitted_at=SUBMITTED
    )
    signed = ApplicationFactory(
        trainee=frontline, manager=old, status=S.MANAGER_APPROVED, program_year=2020
    )
    frontline.supervisor = new
    frontline.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.applications_follow_org_changes(
            OrgChanges(supervisor_changes=((frontline.pk, old.pk, new.pk),)), by=analyst
        )
    application.refresh_from_db()
    signed.refresh_from_db()
    assert application.manager == new
    assert signed.manager == old  # already signed off: history stays
    event = audit_events_for(application).get(action="signer-changed")
    assert event.data["from_manager"] == old.pk
    assert event.data["to_manager"] == new.pk
    assert event.actor == analyst
    assert [m.to for m in mailoutbox] == [[new.email]]
    assert "Fran Frontline" in mailoutbox[0].body


def test_a_deactivated_persons_sign_offs_go_to_their_supervisor(
    chain, analyst, mailoutbox, django_capture_on_commit_callbacks
):
    leaving = chain["supervisor"]
    application = ApplicationFactory(
        trainee=chain["frontline"], manager=leaving, status=S.SUBMITTED, submitted_at=SUBMITTED
    )
    leaving.is_active = False
    leaving.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.applications_follow_org_changes(
            OrgChanges(deactivated_ids=(leaving.pk,)), by=analyst
        )
    application.refresh_from_db()
    assert application.manager == chain["director"]
    assert audit_events_for(application).filter(action="signer-changed").count() == 1
    assert [m.to for m in mailoutbox] == [[chain["director"].email]]


def test_the_listener_twice_changes_nothing_more(chain, analyst):
    frontline, old = chain["frontline"], chain["supervisor"]
    new = TraineeFactory(department=frontline.department)
    application = ApplicationFactory(trainee=frontline, manager=old, status=S.SUBMITTED)
    frontline.supervisor = new
    frontline.save()
    changes = OrgChanges(supervisor_changes=((frontline.pk, old.pk, new.pk),))
    services.applications_follow_org_changes(changes, by=analyst)
    services.applications_follow_org_changes(changes, by=analyst)
    assert audit_events_for(application).filter(action="signer-changed").count() == 1


def test_a_department_manager_never_becomes_signer_of_their_own(manager, analyst):
    boss = ManagerFactory(department=manager.department, manages=[], full_name="Bo Boss")
    application = ApplicationFactory(trainee=manager, manager=boss, status=S.SUBMITTED)
    boss.is_active = False
    boss.save()
    services.applications_follow_org_changes(OrgChanges(deactivated_ids=(boss.pk,)), by=analyst)
    application.refresh_from_db()
    assert application.manager_id != manager.pk
