"""What the stages contribute to pages and jobs that every stage shares (the role home pages,
the reminder rules).

The foundation names the stages' order but imports none of them: each app registers its part
from its `AppConfig.ready()`, so no module imports in a circle and a reader finds an app's
contributions in its own `apps.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

# The program's stages, in the order their contributions are shown and run. "network" (the Lean
# Leader directory and peer coaches) comes after the program: it reads who completed it.
# "people" is the foundation's own (leanleaders/home.py), shown last.
STAGES = ("applications", "cohorts", "projects", "coaching", "reporting", "network", "people")

T = TypeVar("T")


class StageRegistry(Generic[T]):
    """Items registered per stage, read back in stage order."""

    def __init__(self) -> None:
        self._items: dict[str, tuple[T, ...]] = {}

    def register(self, stage: str, *items: T) -> None:
        """Set this stage's items; registering the stage again replaces them, so a second call
        of `ready()` adds nothing twice."""
        if stage not in STAGES:
            raise ValueError(f"Unknown stage {stage!r}; the stages are {', '.join(STAGES)}")
        self._items[stage] = items

    def __iter__(self) -> Iterator[T]:
        for stage in STAGES:
            yield from self._items.get(stage, ())


@dataclass(frozen=True)
class OrgChanges:
    """What one org-data import changed, handed to each stage inside the import's transaction so
    open work follows the org chart (an application waiting on a supervisor who no longer
    supervises the applicant moves to the new one)."""

    # (person id, old supervisor id, new supervisor id) for each person whose supervisor changed.
    supervisor_changes: tuple[tuple[int, int | None, int | None], ...] = ()
    # People the import deactivated.
    deactivated_ids: tuple[int, ...] = ()


# Facts about a person that the role predicates read, loaded with the signed-in person in the
# same query (leanleaders.backends): each stage registers `(name, expression)` pairs whose
# expression (built by a callable, so models load first) annotates the user row, e.g. whether
# they have ever applied (`org_takes_part`).
person_facts: StageRegistry[tuple[str, Callable[[], Any]]] = StageRegistry()


# Each stage registers `listener(changes: OrgChanges, *, by: User) -> None`; the import calls
# them in stage order after applying its rows, in the same transaction.
org_change_listeners: StageRegistry[Callable[..., None]] = StageRegistry()


# Each later stage may register `source(project) -> list[item]` adding its own items to the
# coaching stage's project timeline (coaching.selectors.TimelineItem, each naming the template
# that draws it), so the coaching stage shows them without importing the later stage.
project_timeline_sources: StageRegistry[Callable[[Any], list[Any]]] = StageRegistry()


# Each stage registers `listener(*, application_ids: list[int]) -> None`; the cohorts stage calls
# them in stage order, in the same transaction, when those applications' Day 1 may have moved,
# come or gone (a cohort's Day 1 rescheduled, a trainee moved to another cohort, given a seat,
# withdrawn, an offered seat lapsed, the cohort cancelled), so figures counted from Day 1 and
# stored by a later stage stay true.
day1_change_listeners: StageRegistry[Callable[..., None]] = StageRegistry()
