"""Whether a reviewed project's result held after Day 3. Pure: no database.

The rule, as the project page states it:

- A follow-up's value is compared with the baseline the way the result is (`results.compute`):
  its *gain* is the change signed so that a positive number is an improvement.
- *Gain kept* = the follow-up's gain ÷ the Day-3 gain (the gain the result had when the project
  was reviewed).
- **Sustained** when the latest logged follow-up keeps at least `LEANLEADERS_SUSTAINED_SHARE`
  (80 %) of the Day-3 gain; **reverted** when it keeps none of it (0 % or less); **slipping**
  between.
- A follow-up not logged by its last day (`FollowUp.last_day`: its due date plus
  `LEANLEADERS_FOLLOW_UP_GRACE_DAYS`) is **missed**; the project reads missed when its latest
  follow-up so far was missed.
- Only a project whose Day-3 result improved gets follow-ups: without a gain there is nothing to
  sustain.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from projects import results
from projects.models import Sustainment

HUNDRED = Decimal(100)


def kept_share(
    *, higher_is_better: bool, baseline: Decimal, day3_gain: Decimal, value: Decimal
) -> Decimal:
    """The share of the Day-3 gain (> 0) that `value` keeps: 1 is all of it, 0 or less none."""
    later = results.compute(
        higher_is_better=higher_is_better, baseline_value=baseline, measurements=[value]
    )
    if later.gain is None or day3_gain <= 0:
        raise ValueError("A follow-up needs a baseline and a Day-3 gain above 0.")
    return later.gain / day3_gain


def verdict_of_share(share: Decimal, *, sustained_share: Decimal) -> Sustainment:
    if share >= sustained_share:
        return Sustainment.SUSTAINED
    if share <= 0:
        return Sustainment.REVERTED
    return Sustainment.SLIPPING


def project_verdict(verdicts_by_day: Sequence[str]) -> Sustainment:
    """The project's verdict: its latest follow-up with a verdict (`verdicts_by_day` in the order
    of their days), or none yet."""
    decided = [v for v in verdicts_by_day if v]
    return Sustainment(decided[-1]) if decided else Sustainment.NOT_DUE
