"""The measured result of a project: change against baseline and a verdict. Pure: no database.

The rules, as shown to trainees on the project page:

- **Baseline**: the median of the baseline data points when there are any (a median is not pulled
  about by one unusual week); otherwise the baseline value typed in.
- **Current value**: the median of the latest three measurements (or of all of them when there are
  fewer). One good or bad day neither makes nor breaks the result, yet the verdict follows the
  trend within a few entries.
- **Change**: current minus baseline. The *gain* is the same change signed so that a positive
  number is always an improvement (for a lower-is-better measure the gain is baseline minus
  current). Percentages are relative to the baseline's size; with a zero baseline no percentage
  exists, so the verdict uses the absolute change alone.
- **Verdict**: *not enough data* without a baseline or without any measurement; *no change* when
  the gain is under 5% of the baseline (exactly zero gain for a zero baseline); otherwise
  *improved* or *worse*. One measurement is enough for a verdict; the page says how many it
  rests on.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

LATEST_WINDOW = 3
NO_CHANGE_TOLERANCE_PERCENT = Decimal(5)
MIN_MEASUREMENTS = 1
HUNDRED = Decimal(100)


class Verdict(StrEnum):
    IMPROVED = "improved"
    NO_CHANGE = "no_change"
    WORSE = "worse"
    NOT_ENOUGH_DATA = "not_enough_data"

    @property
    def label(self) -> str:
        return str(VERDICT_LABELS[self])


VERDICT_LABELS = {
    Verdict.IMPROVED: _("Improved"),
    Verdict.NO_CHANGE: _("No change"),
    Verdict.WORSE: _("Worse"),
    Verdict.NOT_ENOUGH_DATA: _("Not enough data"),
}


@dataclass(frozen=True)
class Result:
    verdict: Verdict
    baseline: Decimal | None
    current: Decimal | None
    measurement_count: int
    change: Decimal | None = None  # current - baseline
    change_percent: Decimal | None = None
    gain: Decimal | None = None  # positive = better
    gain_percent: Decimal | None = None
    baseline_from_points: bool = False

    @property
    def verdict_label(self) -> str:
        return self.verdict.label

    @property
    def has_verdict(self) -> bool:
        return self.verdict != Verdict.NOT_ENOUGH_DATA

    @property
    def missing(self) -> str:
        """What is needed for a verdict, in words; empty when there is one."""
        if self.baseline is None:
            return gettext("Record a baseline to see the change.")
        if self.measurement_count < MIN_MEASUREMENTS:
            return gettext("Log a measurement to see the change against the baseline.")
        return ""


def median(values: Iterable[Decimal]) -> Decimal | None:
    ordered = sorted(values)
    if not ordered:
        return None
    return Decimal(statistics.median(ordered))


def baseline_of(
    *, baseline_value: Decimal | None, points: Sequence[Decimal] = ()
) -> tuple[Decimal | None, bool]:
    """The baseline and whether it was computed from data points."""
    if points:
        return median(points), True
    return baseline_value, False


def current_of(values_by_date: Sequence[Decimal]) -> Decimal | None:
    """`values_by_date` oldest first; the median of the latest LATEST_WINDOW values."""
    return median(values_by_date[-LATEST_WINDOW:])


def compute(
    *,
    higher_is_better: bool,
    baseline_value: Decimal | None,
    baseline_points: Sequence[Decimal] = (),
    measurements: Sequence[Decimal] = (),
    measurement_count: int | None = None,
) -> Result:
    """The result for one measure. `measurements` are values ordered oldest first: all of them,
    or only the latest LATEST_WINDOW with `measurement_count` saying how many there are."""
    baseline, from_points = baseline_of(baseline_value=baseline_value, points=baseline_points)
    current = current_of(measurements)
    count = len(measurements) if measurement_count is None else measurement_count
    if baseline is None or current is None or count < MIN_MEASUREMENTS:
        return Result(
            Verdict.NOT_ENOUGH_DATA, baseline, current, count, baseline_from_points=from_points
        )
    change = current - baseline
    gain = change if higher_is_better else -change
    change_percent = gain_percent = None
    if baseline != 0:
        change_percent = change / abs(baseline) * HUNDRED
        gain_percent = gain / abs(baseline) * HUNDRED
    if gain_percent is not None:
        if abs(gain_percent) < NO_CHANGE_TOLERANCE_PERCENT:
            verdict = Verdict.NO_CHANGE
        else:
            verdict = Verdict.IMPROVED if gain > 0 else Verdict.WORSE
    else:
        verdict = (
            Verdict.NO_CHANGE if gain == 0 else Verdict.IMPROVED if gain > 0 else Verdict.WORSE
        )
    return Result(
        verdict=verdict,
        baseline=baseline,
        current=current,
        measurement_count=count,
        change=change,
        change_percent=change_percent,
        gain=gain,
        gain_percent=gain_percent,
        baseline_from_points=from_points,
    )
