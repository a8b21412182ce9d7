"""The on-track rule: where a goal should be by now, on a straight line from its baseline to
its target, and whether the latest value is there.

The rule, in order (a period is a measurement year, its value known as of 31 December):

1. No baseline value, or no value for a period after the baseline period: *not measured*.
2. The latest value is at least as good as the target: *met*.
3. Expected value: the straight line from (end of the baseline period, baseline) to (target
   date, target), read at the end of the latest period; from the target date on, the target.
   The latest value at least as good as expected: *on track*.
4. Worse than expected, but the expected value lies inside the latest value's 95% confidence
   interval (the shortfall could be chance): *on track*, marked as within the interval.
5. Otherwise: *off track*.

"At least as good" follows the measure's direction (higher or lower is better).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class TrackStatus(StrEnum):
    """How a goal is doing against its trajectory."""

    MET = "met"
    ON_TRACK = "on track"
    OFF_TRACK = "off track"
    NOT_MEASURED = "not measured"


@dataclass(frozen=True)
class Reading:
    """A value of a period with its 95% interval (None where there is none, e.g. entered)."""

    period: int
    value: float
    ci_low: float | None = None
    ci_high: float | None = None


@dataclass(frozen=True)
class Target:
    """Where a goal starts and where it should be by when."""

    baseline_period: int
    target: float
    target_date: date
    higher_is_better: bool


@dataclass(frozen=True)
class Assessment:
    """The rule's verdict on the latest value; `expected` and `percent_of_way` are None when
    there is nothing to compare."""

    status: TrackStatus
    expected: float | None = None
    percent_of_way: float | None = None  # 0 at the baseline, 1 at the target
    within_interval: bool = False


def end_of(period: int) -> date:
    """The day a period's value stands for: its last day."""
    return date(period, 12, 31)


def expected_value(goal: Target, baseline: float, period: int) -> float:
    """The value the straight line from baseline to target reaches at the end of `period`."""
    start = end_of(goal.baseline_period)
    span = (goal.target_date - start).days
    if span <= 0:
        return goal.target
    share = min(max((end_of(period) - start).days / span, 0.0), 1.0)
    return baseline + share * (goal.target - baseline)


def percent_of_way(baseline: float, latest: float, target: float) -> float | None:
    """How far the latest value has moved from the baseline towards the target (negative:
    away from it); None when the target is the baseline."""
    if target == baseline:
        return None
    return (latest - baseline) / (target - baseline)


def at_least_as_good(value: float, reference: float, higher_is_better: bool) -> bool:
    return value >= reference if higher_is_better else value <= reference


def assess(goal: Target, baseline: float | None, latest: Reading | None) -> Assessment:
    """Apply the rule (see the module docstring) to a goal's baseline and latest reading."""
    if baseline is None or latest is None or latest.period <= goal.baseline_period:
        return Assessment(TrackStatus.NOT_MEASURED)
    expected = expected_value(goal, baseline, latest.period)
    progress = percent_of_way(baseline, latest.value, goal.target)
    if at_least_as_good(latest.value, goal.target, goal.higher_is_better):
        return Assessment(TrackStatus.MET, expected, progress)
    if at_least_as_good(latest.value, expected, goal.higher_is_better):
        return Assessment(TrackStatus.ON_TRACK, expected, progress)
    if _inside(expected, latest):
        return Assessment(TrackStatus.ON_TRACK, expected, progress, within_interval=True)
    return Assessment(TrackStatus.OFF_TRACK, expected, progress)


def _inside(value: float, reading: Reading) -> bool:
    if reading.ci_low is None or reading.ci_high is None:
        return False
    return reading.ci_low <= value <= reading.ci_high
