import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from applications import services
from applications.models import Application
from leanleaders.audit import audit_events_for
from leanleaders.workflow import InvalidTransition
from tests.applications.factories import COMPLETE, ApplicationFactory

pytestmark = pytest.mark.django_db
S = Application.Status


@pytest.fixture
def draft(trainee, manager):
    return ApplicationFactory(trainee=trainee, manager=manager)


def submitted(trainee, manager):
    application = ApplicationFactory(trainee=trainee, manager=manager)
    return services.application_submit(application_id=application.pk, by=trainee)


def approved(trainee, manager):
    application = submitted(trainee, manager)
    return services.application_manager_decide(
        application_id=application.pk, by=manager, decision="approve"
    )


def test_draft_takes_department_and_default_manager_from_profile(trainee, manager):
    application = services.application_create_draft(by=trainee, data={"title": "Slow intake"})
    assert application.department == trainee.department
    assert application.manager == manager
    assert application.status == S.DRAFT


def test_only_one_active_application_per_program_year(trainee, manager):
    services.application_create_draft(by=trainee, data={"title": "First"})
    with pytest.raises(ValidationError, match="already have an active application"):
        services.application_create_draft(by=trainee, data={"title": "Second"})


def test_a_withdrawn_application_can_be_followed_by_a_new_one(trainee, manager, draft):
    services.application_withdraw(application_id=draft.pk, by=trainee)
    again = services.application_create_draft(by=trainee, data={"title": "Second try"})
    assert again.status == S.DRAFT


def test_analysts_cannot_start_applications(analyst):
    with pytest.raises(PermissionDenied):
        services.application_create_draft(by=analyst, data={"title": "x"})


def test_a_manager_may_apply_and_is_never_their_own_signer(manager, alternate_manager):
    application = services.application_create_draft(by=manager, data={"title": "x"})
    assert application.trainee == manager
    assert application.manager == alternate_manager


def test_submitting_an_incomplete_draft_names_what_is_missing(trainee, manager):
    application = services.application_create_draft(by=trainee, data={"title": "Only a title"})
    with pytest.raises(ValidationError) as error:
        services.application_submit(application_id=application.pk, by=trainee)
    message = " ".join(error.value.messages)
    assert "the problem" in message
    assert "what you will count or time" in message
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_submit_emails_the_named_signer_with_a_sign_in_link(
    trainee, manager, alternate_manager, draft, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application_id=draft.pk, by=trainee)
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED
    assert draft.submitted_at is not None
    # The department's other managers are asked only when the sign-off is escalated.
    assert [m.to[0] for m in mailoutbox] == [manager.email]
    message = next(m for m in mailoutbox if m.to == [manager.email])
    assert "asks for your sign-off" in message.subject
    assert f"/applications/{draft.pk}/" in message.body
    assert "sign in" in message.body
    assert "approve" not in message.body.split("http")[-1]  # the link does not approve by itself


def test_the_named_manager_is_told_they_were_named(
    trainee, manager, alternate_manager, draft, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application_id=draft.pk, by=trainee)
    by_recipient = {m.to[0]: m.body for m in mailoutbox}
    named = "Taylor Trainee named you as the manager who signs off"
    assert named in by_recipient[manager.email]
    assert alternate_manager.email not in by_recipient


def test_a_named_manager_who_left_the_department_is_not_asked_to_sign_off(
    trainee,
    manager,
    alternate_manager,
    department,
    draft,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    department.managers.remove(manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application_id=draft.pk, by=trainee)
    assert [m.to for m in mailoutbox] == [[alternate_manager.email]]


def test_manager_approval_tells_trainee_and_analysts(
    trainee, manager, analyst, mailoutbox, django_capture_on_commit_callbacks
):
    application = submitted(trainee, manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_manager_decide(
            application_id=application.pk, by=manager, decision="approve", comment="Go for it"
        )
    application.refresh_from_db()
    assert application.status == S.MANAGER_APPROVED
    recipients = {tuple(m.to) for m in mailoutbox}
    assert (trainee.email,) in recipients
    assert (analyst.email,) in recipients
    trainee_mail = next(m for m in mailoutbox if m.to == [trainee.email])
    assert "Go for it" in trainee_mail.body


def test_manager_requests_changes_then_trainee_edits_and_resubmits(
    trainee, manager, mailoutbox, django_capture_on_commit_callbacks
):
    application = submitted(trainee, manager)
    services.application_manager_decide(
        application_id=application.pk,
        by=manager,
        decision="request_changes",
        comment="Narrow it to one team",
    )
    services.application_update(
        application_id=application.pk, by=trainee, data={"title": "Renewals in one team"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application_id=application.pk, by=trainee)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert application.title == "Renewals in one team"
    assert mailoutbox[-1].subject.startswith("Updated:")


@pytest.mark.parametrize("decision", ["request_changes", "decline"])
def test_manager_must_explain_a_refusal(trainee, manager, decision):
    application = submitted(trainee, manager)
    with pytest.raises(ValidationError, match="comment"):
        services.application_manager_decide(
            application_id=application.pk, by=manager, decision=decision, comment=" "
        )
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_manager_cannot_approve_a_draft(trainee, manager, draft):
    with pytest.raises(InvalidTransition):
        services.application_manager_decide(application_id=draft.pk, by=manager, decision="approve")
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_manager_cannot_approve_other_department(trainee, manager, other_dept_manager):
    application = submitted(trainee, manager)
    with pytest.raises(PermissionDenied):
        services.application_manager_decide(
            application_id=application.pk, by=other_dept_manager, decision="approve"
        )


def test_alternate_manager_can_sign_off(trainee, manager, alternate_manager):
    application = submitted(trainee, manager)
    services.application_manager_decide(
        application_id=application.pk, by=alternate_manager, decision="approve"
    )
    application.refresh_from_db()
    assert application.status == S.MANAGER_APPROVED


def test_trainee_cannot_approve_their_own(trainee, manager):
    application = submitted(trainee, manager)
    with pytest.raises(PermissionDenied):
        services.application_manager_decide(
            application_id=application.pk, by=trainee, decision="approve"
        )


def test_a_manager_cannot_sign_off_their_own_application(department):
    from tests.factories import ManagerFactory

    boss = ManagerFactory(department=department)
    application = ApplicationFactory(trainee=boss, manager=boss, status=S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.application_manager_decide(
            application_id=application.pk, by=boss, decision="approve"
        )


def test_acting_on_a_stale_page_is_refused(trainee, manager):
    application = submitted(trainee, manager)
    stale_version = application.version
    services.application_manager_decide(
        application_id=application.pk, by=manager, decision="approve"
    )
    with pytest.raises(ValidationError, match="changed since you opened the page"):
        services.application_manager_decide(
            application_id=application.pk,
            by=manager,
            decision="decline",
            comment="no",
            expected_version=stale_version,
        )
    application.refresh_from_db()
    assert application.status == S.MANAGER_APPROVED


def test_acting_twice_is_refused_with_a_clear_message(trainee, manager):
    application = submitted(trainee, manager)
    services.application_manager_decide(
        application_id=application.pk, by=manager, decision="approve"
    )
    with pytest.raises(InvalidTransition, match="awaiting analyst review"):
        services.application_manager_decide(
            application_id=application.pk, by=manager, decision="approve"
        )


def test_analyst_records_an_offline_sign_off(trainee, manager, analyst):
    application = submitted(trainee, manager)
    services.application_record_offline_signoff(
        application_id=application.pk, by=analyst, how="Email from the manager, 3 March"
    )
    application.refresh_from_db()
    assert application.status == S.MANAGER_APPROVED
    assert application.signoff_note == "Email from the manager, 3 March"
    event = audit_events_for(application).last()
    assert event.data["offline_signoff"] == "Email from the manager, 3 March"


def test_no_acceptance_without_manager_sign_off(trainee, manager, analyst):
    application = submitted(trainee, manager)
    with pytest.raises(InvalidTransition):
        services.application_accept(application_id=application.pk, by=analyst)


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("application_accept", S.ACCEPTED),
        ("application_waitlist", S.WAITLISTED),
        ("application_decline", S.DECLINED),
        ("application_analyst_request_changes", S.CHANGES_REQUESTED),
    ],
)
def test_analyst_decisions_tell_the_trainee(
    trainee, manager, analyst, action, status, mailoutbox, django_capture_on_commit_callbacks
):
    application = approved(trainee, manager)
    with django_capture_on_commit_callbacks(execute=True):
        getattr(services, action)(
            application_id=application.pk, by=analyst, comment="Because reasons"
        )
    application.refresh_from_db()
    assert application.status == status
    assert mailoutbox[-1].to == [trainee.email]
    assert "Because reasons" in mailoutbox[-1].body


def test_waitlisted_application_can_later_be_accepted(trainee, manager, analyst):
    application = approved(trainee, manager)
    services.application_waitlist(application_id=application.pk, by=analyst)
    services.application_accept(application_id=application.pk, by=analyst)
    application.refresh_from_db()
    assert application.status == S.ACCEPTED


def test_managers_cannot_make_analyst_decisions(trainee, manager):
    application = approved(trainee, manager)
    with pytest.raises(PermissionDenied):
        services.application_accept(application_id=application.pk, by=manager)


def test_withdrawal_of_a_placed_application_goes_through_the_cohort(trainee, manager, analyst):
    application = approved(trainee, manager)
    services.application_accept(application_id=application.pk, by=analyst)
    with pytest.raises(ValidationError, match="Leave your cohort first"):
        services.application_withdraw(application_id=application.pk, by=trainee)
    services.application_withdraw(application_id=application.pk, by=trainee, seat_released=True)
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN


def test_withdrawal_tells_the_manager_and_analysts_once_it_reached_them(
    trainee, manager, analyst, mailoutbox, django_capture_on_commit_callbacks
):
    application = approved(trainee, manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_withdraw(application_id=application.pk, by=trainee)
    withdrawn_mail = [m for m in mailoutbox if m.subject.startswith("Withdrawn")]
    assert len(withdrawn_mail) == 1
    assert set(withdrawn_mail[0].to) == {manager.email, analyst.email}


def test_nobody_else_can_withdraw_or_edit(trainee, other_trainee, manager, draft):
    for person in (other_trainee, manager):
        with pytest.raises(PermissionDenied):
            services.application_withdraw(application_id=draft.pk, by=person)
        with pytest.raises(PermissionDenied):
            services.application_update(application_id=draft.pk, by=person, data={"title": "x"})


def test_submitted_application_cannot_be_edited(trainee, manager):
    application = submitted(trainee, manager)
    with pytest.raises(ValidationError, match="can't be edited"):
        services.application_update(application_id=application.pk, by=trainee, data=COMPLETE)


def test_every_transition_is_recorded_in_the_timeline(trainee, manager, analyst):
    application = approved(trainee, manager)
    services.application_decline(application_id=application.pk, by=analyst, comment="Not now")
    events = list(audit_events_for(application).filter(action="status"))
    assert [(e.from_status, e.to_status, e.actor) for e in events] == [
        (S.DRAFT, S.SUBMITTED, trainee),
        (S.SUBMITTED, S.MANAGER_APPROVED, manager),
        (S.MANAGER_APPROVED, S.DECLINED, analyst),
    ]
    assert events[-1].comment == "Not now"


def test_emails_are_sent_only_after_commit(trainee, manager, draft, mailoutbox):
    services.application_submit(application_id=draft.pk, by=trainee)
    assert mailoutbox == []  # the test transaction never committed
