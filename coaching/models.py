"""Coaching: who coaches each project, the conversations they log and the next steps agreed.

The coach's private notes live in their own table (`PrivateNote`), so the reads made for
trainees and managers never load them: a page can only show what was loaded.
"""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from leanleaders.models import User
from projects.models import LeanTool, Project


class CoachAssignment(models.Model):
    """One period in which an analyst coaches a project. The open one (no end) is the current
    coach; ended rows are the history."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="coach_assignments")
    coach = models.ForeignKey(User, on_delete=models.PROTECT, related_name="coach_assignments")
    assigned_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=Q(ended_at__isnull=True), name="one_current_coach"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.coach} coaching {self.project}"


class Conversation(models.Model):
    class Format(models.TextChoices):
        GEMBA = "gemba", _("At the gemba")
        IN_PERSON = "in_person", _("In person")
        VIDEO = "video", _("Video call")
        PHONE = "phone", _("Phone")

    class Routine(TextChoices):
        """An analyst's coaching conversation, or one of the routines a leader (the trainee's
        supervisor or the project's sponsor) coaches through: each asks the same three
        questions and may end with next steps."""

        COACHING = "coaching", _("Coaching conversation")
        GEMBA_WALK = "gemba_walk", _("Gemba walk")
        HUDDLE = "huddle", _("Huddle")
        PROBLEM_SOLVING = "problem_solving", _("Problem-solving coaching")

    LEADER_ROUTINES = (Routine.GEMBA_WALK, Routine.HUDDLE, Routine.PROBLEM_SOLVING)

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="conversations")
    # The analyst who coached, or for a leader's routine the leader.
    coach = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    routine = models.CharField(
        _("Routine"), max_length=16, choices=Routine.choices, default=Routine.COACHING
    )
    date = models.DateField(default=timezone.localdate)
    format = models.CharField(max_length=16, choices=Format.choices, default=Format.GEMBA)
    duration_minutes = models.PositiveSmallIntegerField(
        _("Duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    what_we_see = models.TextField(_("What do you see?"), blank=True)
    whats_in_the_way = models.TextField(_("What's getting in the way?"), blank=True)
    experiment_to_try = models.TextField(_("What experiment could we try?"), blank=True)
    tools = models.JSONField(_("Lean tools discussed"), default=list, blank=True)
    obstacle = models.CharField(_("Obstacle being worked on"), max_length=300, blank=True)
    reflection = models.TextField(_("Trainee's reflection"), blank=True)
    reflection_at = models.DateTimeField(null=True, blank=True)
    # The project's lead chooses which conversations their team members see: a coaching
    # conversation is about the lead's own learning, so none is shown to the team until the lead
    # shares it. Leaders, managers and analysts see every conversation of a project they see.
    team_visible = models.BooleanField(_("Visible to my team"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["project", "date"]),
            # "Not coached in N days" looks for recent coaching conversations across every
            # project: read from this index alone, without visiting the (wide) rows.
            models.Index(fields=["routine", "date", "project"], name="conversation_coached_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(format__in=["gemba", "in_person", "video", "phone"]),
                name="conversation_format_valid",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=600),
                name="conversation_duration_range",
            ),
            models.CheckConstraint(
                condition=Q(routine__in=["coaching", "gemba_walk", "huddle", "problem_solving"]),
                name="conversation_routine_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Coaching on {self.date:%Y-%m-%d}: {self.project}"

    @property
    def is_leader_touchpoint(self) -> bool:
        return self.routine in self.LEADER_ROUTINES

    @property
    def tool_labels(self) -> list[str]:
        labels = dict(LeanTool.choices)
        return [str(labels[code]) for code in self.tools if code in labels]


class PrivateNote(models.Model):
    """The coach's own notes on a conversation: analysts only, never on pages, emails or
    exports for trainees and managers."""

    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, related_name="private_note"
    )
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Private note on conversation {self.conversation_id}"


class NextStep(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("next step", "Open")
        DONE = "done", pgettext_lazy("next step", "Done")

    class Owner(models.TextChoices):
        TRAINEE = "trainee", _("Trainee")
        COACH = "coach", _("Coach")
        MANAGER = "manager", _("Manager")
        # The leader who recorded the touchpoint (its `coach`).
        LEADER = "leader", _("Leader")

    TRANSITIONS: dict[str, set[str]] = {
        Status.OPEN: {Status.DONE},
        Status.DONE: {Status.OPEN},
    }

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="next_steps"
    )
    # Copied from the conversation so lists by project, department and owner need no join.
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="next_steps")
    description = models.CharField(_("What"), max_length=300)
    owner_role = models.CharField(
        pgettext_lazy("next step owner", "Who"), max_length=16, choices=Owner.choices
    )
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="next_steps")
    due_date = models.DateField(_("By when"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    status_changed_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["owner", "status", "due_date"]),
            models.Index(fields=["status", "due_date"]),
            # A manager's card counts the open steps of every project in their departments.
            models.Index(
                fields=["project", "due_date"],
                condition=Q(status="open"),
                name="nextstep_open_by_project_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "done"]), name="next_step_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(owner_role__in=["trainee", "coach", "manager", "leader"]),
                name="next_step_owner_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date < timezone.localdate()


class CoachingRequest(models.Model):
    """A trainee asks for a coaching conversation. Resolved by the next conversation logged for
    the project, or closed by an analyst."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="coaching_requests")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_conversation = models.ForeignKey(
        Conversation, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["project", "resolved_at"]),
            # The coaching overview lists the open requests oldest first; most are resolved.
            models.Index(
                fields=["created_at", "id"],
                condition=Q(resolved_at__isnull=True),
                name="coachingrequest_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Coaching request for {self.project}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class LeaderCadence(models.Model):
    """How often a leader means to hold a touchpoint with one of their people (on that person's
    project). The touchpoint service keeps `last_touchpoint_on`, `made` and `due_on` up to date
    in its transaction, so the home page, the reminders and the board read columns."""

    leader = models.ForeignKey(User, on_delete=models.CASCADE, related_name="leader_cadences")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="leader_cadences")
    every_days = models.PositiveSmallIntegerField(
        _("Every how many days"),
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("For example 7 for weekly, 14 for every two weeks."),
    )
    started_on = models.DateField(default=timezone.localdate)
    # Adherence counts from the trainee's cohort Day 1 or from `started_on`, whichever is later;
    # None while the trainee has no Day 1 (nothing is due yet). Stored with `made` by the
    # touchpoint and cadence services (and `manage.py recompute_leader_figures`).
    counts_from = models.DateField(null=True, blank=True)
    last_touchpoint_on = models.DateField(null=True, blank=True)
    # Touchpoints this leader made on the project on or after `counts_from`.
    made = models.PositiveIntegerField(default=0)
    # The next touchpoint is due on this day: the last one (or the start) plus `every_days`.
    due_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["leader", "project"], name="one_cadence_per_leader"),
            models.CheckConstraint(
                condition=Q(every_days__gte=1, every_days__lte=90), name="cadence_every_days_range"
            ),
        ]
        indexes = [models.Index(fields=["leader", "due_on"]), models.Index(fields=["due_on"])]

    def __str__(self) -> str:
        return f"{self.leader} every {self.every_days} days on {self.project}"

    def periods_due(self, today: dt.date) -> int:
        """How many touchpoints the cadence has asked for by `today`, counted from
        `counts_from`."""
        if self.counts_from is None:
            return 0
        return max(0, (today - self.counts_from).days // self.every_days)

    def adherence_percent(self, today: dt.date) -> int | None:
        """Touchpoints made ÷ due, as a whole percent capped at 100; None before any is due."""
        due = self.periods_due(today)
        if due == 0:
            return None
        return min(100, round(100 * self.made / due))


class LeaderCoachingNote(models.Model):
    """An analyst's note on how a leader (a supervisor or sponsor) coaches their people: for
    analysts only. Only analyst reads touch this table, so no other page, email or export can
    show it."""

    leader = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("Note"))
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # The notes are the analyst team's, so any analyst may correct one: the page says who last
    # did and when (the audit log keeps every version).
    edited_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["leader", "-created_at"], name="leadernote_leader_idx")]

    def __str__(self) -> str:
        return f"Note on leader {self.leader_id}"
