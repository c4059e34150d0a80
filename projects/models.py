"""A trainee's improvement project: its measures, baseline, measurements, progress log and result.

A project is started from an accepted application (one project per application). The Lean tools
and PDCA stages defined here are shared with the coaching stage.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application, MeasureDirection
from leanleaders.models import Department, User
from projects import results

VERDICT_CHOICES = [(v.value, results.VERDICT_LABELS[v]) for v in results.Verdict]
# Stored results: values from 4-place inputs, whose medians and differences need 5 places at
# most, so they are kept exactly; percentages are rounded to 4 places (the pages show 1).
PERCENT_PLACES = Decimal("0.0001")
VALUE_PLACES = Decimal("0.00001")


def _places(value: Decimal | None, places: Decimal) -> Decimal | None:
    return None if value is None else value.quantize(places)


class LeanTool(models.TextChoices):
    PROCESS_MAPPING = "process_mapping", _("Process mapping")
    FIVE_WHYS = "five_whys", _("Five whys")
    FISHBONE = "fishbone", _("Fishbone diagram")
    SPAGHETTI = "spaghetti", _("Spaghetti diagram")
    IMPACT_EFFORT = "impact_effort", _("Impact/effort matrix")
    STANDARD_WORK = "standard_work", _("Standard work")
    VISUAL_MANAGEMENT = "visual_management", _("Visual management")
    ERROR_PROOFING = "error_proofing", _("Error-proofing")
    FIVE_S = "five_s", _("5S")
    PDCA_A3 = "pdca_a3", _("PDCA / A3")


class PdcaStage(models.TextChoices):
    PLAN = "plan", _("Plan")
    DO = "do", _("Do")
    CHECK = "check", _("Check")
    ACT = "act", _("Act")


class MeasureScale(models.TextChoices):
    """Which values a measure can take: what its unit allows, not what is likely."""

    COUNT = "count", _("A count or a time: 0 or more (minutes, days, errors)")
    PERCENT = "percent", _("A percentage: 0 to 100")
    ANY = "any", _("Any number, also below 0 (a balance, a difference)")


class Sustainment(models.TextChoices):
    """Whether a reviewed project's Day-3 result held at its latest follow-up after Day 3."""

    NOT_DUE = "", _("No follow-up due yet")
    SUSTAINED = "sustained", _("Sustained")
    SLIPPING = "slipping", _("Slipping")
    REVERTED = "reverted", _("Reverted")
    MISSED = "missed", _("Follow-up missed")


class Project(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("In progress")
        REVIEWED = "reviewed", _("Reviewed")

    TRANSITIONS: dict[str, set[str]] = {
        Status.ACTIVE: {Status.REVIEWED},
        Status.REVIEWED: {Status.ACTIVE},
    }

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="project"
    )
    trainee = models.ForeignKey(User, on_delete=models.PROTECT, related_name="projects")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    status_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    title = models.CharField(_("Project title"), max_length=120)
    problem = models.TextField(_("Problem statement"), blank=True)
    background = models.TextField(
        _("Background"),
        blank=True,
        help_text=_("Why this matters to your department and residents."),
    )
    current_condition = models.TextField(
        _("Current condition"),
        blank=True,
        help_text=_("How the process runs today and what you observed."),
    )
    root_cause = models.TextField(
        _("Root causes found"),
        blank=True,
        help_text=_("What your analysis showed: the causes you will act on."),
    )
    countermeasures = models.TextField(
        _("Countermeasures"), blank=True, help_text=_("The changes you made or are testing.")
    )
    result_summary = models.TextField(
        _("Result summary"),
        blank=True,
        help_text=_("In a few sentences: what changed, and how you know."),
    )
    sustain_plan = models.TextField(
        _("How the change will last"),
        blank=True,
        help_text=_("Standard work, visual management, who checks it and how often."),
    )

    reviewed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(blank=True)

    # The primary measure's stored verdict and gain, copied here by
    # `services.measure_result_store` so that lists filter and count verdicts in SQL.
    verdict = models.CharField(
        max_length=16, choices=VERDICT_CHOICES, default=results.Verdict.NOT_ENOUGH_DATA
    )
    gain_percent = models.DecimalField(max_digits=24, decimal_places=4, null=True, blank=True)

    # The business sponsor sets the goal and approves resources. By default the person who
    # signed off the application; the sponsor's agreement to the goal (the primary measure's
    # target) is recorded with who, when and the target they agreed to, so a later change of
    # target shows the agreement is out of date.
    sponsor = models.ForeignKey(
        User,
        verbose_name=_("Sponsor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sponsored_projects",
    )
    sponsor_agreed_goal_at = models.DateTimeField(null=True, blank=True)
    sponsor_agreed_goal_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sponsor_agreed_target = models.DecimalField(
        max_digits=16, decimal_places=4, null=True, blank=True
    )
    sponsor_agreed_target_date = models.DateField(null=True, blank=True)

    # Leaders' touchpoints (gemba walks, huddles, problem-solving coaching by the trainee's
    # supervisor or sponsor) on or after the trainee's cohort Day 1, counted by the coaching
    # stage's touchpoint service in its transaction so the board and the report read columns.
    leader_touchpoints = models.PositiveIntegerField(default=0)
    last_leader_touchpoint_on = models.DateField(null=True, blank=True)
    # The date of the latest coaching conversation with an analyst, stored by the coaching
    # stage's services as they log and correct conversations: "not coached in N days" (the
    # analysts' home, the coaching overview) is then a range of an index, not a search of every
    # recent conversation in the city.
    last_coached_on = models.DateField(null=True, blank=True, editable=False)

    # The application's answers are the lead's own (why they applied, their role, their
    # supervisor's comments): the team sees them only when the lead shares them.
    application_shared_with_team = models.BooleanField(
        _("Share my application's answers with my team"), default=False
    )

    # Whether the result held after Day 3, stored by the follow-up services in the transaction
    # that logs or misses a follow-up, so the directory, lists and the report read a column.
    sustainment = models.CharField(
        _("Sustainment"), max_length=16, choices=Sustainment.choices, blank=True, default=""
    )

    # The Lean tools the progress log names, {tool: entries naming it}, stored by the
    # progress-entry services in their transaction so that the Lean Leader directory filters
    # by tool (`tools_used__has_key`) and shows a page of leaders without reading their logs.
    tools_used = models.JSONField(_("Lean tools used"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["active", "reviewed"]), name="project_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(verdict__in=[v.value for v in results.Verdict]),
                name="project_verdict_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status"]),
            # A department's project ids straight from the index (no table visit), so that a
            # manager's counts of open steps join a large department's projects cheaply.
            models.Index(fields=["department", "id"], name="project_department_ids_idx"),
            # The list pages newest first: a page of 25 without sorting every project.
            models.Index(fields=["-created_at", "-id"], name="project_recent_idx"),
            # The list filtered by verdict, newest first, and the city's counts per verdict.
            models.Index(fields=["verdict", "-created_at", "-id"], name="project_verdict_idx"),
            # A manager's counts per verdict in their departments.
            models.Index(fields=["department", "verdict"], name="project_department_verdict_idx"),
            # Projects in progress not coached since a date (or never).
            models.Index(fields=["status", "last_coached_on"], name="project_last_coached_idx"),
            # The program report's reading of every project (its outcome, and its leader
            # engagement's stored figures) from the index alone, not from the wide rows.
            models.Index(
                fields=["application"],
                include=[
                    "id",
                    "status",
                    "verdict",
                    "gain_percent",
                    "department",
                    "leader_touchpoints",
                    "last_leader_touchpoint_on",
                    "sponsor_agreed_goal_at",
                ],
                name="project_report_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_reviewed(self) -> bool:
        return self.status == self.Status.REVIEWED

    @property
    def tools_used_counts(self) -> list[tuple[str, str, int]]:
        """(tool, label, entries naming it) of the Lean tools the progress log names, in the
        list's order."""
        return [
            (tool.value, str(tool.label), self.tools_used[tool])
            for tool in LeanTool
            if tool in self.tools_used
        ]

    @property
    def tools_used_choices(self) -> list[tuple[str, str]]:
        """(tool, label) of the Lean tools the progress log names, in the list's order."""
        return [(tool, label) for tool, label, _ in self.tools_used_counts]

    @property
    def goal_agreed(self) -> bool:
        return self.sponsor_agreed_goal_at is not None


class ProjectMember(models.Model):
    """Someone on the project's team besides its lead (the trainee). Chosen from city staff, or
    invited by email before they have an account: `email` is always set and `user` once the
    address belongs to someone, so an invitation is matched to the account it was sent to."""

    class Role(models.TextChoices):
        TEAM_MEMBER = "member", _("Team member")
        EXPERT = "expert", _("Subject matter expert")
        SUPPORT = "support", _("Support function")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="project_memberships"
    )
    email = models.EmailField(_("Email address"))
    role = models.CharField(
        _("Role"), max_length=16, choices=Role.choices, default=Role.TEAM_MEMBER
    )
    may_log = models.BooleanField(
        _("May log measurements and progress"),
        default=False,
        help_text=_("Recorded under their own name."),
    )
    added_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "email"], name="one_membership_per_email"),
            models.CheckConstraint(
                condition=Q(role__in=["member", "expert", "support"]),
                name="project_member_role_valid",
            ),
        ]
        indexes = [models.Index(fields=["email"], name="projectmember_email_idx")]

    def __str__(self) -> str:
        return f"{self.email} on {self.project}"

    @property
    def is_invited(self) -> bool:
        """Invited by email, with no account yet."""
        return self.user_id is None


class Measure(models.Model):
    """What the project counts or times. One primary measure per project, optional secondaries."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="measures")
    is_primary = models.BooleanField(default=False)
    name = models.CharField(_("Measure"), max_length=200)
    unit = models.CharField(
        _("Unit"), max_length=60, blank=True, help_text=_("e.g. days, minutes, errors.")
    )
    direction = models.CharField(
        _("Which way is better"),
        max_length=8,
        choices=MeasureDirection.choices,
        default=MeasureDirection.LOWER_IS_BETTER,
    )
    scale = models.CharField(
        _("Possible values"),
        max_length=8,
        choices=MeasureScale.choices,
        default=MeasureScale.COUNT,
        help_text=_("A value outside this range is refused as a typing slip."),
    )
    collection_method = models.TextField(
        _("How it is collected"),
        blank=True,
        help_text=_("Where the numbers come from, who records them and how often."),
    )
    baseline_value = models.DecimalField(
        _("Baseline value"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    baseline_period = models.CharField(
        _("Baseline period"),
        max_length=120,
        blank=True,
        help_text=_("e.g. “January to March 2026”."),
    )
    baseline_method = models.TextField(
        _("How the baseline was obtained"),
        blank=True,
        help_text=_("e.g. “Timed 20 requests from the case log”."),
    )
    target_value = models.DecimalField(
        _("Target value"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    target_date = models.DateField(_("Target date"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    # The result (projects/results.py) as of the latest change to the baseline or the
    # measurements, stored by `services.measure_result_store` in the transaction of that change
    # (the `recompute_results` command stores it for rows written elsewhere). Pages read these
    # instead of the measurements; `result` gives them back as a `results.Result`.
    result_verdict = models.CharField(
        max_length=16, choices=VERDICT_CHOICES, default=results.Verdict.NOT_ENOUGH_DATA
    )
    result_baseline = models.DecimalField(max_digits=20, decimal_places=5, null=True, blank=True)
    result_baseline_points = models.PositiveIntegerField(default=0)
    result_current = models.DecimalField(max_digits=20, decimal_places=5, null=True, blank=True)
    result_change = models.DecimalField(max_digits=20, decimal_places=5, null=True, blank=True)
    result_change_percent = models.DecimalField(
        max_digits=24, decimal_places=4, null=True, blank=True
    )
    result_gain = models.DecimalField(max_digits=20, decimal_places=5, null=True, blank=True)
    result_gain_percent = models.DecimalField(
        max_digits=24, decimal_places=4, null=True, blank=True
    )
    result_measurement_count = models.PositiveIntegerField(default=0)
    result_last_measured = models.DateField(null=True, blank=True)
    # The latest RECENT_VALUES measurements, oldest first, as decimal strings: the cohort
    # board's sparkline.
    result_recent = models.JSONField(default=list, blank=True)

    RECENT_VALUES = 12
    RESULT_FIELDS = (
        "result_verdict",
        "result_baseline",
        "result_baseline_points",
        "result_current",
        "result_change",
        "result_change_percent",
        "result_gain",
        "result_gain_percent",
        "result_measurement_count",
        "result_last_measured",
        "result_recent",
    )

    class Meta:
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=Q(is_primary=True), name="one_primary_measure"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=["lower", "higher"]), name="measure_direction_valid"
            ),
            models.CheckConstraint(
                condition=Q(result_verdict__in=[v.value for v in results.Verdict]),
                name="measure_result_verdict_valid",
            ),
            models.CheckConstraint(
                condition=Q(scale__in=["count", "percent", "any"]), name="measure_scale_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})" if self.unit else self.name

    @property
    def higher_is_better(self) -> bool:
        return self.direction == MeasureDirection.HIGHER_IS_BETTER

    @property
    def result(self) -> results.Result:
        """The stored result."""
        return results.Result(
            verdict=results.Verdict(self.result_verdict),
            baseline=self.result_baseline,
            current=self.result_current,
            measurement_count=self.result_measurement_count,
            change=self.result_change,
            change_percent=self.result_change_percent,
            gain=self.result_gain,
            gain_percent=self.result_gain_percent,
            baseline_from_points=self.result_baseline_points > 0,
        )

    @property
    def recent_values(self) -> list[Decimal]:
        return [Decimal(v) for v in self.result_recent]

    def set_result(
        self,
        result: results.Result,
        *,
        baseline_points: int,
        last_measured: dt.date | None,
        recent: list[Decimal],
    ) -> None:
        """Put `result` and what goes with it in the result columns (not saved), rounded as the
        database keeps them, so this instance reads the same as the row."""
        self.result_verdict = result.verdict.value
        self.result_baseline = _places(result.baseline, VALUE_PLACES)
        self.result_baseline_points = baseline_points
        self.result_current = _places(result.current, VALUE_PLACES)
        self.result_change = _places(result.change, VALUE_PLACES)
        self.result_change_percent = _places(result.change_percent, PERCENT_PLACES)
        self.result_gain = _places(result.gain, VALUE_PLACES)
        self.result_gain_percent = _places(result.gain_percent, PERCENT_PLACES)
        self.result_measurement_count = result.measurement_count
        self.result_last_measured = last_measured
        self.result_recent = [format(v, "f") for v in recent]


class BaselinePoint(models.Model):
    """A data point from before the change; when present, the baseline is their median."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="baseline_points")
    date = models.DateField()
    value = models.DecimalField(max_digits=16, decimal_places=4)

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date}: {self.value}"


class Measurement(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="measurements")
    date = models.DateField()
    value = models.DecimalField(max_digits=16, decimal_places=4)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["measure", "date"])]

    def __str__(self) -> str:
        return f"{self.date}: {self.value}"


class ProgressEntry(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="progress_entries")
    date = models.DateField(default=timezone.localdate)
    did = models.TextField(_("What I did"))
    learned = models.TextField(_("What I learned"), blank=True)
    next_steps = models.TextField(_("What's next"), blank=True)
    tools = models.JSONField(_("Lean tools used"), default=list, blank=True)
    pdca_stage = models.CharField(
        _("PDCA stage"), max_length=8, choices=PdcaStage.choices, default=PdcaStage.PLAN
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = _("progress entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(pdca_stage__in=["plan", "do", "check", "act"]),
                name="progress_pdca_stage_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.did[:40]}"

    @property
    def tool_labels(self) -> list[str]:
        labels = dict(LeanTool.choices)
        return [str(labels[code]) for code in self.tools if code in labels]


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name never comes from the user: a uuid plus the extension of the detected type.
    suffix = PurePath(filename).suffix.lower()
    return f"projects/{instance.entry.project_id}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A photo or PDF on a progress entry. Stored under MEDIA_ROOT (outside the web root) and
    served only through a permission-checked view."""

    entry = models.ForeignKey(ProgressEntry, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def _grace() -> dt.timedelta:
    return dt.timedelta(days=settings.LEANLEADERS_FOLLOW_UP_GRACE_DAYS)


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    """Follow-ups by where the calendar stands. The last-day filters compare `FollowUp.last_day`
    on `due_on`, so the index on it serves them."""

    def pending(self) -> FollowUpQuerySet:
        """Not logged and not found missed, on a reviewed project: those the calendar still
        moves on."""
        return self.filter(
            value__isnull=True,
            verdict=Sustainment.NOT_DUE,
            project__status=Project.Status.REVIEWED,
        )

    def last_day_before(self, day: dt.date) -> FollowUpQuerySet:
        return self.filter(due_on__lt=day - _grace())

    def last_day_on_or_after(self, day: dt.date) -> FollowUpQuerySet:
        return self.filter(due_on__gte=day - _grace())


class FollowUp(models.Model):
    """A check, some days after Day 3, that a reviewed project's result held: the lead (or a
    team member who may log) logs the primary measure's value again.

    Made by the review (`services.project_review`, in its transaction) for a project whose
    Day-3 result improved, one per day in `LEANLEADERS_FOLLOW_UP_DAYS`. The Day-3 reference
    (the baseline and the gain the result had when reviewed) is copied onto the row, so a later
    change to the measure never moves the goalposts. The verdict is stored by the services
    that log a follow-up or find it missed, in their transaction.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="follow_ups")
    days_after = models.PositiveSmallIntegerField(_("Days after Day 3"))
    due_on = models.DateField(_("Due on"))
    reference_baseline = models.DecimalField(max_digits=20, decimal_places=5)
    reference_gain = models.DecimalField(max_digits=20, decimal_places=5)
    value = models.DecimalField(_("Value"), max_digits=16, decimal_places=4, null=True, blank=True)
    logged_at = models.DateTimeField(null=True, blank=True)
    logged_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verdict = models.CharField(max_length=16, choices=Sustainment.choices, blank=True, default="")
    # The share of the Day-3 gain the logged value keeps, as a percentage (None until logged).
    kept_percent = models.DecimalField(max_digits=24, decimal_places=4, null=True, blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["project", "days_after"]
        constraints = [
            models.UniqueConstraint(fields=["project", "days_after"], name="one_follow_up_per_day"),
            models.CheckConstraint(
                condition=Q(verdict__in=[s.value for s in Sustainment]),
                name="follow_up_verdict_valid",
            ),
        ]
        indexes = [models.Index(fields=["due_on"], name="follow_up_due_idx")]

    def __str__(self) -> str:
        return f"{self.project} +{self.days_after} days"

    @property
    def is_logged(self) -> bool:
        return self.value is not None

    @property
    def is_missed(self) -> bool:
        return self.verdict == Sustainment.MISSED

    @property
    def last_day(self) -> dt.date:
        """The last day it may be logged before it reads missed: its due date plus
        `LEANLEADERS_FOLLOW_UP_GRACE_DAYS`."""
        return self.due_on + _grace()

    def is_open(self, today: dt.date) -> bool:
        """Whether a value may be logged: from its due date on (late, even once missed)."""
        return self.due_on <= today

    def state(self, today: dt.date) -> str:
        """logged, missed, due or upcoming, for the pages."""
        if self.is_logged:
            return "logged"
        if self.is_missed:
            return "missed"
        return "due" if self.is_open(today) else "upcoming"
