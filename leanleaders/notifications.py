"""The reminders a person may turn off. Session and sign-off emails are not optional."""

OPTIONAL_REMINDERS: dict[str, str] = {
    "progress-nudge": "A nudge when I haven't logged progress or a measurement for a week",
    "next-step-due": "A reminder the day before a next step of mine is due, and once when overdue",
    "day3-prep": "What to bring, a week before Day 3",
    "analyst-digest": "The weekly cohort digest (analysts)",
}


def wants_reminder(user: object, rule: str) -> bool:
    return rule not in OPTIONAL_REMINDERS or rule not in (
        getattr(user, "muted_reminders", []) or []
    )
