"""Every change to an application: drafting, sign-off, review and withdrawal.

Each function locks the application row, checks who is acting (policies), checks the state (the
workflow's TRANSITIONS), records the change in the audit log and queues the emails, which are sent
after the transaction commits.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Case, Exists, F, Min, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import policies
from applications.models import Application
from applications.selectors import department_signers, signoff_managers
from leanleaders.audit import audit_events_for, audit_record
from leanleaders.mail import absolute_url, email_queue
from leanleaders.models import AuditEvent, User
from leanleaders.registry import OrgChanges
from leanleaders.workflow import transition

Status = Application.Status

# What a trainee may write on their application. Anything else in a request is ignored.
EDITABLE_FIELDS = (
    "title",
    "process_today",
    "problem",
    "evidence",
    "measure_name",
    "measure_unit",
    "measure_direction",
    "baseline_estimate",
    "why_it_matters",
    "role_and_team",
    "manager",
    "manager_change_reason",
    "next_available_cohort",
)
# Required before an application can go to the manager (a draft may leave them empty).
REQUIRED_TO_SUBMIT = (
    "title",
    "process_today",
    "problem",
    "evidence",
    "measure_name",
    "measure_unit",
    "why_it_matters",
    "role_and_team",
)

ONE_ACTIVE_MESSAGE = gettext_lazy(
    "You already have an active application this program year. Withdraw it first if you "
    "want to start again with a different problem."
)


class StaleApplicationError(ValidationError):
    pass


def _lock(application_id: int) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("trainee__supervisor", "manager", "department__alternate_manager")
        .get(pk=application_id)
    )


def _check_version(application: Application, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != application.version:
        raise StaleApplicationError(
            _(
                "This application changed since you opened the page, so nothing was saved. "
                "Review the latest version below and try again."
            )
        )


def _bump(application: Application, *also: str) -> None:
    """Count a change (saving the fields in `also` with it)."""
    application.version += 1
    application.save(update_fields=["version", "updated_at", *also])


OWN_SIGNOFF_MESSAGE = gettext_lazy("Nobody signs off their own application: choose someone else.")


def default_manager_for(user: User) -> User | None:
    """Who signs off this person's application by default: their supervisor in the org data
    (an executive's is the department head, a department head's the City Administrator's
    office), else their department's first manager or its alternate; never themselves, nor
    someone who reports to them."""
    supervisor = user.supervisor
    if supervisor is not None and _may_be_asked(supervisor, applicant=user):
        return supervisor
    if user.department_id is None:
        return None
    candidates = User.objects.filter(
        Q(managed_departments__pk=user.department_id)
        | Q(alternate_for_departments__pk=user.department_id),
        is_active=True,
    ).order_by(
        # The department's managers before its alternate.
        Case(When(managed_departments__pk=user.department_id, then=0), default=1),
        "full_name",
    )
    for candidate in candidates:
        if _may_be_asked(candidate, applicant=user):
            return candidate
    return None


def _may_be_asked(person: User, *, applicant: User) -> bool:
    return (
        person.is_active
        and person.role != User.Role.ANALYST
        and person.pk != applicant.pk
        and person.supervisor_id != applicant.pk
    )


def _ensure_not_own(application: Application) -> None:
    if application.manager_id is not None and application.manager_id == application.trainee_id:
        raise ValidationError(OWN_SIGNOFF_MESSAGE)


def has_applied_expression() -> Exists:
    """Whether the person (the outer user row) has ever applied: loaded with the signed-in
    person, so a manager's pages know without asking whether to show their own cards."""
    return Exists(Application.objects.filter(trainee=OuterRef("pk")))


def application_url(application: Application) -> str:
    return absolute_url(reverse("applications:application-detail", args=[application.pk]))


def _signoff_recipients(application: Application) -> list[str]:
    return [person.email for person in signoff_managers(application)]


def _analyst_emails() -> list[str]:
    return list(
        User.objects.filter(role=User.Role.ANALYST, is_active=True).values_list("email", flat=True)
    )


def _notify(
    application: Application,
    *,
    template: str,
    to: list[str],
    occasion: str,
    reason: str | Promise,
    context: dict[str, Any] | None = None,
) -> None:
    email_queue(
        to=to,
        template=f"applications/emails/{template}",
        context={
            "application": application,
            "url": application_url(application),
            **(context or {}),
        },
        dedupe_key=f"application:{application.pk}:{occasion}:v{application.version}",
        reason=reason,
    )


def _apply_fields(application: Application, data: dict[str, Any]) -> None:
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(application, field, data[field])


@transaction.atomic
def application_create_draft(*, by: User, data: dict[str, Any]) -> Application:
    """A trainee starts an application. Department comes from their profile; manager defaults
    to the department's manager. One active application per program year."""
    policies.ensure_can_apply(by)
    application = Application(
        trainee=by,
        department=by.department,
        program_year=timezone.localdate().year,
        manager=default_manager_for(by),
    )
    _apply_fields(application, data)
    if application.manager is None:
        application.manager = default_manager_for(by)
    _ensure_not_own(application)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as error:
        raise ValidationError(ONE_ACTIVE_MESSAGE) from error
    audit_record(target=application, action="created", by=by, to_status=application.status)
    return application


@transaction.atomic
def application_update(
    *, application_id: int, by: User, data: dict[str, Any], expected_version: int | None = None
) -> Application:
    """The trainee edits a draft or an application returned for changes."""
    application = _lock(application_id)
    policies.ensure_owns(by, application)
    _check_version(application, expected_version)
    if not application.is_editable:
        raise ValidationError(
            _("This application can't be edited while its status is “%(status)s”.")
            % {"status": application.get_status_display()}
        )
    _apply_fields(application, data)
    _ensure_not_own(application)
    application.version += 1
    application.save()
    audit_record(target=application, action="edited", by=by)
    return application


def missing_for_submission(application: Application) -> list[str]:
    return [
        str(cast(models.Field, Application._meta.get_field(name)).verbose_name)
        for name in REQUIRED_TO_SUBMIT
        if not str(getattr(application, name) or "").strip()
    ]


@transaction.atomic
def application_submit(
    *, application_id: int, by: User, expected_version: int | None = None
) -> Application:
    """The trainee sends the application to their manager; the manager(s) get a sign-in link."""
    application = _lock(application_id)
    policies.ensure_owns(by, application)
    _check_version(application, expected_version)
    missing = missing_for_submission(application)
    if missing:
        raise ValidationError(
            _("Before you submit, fill in: %(fields)s.")
            % {"fields": ", ".join(m[0].lower() + m[1:] for m in missing)}
        )
    _ensure_not_own(application)
    if application.manager is None or not policies.may_sign_off_for(
        application.manager, application
    ):
        # The named signer no longer may (moved, left): the org data's default instead.
        application.manager = default_manager_for(by)
    if not signoff_managers(application):
        raise ValidationError(
            _(
                "Your department has no manager in Lean Leaders yet, so nobody can sign off. "
                "Ask your City Performance analyst to add one."
            )
        )
    resubmission = application.status == Status.CHANGES_REQUESTED
    transition(application, to=Status.SUBMITTED, by=by, data={"resubmission": resubmission})
    application.submitted_at = timezone.now()
    application.signoff_step = 0
    application.save(update_fields=["submitted_at", "signoff_step", "manager"])
    _bump(application)
    _request_signoff(application, resubmission=resubmission)
    return application


def _request_signoff(application: Application, *, resubmission: bool) -> None:
    """Asks every manager who may sign off, each told truly why: the one the trainee named, or
    the department's other managers and alternate, who were not named."""
    trainee = application.trainee.full_name
    recipients = _signoff_recipients(application)
    named = application.manager.email if application.manager else None
    if named in recipients:
        _notify(
            application,
            template="signoff_requested",
            to=[named],
            occasion="submitted",
            reason=format_lazy(
                gettext_lazy(
                    "{trainee} named you as the manager who signs off on their Lean Leaders "
                    "project."
                ),
                trainee=trainee,
            ),
            context={"resubmission": resubmission},
        )
    others = [email for email in recipients if email != named]
    if others:
        _notify(
            application,
            template="signoff_requested",
            to=others,
            occasion="submitted-department",
            reason=format_lazy(
                gettext_lazy(
                    "You sign off on Lean Leaders projects for {department}, where {trainee} works."
                ),
                department=application.department.name,
                trainee=trainee,
            ),
            context={"resubmission": resubmission},
        )


MANAGER_DECISIONS = {
    "approve": Status.MANAGER_APPROVED,
    "request_changes": Status.CHANGES_REQUESTED,
    "decline": Status.MANAGER_DECLINED,
}


@transaction.atomic
def application_manager_decide(
    *,
    application_id: int,
    by: User,
    decision: str,
    comment: str = "",
    expected_version: int | None = None,
) -> Application:
    """The department's manager (or alternate) approves, asks for changes, or declines.

    Locks the row, so two managers acting at once produce one decision and one clear refusal.
    """
    if decision not in MANAGER_DECISIONS:
        raise ValidationError(_("Choose approve, request changes or decline."))
    application = _lock(application_id)
    if application.trainee_id == by.pk:
        # Also refused by the policy; said twice because it must never happen.
        raise PermissionDenied
    policies.ensure_acts_as_manager_for(by, application)
    _check_version(application, expected_version)
    if decision != "approve" and not comment.strip():
        raise ValidationError(_("Add a comment so the trainee knows what to change or why."))
    to = MANAGER_DECISIONS[decision]
    transition(application, to=to, by=by, comment=comment, data={"as": "manager"})
    _bump(application)
    _after_decision(application, by=by, comment=comment)
    return application


@transaction.atomic
def application_record_offline_signoff(
    *, application_id: int, by: User, how: str, comment: str = ""
) -> Application:
    """An analyst records a manager's sign-off given outside the app (email, meeting)."""
    application = _lock(application_id)
    policies.ensure_can_act_as_analyst(by, application)
    if not how.strip():
        raise ValidationError(_("Say how the sign-off was received (e.g. email from the manager)."))
    application.signoff_note = how.strip()[:200]
    application.save(update_fields=["signoff_note"])
    transition(
        application,
        to=Status.MANAGER_APPROVED,
        by=by,
        comment=comment,
        data={"as": "analyst", "offline_signoff": application.signoff_note},
    )
    _bump(application)
    _after_decision(application, by=by, comment=comment)
    return application


def _analyst_decide(
    *,
    application_id: int,
    by: User,
    to: str,
    comment: str,
    expected_version: int | None,
    data: dict[str, Any] | None = None,
    notify: bool = True,
    comment_needed: str | Promise = "",
) -> Application:
    if comment_needed and not comment.strip():
        raise ValidationError(str(comment_needed))
    application = _lock(application_id)
    policies.ensure_can_act_as_analyst(by, application)
    _check_version(application, expected_version)
    transition(application, to=to, by=by, comment=comment, data={"as": "analyst", **(data or {})})
    if to == Status.ACCEPTED and application.first_accepted_at is None:
        application.first_accepted_at = application.status_changed_at
    _bump(application, "first_accepted_at")
    if notify:
        _after_decision(application, by=by, comment=comment)
    return application


@transaction.atomic
def application_accept(
    *,
    application_id: int,
    by: User,
    comment: str = "",
    expected_version: int | None = None,
    data: dict[str, Any] | None = None,
    notify: bool = True,
) -> Application:
    """An analyst accepts an application the manager approved (or a waitlisted one).

    The cohorts stage calls this when it gives the trainee a seat; `data` records which. It sends
    its own message with the cohort's dates and calendar file, so it passes `notify=False`. The
    first acceptance stores its time on the application (the report's days to accept).
    """
    return _analyst_decide(
        application_id=application_id,
        by=by,
        to=Status.ACCEPTED,
        comment=comment,
        expected_version=expected_version,
        data=data,
        notify=notify,
    )


@transaction.atomic
def application_waitlist(
    *,
    application_id: int,
    by: User,
    comment: str = "",
    expected_version: int | None = None,
    data: dict[str, Any] | None = None,
    notify: bool = True,
) -> Application:
    """An analyst waitlists an application: accepted in principle, no seat yet."""
    return _analyst_decide(
        application_id=application_id,
        by=by,
        to=Status.WAITLISTED,
        comment=comment,
        expected_version=expected_version,
        data=data,
        notify=notify,
    )


@transaction.atomic
def application_decline(
    *, application_id: int, by: User, comment: str, expected_version: int | None = None
) -> Application:
    return _analyst_decide(
        application_id=application_id,
        by=by,
        to=Status.DECLINED,
        comment=comment,
        expected_version=expected_version,
        comment_needed=gettext_lazy("Add a comment so the trainee knows why."),
    )


@transaction.atomic
def application_analyst_request_changes(
    *, application_id: int, by: User, comment: str, expected_version: int | None = None
) -> Application:
    return _analyst_decide(
        application_id=application_id,
        by=by,
        to=Status.CHANGES_REQUESTED,
        comment=comment,
        expected_version=expected_version,
        comment_needed=gettext_lazy("Add a comment so the trainee knows what to change."),
    )


@transaction.atomic
def application_withdraw(
    *,
    application_id: int,
    by: User,
    comment: str = "",
    expected_version: int | None = None,
    seat_released: bool = False,
) -> Application:
    """The trainee withdraws, any time before the program ends.

    Once they hold a place in a cohort (accepted or waitlisted with an enrollment), the cohorts
    stage withdraws them so the seat passes on; it calls this with `seat_released=True`.
    """
    application = _lock(application_id)
    policies.ensure_owns(by, application)
    _check_version(application, expected_version)
    if application.status in (Status.ACCEPTED, Status.WAITLISTED) and not seat_released:
        raise ValidationError(_("Leave your cohort first: use “Withdraw” on your cohort page."))
    notified_before = application.status != Status.DRAFT
    transition(application, to=Status.WITHDRAWN, by=by, comment=comment)
    _bump(application)
    if notified_before:
        to = _signoff_recipients(application)
        if _reached_analysts(application):
            to += _analyst_emails()
        _notify(
            application,
            template="withdrawn",
            to=to,
            occasion="withdrawn",
            reason=gettext_lazy("You were following this Lean Leaders application."),
        )
    return application


def acceptances_recompute(*, application_ids: Collection[int] | None = None) -> int:
    """Store every application's first acceptance (or those of `application_ids`) again from
    the audit log, as the acceptance stores it, for rows written outside the services (SQL,
    bulk loads). One accepted now with no acceptance in its history (loaded that way) counts
    from its last status change. One UPDATE; returns how many applications."""
    first_reached = (
        AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(Application),
            target_id=OuterRef("pk"),
            to_status=Status.ACCEPTED,
        )
        .order_by()
        .values("target_id")
        .annotate(first=Min("created_at"))
        .values("first")
    )
    accepted_now = Case(When(status=Status.ACCEPTED, then=F("status_changed_at")))
    applications = Application.objects.all()
    if application_ids is not None:
        applications = applications.filter(pk__in=list(application_ids))
    return applications.update(first_accepted_at=Coalesce(Subquery(first_reached), accepted_now))


def _reached_analysts(application: Application) -> bool:
    return audit_events_for(application).filter(to_status=Status.MANAGER_APPROVED).exists()


def _after_decision(application: Application, *, by: User, comment: str) -> None:
    trainee = application.trainee
    _notify(
        application,
        template="status_update",
        to=[trainee.email],
        occasion=application.status,
        reason=gettext_lazy("This is your Lean Leaders application."),
        context={"comment": comment, "actor": by},
    )
    if application.status == Status.MANAGER_APPROVED:
        _notify(
            application,
            template="review_requested",
            to=_analyst_emails(),
            occasion="review-requested",
            reason=gettext_lazy("You review Lean Leaders applications for City Performance."),
        )


# Escalation of a waiting sign-off (issue 20): each step N working days after submission, run by
# the `signoff-pending` reminder rule (applications/reminders.py), which emails the people of the
# step; this records the step and moves the application to its new signer.
ESCALATION_STEPS = 3


def escalation_recipients(application: Application, step: int) -> list[User]:
    """Who is asked at escalation `step` (1-3) as of now: 1, the applicant's supervisor's
    supervisor; 2, the department's managers and alternate; 3, the analysts. A step with nobody
    who may sign (no such person, the applicant themselves, someone who reports to them) falls
    through to the next."""
    trainee = application.trainee
    if step <= 1:
        supervisor = trainee.supervisor
        above = supervisor.supervisor if supervisor is not None else None
        if above is not None and policies.may_sign_off_for(above, application):
            return [above]
    if step <= 2:
        signers = [p for p in department_signers(application) if p.role != User.Role.ANALYST]
        if signers:
            return signers
    return list(User.objects.filter(role=User.Role.ANALYST, is_active=True).order_by("pk"))


@transaction.atomic
def application_signoff_escalate(
    *, application_id: int, step: int, by: User | None = None
) -> Application:
    """Beat (through the sign-off reminder rule) moves a sign-off waiting too long one step up.

    Locks the application; each step not yet recorded gets an audit row saying who was asked,
    and steps 1-2 make their first person the named signer. Running it again for a step already
    recorded changes nothing. The emails are the rule's, one per person per step."""
    application = _lock(application_id)
    if application.status != Status.SUBMITTED:
        return application
    for reached in range(application.signoff_step + 1, min(step, ESCALATION_STEPS) + 1):
        recipients = escalation_recipients(application, reached)
        before = application.manager_id
        to_analysts = any(person.role == User.Role.ANALYST for person in recipients)
        if recipients and not to_analysts:
            application.manager = recipients[0]
        application.signoff_step = reached
        application.save(update_fields=["manager", "signoff_step", "updated_at"])
        audit_record(
            target=application,
            action="signoff-escalated",
            by=by,
            comment=_("Sign-off waiting: asked %(people)s")
            % {"people": ", ".join(person.full_name for person in recipients) or "-"},
            data={
                "step": reached,
                "from_manager": before,
                "to_manager": application.manager_id,
                "asked": [person.pk for person in recipients],
            },
        )
    return application


def _move_signoff(application: Application, *, to: User | None, why: str, by: User) -> None:
    """Names a new signer on an open application (audit row), and if it waits for a sign-off
    asks them by email."""
    before = application.manager_id
    if to is None or to.pk == before or not _may_be_asked(to, applicant=application.trainee):
        to = default_manager_for(application.trainee)
    if to is None or to.pk == before:
        return
    application.manager = to
    application.signoff_step = 0
    application.version += 1
    application.save(update_fields=["manager", "signoff_step", "version", "updated_at"])
    audit_record(
        target=application,
        action="signer-changed",
        by=by,
        comment=why,
        data={"from_manager": before, "to_manager": to.pk, "org_change": True},
    )
    if application.status == Status.SUBMITTED:
        _notify(
            application,
            template="signoff_requested",
            to=[to.email],
            occasion="signer-changed",
            reason=format_lazy(
                gettext_lazy(
                    "The org chart now names you as the person who signs off for {trainee}."
                ),
                trainee=application.trainee.full_name,
            ),
            context={"resubmission": False},
        )


OPEN_FOR_SIGNOFF = (Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED)


def applications_follow_org_changes(changes: OrgChanges, *, by: User) -> None:
    """The org import (inside its transaction) says whose supervisor changed and who left.

    Open applications (not yet signed off) named for the old supervisor move to the new one, and
    a deactivated person's open sign-offs go to their own supervisor (else the department's
    manager); each move is audited, and a waiting sign-off's new signer is emailed. Locks the
    applications it moves."""
    for person_id, old_id, new_id in changes.supervisor_changes:
        if old_id is None:
            moving = Application.objects.filter(trainee_id=person_id, manager__isnull=True)
        else:
            moving = Application.objects.filter(trainee_id=person_id, manager_id=old_id)
        new = User.objects.filter(pk=new_id).first() if new_id is not None else None
        for application_id in moving.filter(status__in=OPEN_FOR_SIGNOFF).values_list(
            "pk", flat=True
        ):
            application = _lock(application_id)
            _move_signoff(
                application,
                to=new,
                why=_("Supervisor changed in the org data"),
                by=by,
            )
    if changes.deactivated_ids:
        leaving = Application.objects.filter(
            manager_id__in=changes.deactivated_ids, status__in=OPEN_FOR_SIGNOFF
        )
        for application_id in leaving.values_list("pk", flat=True):
            application = _lock(application_id)
            gone = application.manager
            _move_signoff(
                application,
                to=gone.supervisor if gone is not None else None,
                why=_("The signer left the org data"),
                by=by,
            )
