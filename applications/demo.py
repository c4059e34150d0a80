"""Demo data for this stage, called by `manage.py seed_demo` in stage order."""

from __future__ import annotations

from leanleaders.models import User


def seed(people: dict[str, User]) -> None:
    """Create or refresh this stage's demo rows; must be safe to run again."""
