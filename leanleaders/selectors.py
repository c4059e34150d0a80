"""Reads for people and departments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from leanleaders.models import Department, OrgImport, OutboxEmail, User
from leanleaders.policies import visible_people
from leanleaders.roles import DepartmentActedFor, department_list_acted_for


def department_choices() -> list[tuple[int, str]]:
    """(id, name) of every department, by name, for filters."""
    return list(Department.objects.order_by("name").values_list("pk", "name"))


def managed_department_list(*, user: User) -> list[DepartmentActedFor]:
    """The departments a manager acts for, by name (read once per request)."""
    return department_list_acted_for(user)


def department_people_list(*, user: User) -> QuerySet[User]:
    return (
        visible_people(user)
        .filter(is_active=True)
        .select_related("department")
        .order_by("department__name", "full_name")
    )


def outbox_list(*, status: str | None = None) -> QuerySet[OutboxEmail]:
    emails = OutboxEmail.objects.all()
    if status:
        emails = emails.filter(status=status)
    return emails.defer("body_html", "attachments")


# Past this, a waiting email is stuck (the broker or the workers are down), not just queued.
STUCK_AFTER = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class MailTrouble:
    failed: int
    stuck: int
    oldest_pending_minutes: int


def mail_trouble(*, now: dt.datetime | None = None) -> MailTrouble | None:
    """Failed emails, or emails waiting longer than STUCK_AFTER; None when mail is flowing."""
    now = now or timezone.now()
    counts = OutboxEmail.objects.filter(
        status__in=[OutboxEmail.Status.FAILED, OutboxEmail.Status.PENDING]
    ).aggregate(
        failed=Count("pk", filter=Q(status=OutboxEmail.Status.FAILED)),
        stuck=Count(
            "pk",
            filter=Q(status=OutboxEmail.Status.PENDING, created_at__lte=now - STUCK_AFTER),
        ),
        oldest=Min("created_at", filter=Q(status=OutboxEmail.Status.PENDING)),
    )
    if not counts["failed"] and not counts["stuck"]:
        return None
    oldest = counts["oldest"]
    return MailTrouble(
        failed=counts["failed"],
        stuck=counts["stuck"],
        oldest_pending_minutes=int((now - oldest).total_seconds() // 60) if oldest else 0,
    )


def user_from_link(*, uidb64: str) -> User | None:
    """The account an emailed link names (its token is checked by the caller), or None."""
    try:
        return User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None


def org_import_list() -> QuerySet[OrgImport]:
    """Imports, newest first, without their files or plans (the list shows neither)."""
    return OrgImport.objects.defer("content", "rows", "plan").select_related(
        "created_by", "applied_by"
    )


def org_imports_with_plan() -> QuerySet[OrgImport]:
    """Imports with their plans, without their files (for the preview page)."""
    return OrgImport.objects.defer("content", "rows").select_related("created_by", "applied_by")
