"""The lines of the index's goals table and of the impact table, as text for the templates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from commontable.display import count_text, money, rate_text
from commontable.plans import GoalProgress, TrackStatus, share_text, value_text
from commontable.reports.impact import Avoided
from commontable.reports.pages import measure_path
from commontable.reports.published import Published


@dataclass(frozen=True)
class GoalLine:
    title: str
    measure: str
    path: str | None
    baseline: str
    current: str
    target: str
    target_date: str
    status: str
    share: str


@dataclass(frozen=True)
class ImpactLine:
    title: str
    path: str
    events: str
    baseline_rate: str
    rate: str
    expected: str
    observed: str
    avoided: str
    value: str
    note: str


def goal_lines(published: Published, plan: Sequence[GoalProgress]) -> list[GoalLine]:
    """Each goal with its baseline, latest result and target, and the plans' verdict on it
    (met, on track, off track, not measured) with how far along it is."""
    lines = []
    for found in plan:
        measure = found.measure_title
        if found.scope.label != "Whole collaborative":
            measure = f"{measure}: {found.scope.label}"
        published_measure = found.measure_id is not None and found.measure_id in published.measures
        current = value_text(found.unit, found.latest)
        if current and found.latest_period != published.period:
            current = f"{current} ({found.latest_period})"
        met = found.status is TrackStatus.MET
        lines.append(
            GoalLine(
                title=found.title,
                measure=measure,
                path=measure_path(found.measure_id)
                if published_measure and found.measure_id
                else None,
                baseline=value_text(found.unit, found.baseline),
                current=current,
                target=value_text(found.unit, found.target),
                target_date=found.target_date.isoformat(),
                status=found.status.value,
                share="" if met else share_text(found.percent_of_way),
            )
        )
    return lines


def impact_lines(avoided: Sequence[Avoided]) -> list[ImpactLine]:
    """Each admissions measure's events avoided, as figures people read."""
    return [
        ImpactLine(
            title=a.measure.title,
            path=measure_path(a.measure.measure_id),
            events=a.events,
            baseline_rate=rate_text(a.measure, a.baseline_rate),
            rate=rate_text(a.measure, a.rate),
            expected="" if a.expected is None else f"{a.expected:,.1f}",
            observed=count_text(a.observed),
            avoided="" if a.avoided is None else f"{a.avoided:,.1f}",
            value=money(a.value),
            note=a.note,
        )
        for a in avoided
    ]
