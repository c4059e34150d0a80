"""The append-only audit log: every state change writes one row here in its own transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from leanleaders.models import AuditEvent, User


def audit_record(
    *,
    target: models.Model,
    action: str,
    by: User | None,
    from_status: str = "",
    to_status: str = "",
    comment: str = "",
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    """`at`: when it happened (now unless the change stamped its own time on the object)."""
    return AuditEvent.objects.create(
        created_at=at or timezone.now(),
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        actor=by if by is not None and by.is_authenticated else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
        data=data or {},
    )


def audit_events_for(target: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk
    ).select_related("actor")
