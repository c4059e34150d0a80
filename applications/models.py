"""A trainee's application to Lean Leaders: the proposed process problem and its sign-off flow."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leanleaders.models import Department, User


class MeasureDirection(models.TextChoices):
    LOWER_IS_BETTER = "lower", _("Lower is better")
    HIGHER_IS_BETTER = "higher", _("Higher is better")


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting manager sign-off")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        MANAGER_APPROVED = "manager_approved", _("Awaiting analyst review")
        MANAGER_DECLINED = "manager_declined", _("Declined by manager")
        ACCEPTED = "accepted", _("Accepted")
        WAITLISTED = "waitlisted", _("Waitlisted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {
            Status.MANAGER_APPROVED,
            Status.CHANGES_REQUESTED,
            Status.MANAGER_DECLINED,
            Status.WITHDRAWN,
        },
        Status.CHANGES_REQUESTED: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.MANAGER_APPROVED: {
            Status.ACCEPTED,
            Status.WAITLISTED,
            Status.DECLINED,
            Status.CHANGES_REQUESTED,
            Status.WITHDRAWN,
        },
        Status.WAITLISTED: {Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN},
        Status.ACCEPTED: {Status.WAITLISTED, Status.WITHDRAWN},
        Status.MANAGER_DECLINED: set(),
        Status.DECLINED: set(),
        Status.WITHDRAWN: set(),
    }
    # Statuses that block a new application in the same program year.
    ACTIVE_STATUSES = (
        Status.DRAFT,
        Status.SUBMITTED,
        Status.CHANGES_REQUESTED,
        Status.MANAGER_APPROVED,
        Status.ACCEPTED,
        Status.WAITLISTED,
    )
    EDITABLE_STATUSES = (Status.DRAFT, Status.CHANGES_REQUESTED)

    trainee = models.ForeignKey(User, on_delete=models.PROTECT, related_name="applications")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    manager = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications_to_sign_off",
    )
    # Why the applicant chose someone other than their supervisor (from the org data) to sign off.
    manager_change_reason = models.CharField(
        _("Why someone else signs off"),
        max_length=200,
        blank=True,
        help_text=_("Needed when you choose someone other than your supervisor."),
    )
    # How far the sign-off has been escalated since it was submitted: 0 with the first signer,
    # 1 with the supervisor's supervisor, 2 with the department's manager, 3 analysts told.
    signoff_step = models.PositiveSmallIntegerField(default=0, editable=False)
    program_year = models.PositiveIntegerField()
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.DRAFT)
    status_changed_at = models.DateTimeField(default=timezone.now)
    # Bumped by every change, so a form loaded before someone else's change is refused.
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # When an analyst first accepted it, kept if it is later waitlisted or withdrawn: the
    # program report's "accepted" and "days to accept". Stored by the acceptance (the audit
    # row's time); `manage.py recompute_acceptances` stores it from the audit log.
    first_accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    title = models.CharField(_("Project title"), max_length=120)
    process_today = models.TextField(_("The process as it runs today"), blank=True)
    problem = models.TextField(_("The problem"), blank=True)
    evidence = models.TextField(_("How you know"), blank=True)
    measure_name = models.CharField(_("What you will count or time"), max_length=200, blank=True)
    measure_unit = models.CharField(_("Unit"), max_length=60, blank=True)
    measure_direction = models.CharField(
        _("Which way is better"),
        max_length=8,
        choices=MeasureDirection.choices,
        default=MeasureDirection.LOWER_IS_BETTER,
    )
    baseline_estimate = models.DecimalField(
        _("Rough current value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    why_it_matters = models.TextField(_("Why it matters to your department"), blank=True)
    role_and_team = models.CharField(_("Your role and team"), max_length=200, blank=True)
    next_available_cohort = models.BooleanField(
        _("Any cohort: put me in the next available one"), default=True
    )
    signoff_note = models.CharField(
        _("How the sign-off was received"),
        max_length=200,
        blank=True,
        help_text=_("Filled in when an analyst records a sign-off given outside the app."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "draft",
                        "submitted",
                        "changes_requested",
                        "manager_approved",
                        "manager_declined",
                        "accepted",
                        "waitlisted",
                        "declined",
                        "withdrawn",
                    ]
                ),
                name="application_status_valid",
            ),
            # One active application per trainee per program year, enforced by the database.
            models.UniqueConstraint(
                fields=["trainee", "program_year"],
                condition=Q(
                    status__in=[
                        "draft",
                        "submitted",
                        "changes_requested",
                        "manager_approved",
                        "accepted",
                        "waitlisted",
                    ]
                ),
                name="one_active_application_per_year",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "status_changed_at"]),
            models.Index(fields=["department", "status"]),
            # A department's application ids straight from the index (no visit to these wide
            # rows), so that a manager's people's enrollments are found by their applications.
            models.Index(fields=["department", "id"], name="application_department_ids_idx"),
            # The lists page by most recent change: a page of 25 without sorting every row.
            models.Index(fields=["-status_changed_at", "-id"], name="application_recent_idx"),
            # The program report's (and its leader engagement's) reading of every submitted
            # application, from the index alone: a few dozen pages at a city's size, not the
            # table's hundreds (its rows carry the whole proposal).
            models.Index(
                fields=["id"],
                include=["department", "created_at", "submitted_at", "first_accepted_at"],
                condition=Q(submitted_at__isnull=False),
                name="application_report_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES
