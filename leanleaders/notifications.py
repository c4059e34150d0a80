"""The reminders a person may turn off. Session and sign-off emails are not optional."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from leanleaders.roles import is_analyst

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from leanleaders.models import User

OPTIONAL_REMINDERS: dict[str, StrOrPromise] = {
    "progress-nudge": _("A nudge when I haven't logged progress or a measurement for a week"),
    "next-step-due": _(
        "A reminder the day before a next step of mine is due, and once when overdue"
    ),
    "leader-touchpoint-due": _(
        "As a leader: when a touchpoint with one of my people is due, and once when I missed it"
    ),
    "analyst-digest": _("The weekly cohort digest (analysts)"),
}
# Only analysts are sent these, so only analysts are offered the choice.
ANALYST_ONLY_REMINDERS = frozenset({"analyst-digest"})


def optional_reminders_for(user: User) -> dict[str, StrOrPromise]:
    """The optional reminders this person could be sent, to turn on or off."""
    analyst = is_analyst(user)
    return {
        key: label
        for key, label in OPTIONAL_REMINDERS.items()
        if analyst or key not in ANALYST_ONLY_REMINDERS
    }


def wants_reminder(user: object, rule: str) -> bool:
    return rule not in OPTIONAL_REMINDERS or rule not in (
        getattr(user, "muted_reminders", []) or []
    )
