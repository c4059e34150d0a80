"""The single function that changes a workflow object's status.

A workflow model declares `status` (TextChoices) and a `TRANSITIONS` map {from: {to, ...}}, plus a
`status_changed_at` field. `transition` checks the map, stamps the time and writes the audit row in
the caller's transaction; the caller holds the row lock.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.utils import timezone

from leanleaders.audit import audit_record
from leanleaders.models import User


class WorkflowObject(Protocol):
    pk: Any
    status: str
    status_changed_at: Any
    TRANSITIONS: dict[str, set[str]]

    def get_status_display(self) -> str: ...
    def save(self, *args: Any, **kwargs: Any) -> None: ...


class InvalidTransition(ValidationError):  # noqa: N818  (reads as a sentence at call sites)
    """Raised when a change is not allowed from the object's current state."""


def can_transition(obj: WorkflowObject, to: str) -> bool:
    return to in obj.TRANSITIONS.get(obj.status, set())


def transition(
    obj: WorkflowObject,
    *,
    to: str,
    by: User | None,
    comment: str = "",
    data: dict[str, Any] | None = None,
    extra_update_fields: tuple[str, ...] = (),
) -> None:
    if not can_transition(obj, to):
        label = type(obj).Status(to).label  # type: ignore[attr-defined]
        raise InvalidTransition(
            f"This can't be moved to “{label}”: it is {obj.get_status_display().lower()} now. "
            "The page may be out of date; reload it to see the latest state."
        )
    from_status = obj.status
    obj.status = to
    obj.status_changed_at = timezone.now()
    obj.save(update_fields=["status", "status_changed_at", *extra_update_fields])
    # The audit row carries the same instant, so a time stored from the status (an
    # application's first acceptance) is the one the history shows.
    audit_record(
        target=obj,  # type: ignore[arg-type]
        action="status",
        by=by,
        from_status=from_status,
        to_status=to,
        comment=comment,
        data=data,
        at=obj.status_changed_at,
    )
