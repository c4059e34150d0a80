"""People, departments, the audit log and the mail outbox: shared by every program stage."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    code = models.CharField(
        _("code"),
        max_length=12,
        unique=True,
        help_text=_("Short code used in lists, e.g. DPH or MTA."),
    )
    managers = models.ManyToManyField(
        "leanleaders.User", related_name="managed_departments", blank=True
    )
    alternate_manager = models.ForeignKey(
        "leanleaders.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alternate_for_departments",
        verbose_name=_("alternate manager"),
        help_text=_("May act on sign-offs when the manager is away."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.update(is_staff=True, is_superuser=True, role=User.Role.ANALYST)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username or "")


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        TRAINEE = "trainee", _("Trainee")
        MANAGER = "manager", _("Department manager")
        ANALYST = "analyst", _("City Performance analyst")

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.TRAINEE)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("department"),
        help_text=_("The department this person works in."),
    )
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    # From the city's HR export (issue 20): the reporting line and the HR system's key.
    employee_id = models.CharField(
        max_length=32,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The HR system's id for this person; the key the org import matches on."),
    )
    supervisor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="direct_reports",
        help_text=_("Who this person reports to; their sign-offs go here first."),
    )
    # Null for people the HR export has never listed (sign-up, just-in-time SSO accounts), so
    # analysts can tell them apart.
    org_synced_at = models.DateTimeField(
        _("last seen in the org data"), null=True, blank=True, editable=False
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("admin site access"),
        default=False,
        help_text=_("May sign in to the admin site (analysts)."),
    )
    date_joined = models.DateTimeField(default=timezone.now)
    muted_reminders = models.JSONField(
        _("muted reminders"),
        default=list,
        blank=True,
        help_text=_("Optional reminder rules this person turned off."),
    )
    # Blank until they choose one: pages follow the browser, emails the site's language.
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of your pages and of the emails we send you."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=["trainee", "manager", "analyst"]),
                name="user_role_valid",
            ),
        ]
        # People are listed by name: the program report's page of trainees (thousands of
        # projects, 25 shown) walks this index in order instead of sorting every one.
        indexes = [models.Index(fields=["full_name"], name="user_full_name_idx")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class AuditEvent(models.Model):
    """One recorded change: who did what to which object, from which state to which.

    Append-only: services write rows through `leanleaders.audit.audit_record`; nothing updates or
    deletes them. The timelines in the UI read from here.
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=64)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    from_status = models.CharField(max_length=32, blank=True)
    to_status = models.CharField(max_length=32, blank=True)
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "created_at"]),
            # When each object first reached a status (the program report's first acceptance):
            # read from the index alone, not from every audit row of the type.
            models.Index(
                fields=["target_type", "to_status", "target_id", "created_at"],
                name="audit_reached_status_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_id} at {self.created_at:%Y-%m-%d %H:%M}"


class OutboxEmail(models.Model):
    """An email waiting to be sent, or the record that it was.

    Rows are written in the same transaction as the change that causes them, with a unique
    `dedupe_key`, so a message is queued once per occasion and survives a broker outage. A
    sender marks the row *sending* with its claim and the time before it talks to SMTP
    (`leanleaders.mail.outbox_claim`).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to send")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    dedupe_key = models.CharField(max_length=200, unique=True)
    to = models.JSONField(default=list)
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    attachments = models.JSONField(default=list, blank=True)
    reason = models.CharField(max_length=255, blank=True)
    # The request (or beat task) that queued it, so the email can be traced to the click.
    request_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Who is sending (host, process, attempt) and since when; kept on the row once sent.
    claimed_by = models.CharField(max_length=100, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "sending", "sent", "failed"]),
                name="outbox_status_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class ReminderRuleStat(models.Model):
    """How often each reminder rule has run and what it queued, for the metrics endpoint.

    One row per rule, updated in place: a bounded table however long the program runs.
    """

    rule = models.CharField(max_length=64, unique=True)
    runs = models.PositiveIntegerField(default=0)
    queued_total = models.PositiveIntegerField(default=0)
    last_queued = models.PositiveIntegerField(default=0)
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.rule


class OrgImport(models.Model):
    """One upload of the city's HR export: the file itself, the plan worked out from it (what
    applying it would change, and each refused row with its reason) and, once confirmed, when
    and by whom it was applied.

    The file is kept on the row, not in the session or on one web server's disk, so the worker
    that reads it, the page that previews it and the request that applies it may run anywhere.
    """

    class Status(models.TextChoices):
        READING = "reading", _("Reading the file")
        READY = "ready", _("Ready to review")
        FAILED = "failed", _("Could not be read")
        APPLIED = "applied", _("Applied")

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    deactivate_missing = models.BooleanField(
        _("deactivate people no longer in the file"), default=False
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.READING)
    rows_read = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # The file's rows as read (number, then the fields), so applying works the plan out again
    # without parsing the file a second time.
    rows = models.JSONField(default=list, blank=True)
    # What applying the file would do, as the preview shows it (leanleaders.org_import.Plan).
    plan = models.JSONField(default=dict, blank=True)
    plan_digest = models.CharField(max_length=64, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    skipped_rejected = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["reading", "ready", "failed", "applied"]),
                name="org_import_status_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"
