"""Reminder rules of this stage (see leanleaders/reminders.py)."""

from __future__ import annotations

from leanleaders.reminders import Rule

RULES: list[Rule] = []
