"""The Lean Leader network: the profile a Lean Leader keeps in the directory, and the
conversations trainees ask peer coaches for.

Who is a Lean Leader is not stored here: it is the program's one rule
(projects/completion.py), read in SQL by the selectors.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leanleaders.models import User
from projects.models import Project

STORY_MAX = 600
MESSAGE_MAX = 1000
HELP_MAX = 1000


class LeanLeaderProfile(models.Model):
    """What a Lean Leader chooses to show. Without one they are listed with no story."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="lean_leader_profile")
    story = models.TextField(
        _("Your story"),
        max_length=STORY_MAX,
        blank=True,
        help_text=_("A few sentences: what you changed, and what you would tell a new trainee."),
    )
    hidden = models.BooleanField(
        _("Hide me from the directory"),
        default=False,
        help_text=_("You will not be listed, suggested or offered as a peer coach."),
    )
    offers_peer_coaching = models.BooleanField(
        _("I offer to be a peer coach"),
        default=False,
        help_text=_("Trainees may ask you for a conversation about their project."),
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Lean Leader profile")
        verbose_name_plural = _("Lean Leader profiles")

    def __str__(self) -> str:
        return str(self.user)


class PeerRequest(models.Model):
    """A trainee asks a Lean Leader who offers peer coaching for a conversation."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS: dict[str, set[str]] = {
        Status.REQUESTED: {Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN},
        Status.ACCEPTED: set(),
        Status.DECLINED: set(),
        Status.WITHDRAWN: set(),
    }

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="peer_requests")
    trainee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="peer_requests_sent")
    peer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="peer_requests_received")
    message = models.TextField(_("Your message"), max_length=MESSAGE_MAX)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REQUESTED)
    status_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)

    # After the conversation, either of them records briefly how the peer helped.
    help_note = models.TextField(_("How the conversation helped"), max_length=HELP_MAX, blank=True)
    help_date = models.DateField(_("Date of the conversation"), null=True, blank=True)
    help_recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    help_recorded_at = models.DateTimeField(null=True, blank=True)
    # The trainee's consent to show the recorded help on the project's timeline; theirs alone,
    # and revocable.
    shared_on_timeline = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["requested", "accepted", "declined", "withdrawn"]),
                name="peer_request_status_valid",
            ),
            # One unanswered request per project and peer: asking again before an answer repeats it.
            models.UniqueConstraint(
                fields=["project", "peer"],
                condition=Q(status="requested"),
                name="one_open_peer_request",
            ),
            models.CheckConstraint(condition=~Q(trainee=models.F("peer")), name="peer_not_self"),
        ]
        indexes = [
            models.Index(fields=["peer", "status"]),
            models.Index(fields=["trainee", "status"]),
            models.Index(fields=["project", "shared_on_timeline"]),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} asks {self.peer}"

    @property
    def has_help(self) -> bool:
        return bool(self.help_note)
