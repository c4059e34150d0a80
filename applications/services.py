"""Every change to an application: drafting, sign-off, review and withdrawal.

Each function locks the application row, checks who is acting (policies), checks the state (the
workflow's TRANSITIONS), records the change in the audit log and queues the emails, which are sent
after the transaction commits.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import policies
from applications.models import Application
from applications.selectors import signoff_managers
from leanleaders.audit import audit_events_for, audit_record
from leanleaders.mail import absolute_url, email_queue
from leanleaders.models import User
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

ONE_ACTIVE_MESSAGE = (
    "You already have an active application this program year. Withdraw it first if you "
    "want to start again with a different problem."
)


class StaleApplicationError(ValidationError):
    pass


def _lock(application_id: int) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("trainee", "manager", "department")
        .get(pk=application_id)
    )


def _check_version(application: Application, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != application.version:
        raise StaleApplicationError(
            "This application changed since you opened the page, so nothing was saved. "
            "Review the latest version below and try again."
        )


def _bump(application: Application) -> None:
    application.version += 1
    application.save(update_fields=["version", "updated_at"])


def default_manager_for(user: User) -> User | None:
    if user.department_id is None:
        return None
    managers = User.objects.filter(managed_departments__pk=user.department_id, is_active=True)
    return managers.order_by("full_name").first()


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
    reason: str,
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
            f"This application can't be edited while it is "
            f"{application.get_status_display().lower()}."
        )
    _apply_fields(application, data)
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
            "Before you submit, fill in: " + ", ".join(m[0].lower() + m[1:] for m in missing) + "."
        )
    if not signoff_managers(application):
        raise ValidationError(
            "Your department has no manager in Lean Leaders yet, so nobody can sign off. "
            "Ask your City Performance analyst to add one."
        )
    resubmission = application.status == Status.CHANGES_REQUESTED
    transition(application, to=Status.SUBMITTED, by=by, data={"resubmission": resubmission})
    application.submitted_at = timezone.now()
    application.save(update_fields=["submitted_at"])
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
            reason=_(
                "%(trainee)s named you as the manager who signs off on their Lean Leaders project."
            )
            % {"trainee": trainee},
            context={"resubmission": resubmission},
        )
    others = [email for email in recipients if email != named]
    if others:
        _notify(
            application,
            template="signoff_requested",
            to=others,
            occasion="submitted-department",
            reason=_(
                "You sign off on Lean Leaders projects for %(department)s, where %(trainee)s works."
            )
            % {"department": application.department.name, "trainee": trainee},
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
        raise ValidationError("Choose approve, request changes or decline.")
    application = _lock(application_id)
    policies.ensure_acts_as_manager_for(by, application)
    _check_version(application, expected_version)
    if decision != "approve" and not comment.strip():
        raise ValidationError("Add a comment so the trainee knows what to change or why.")
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
        raise ValidationError("Say how the sign-off was received (e.g. email from the manager).")
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
    comment_needed_for: str = "",
) -> Application:
    if comment_needed_for and not comment.strip():
        raise ValidationError(f"Add a comment so the trainee knows {comment_needed_for}.")
    application = _lock(application_id)
    policies.ensure_can_act_as_analyst(by, application)
    _check_version(application, expected_version)
    transition(application, to=to, by=by, comment=comment, data={"as": "analyst", **(data or {})})
    _bump(application)
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
    its own message with the cohort's dates and calendar file, so it passes `notify=False`.
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
        comment_needed_for="why",
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
        comment_needed_for="what to change",
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
        raise ValidationError("Leave your cohort first: use “Withdraw” on your cohort page.")
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
            reason="You were following this Lean Leaders application.",
        )
    return application


def _reached_analysts(application: Application) -> bool:
    return audit_events_for(application).filter(to_status=Status.MANAGER_APPROVED).exists()


def _after_decision(application: Application, *, by: User, comment: str) -> None:
    trainee = application.trainee
    _notify(
        application,
        template="status_update",
        to=[trainee.email],
        occasion=application.status,
        reason="This is your Lean Leaders application.",
        context={"comment": comment, "actor": by},
    )
    if application.status == Status.MANAGER_APPROVED:
        _notify(
            application,
            template="review_requested",
            to=_analyst_emails(),
            occasion="review-requested",
            reason="You review Lean Leaders applications for City Performance.",
        )
