"""Time the project page of a project with a long history: a year of daily measurements and
100 progress entries, added to the benchmark's project and removed afterwards.

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.history [--repeat 15]

The dataset gives each project about 25 measurements and 10 entries, so the load run cannot
show whether the project page grows with a project's history; this does. The rows are added
and removed through bulk queries, the project's stored result recomputed by the service each
time, so the dataset is as it was after the run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.utils import timezone  # noqa: E402

from bench.pages import PAGES  # noqa: E402
from bench.profile import OUT, time_page  # noqa: E402
from projects.models import Measurement, ProgressEntry, Project  # noqa: E402
from projects.services import measure_result_store  # noqa: E402

DAYS, ENTRIES = 365, 100
MARK = "bench history"  # the added rows' note and text, by which they are removed


def _add(project: Project) -> None:
    measure = project.measures.get(is_primary=True)
    start = timezone.localdate() - dt.timedelta(days=DAYS + 30)
    Measurement.objects.bulk_create(
        Measurement(
            measure=measure, date=start + dt.timedelta(days=i), value=Decimal("11.5"), note=MARK
        )
        for i in range(DAYS)
    )
    ProgressEntry.objects.bulk_create(
        ProgressEntry(
            project=project,
            date=start + dt.timedelta(days=i * 3),
            did=MARK,
            learned=MARK,
            next_steps=MARK,
            pdca_stage="do",
        )
        for i in range(ENTRIES)
    )
    measure_result_store(measure=measure)


def _remove(project: Project) -> None:
    measure = project.measures.get(is_primary=True)
    Measurement.objects.filter(measure=measure, note=MARK).delete()
    ProgressEntry.objects.filter(project=project, did=MARK).delete()
    measure_result_store(measure=measure)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    subjects = json.loads((OUT / "subjects.json").read_text())
    page = next(p for p in PAGES if p.name == "project page")
    project = Project.objects.get(pk=subjects["project"])
    _remove(project)  # what an interrupted run left
    print(time_page(page, subjects, repeat=args.repeat, label="project page, as generated"))
    _add(project)
    try:
        label = f"project page, {DAYS} more measurements and {ENTRIES} more entries"
        print(time_page(page, subjects, repeat=args.repeat, label=label))
    finally:
        _remove(project)


if __name__ == "__main__":
    main()
