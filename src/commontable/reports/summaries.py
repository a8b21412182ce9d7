"""The lines of the index's goals table and of the impact table, as text for the templates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from commontable.reports.formatting import count_text, money, rate_text
from commontable.reports.goals import Progress
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


def goal_lines(published: Published, plan: Sequence[Progress]) -> list[GoalLine]:
    """Each goal with its baseline, current result and target on the measure's scale."""
    lines = []
    for found in plan:
        goal = found.goal
        measure = published.measures.get(goal.measure_id or "")
        if measure is None:
            what = goal.measure_title or goal.measure_id or "custom measure"
            lines.append(GoalLine(goal.title, what, None, "", "", "", "", found.status, ""))
            continue
        share = "" if found.share is None or found.status == "target met" else f"{found.share:.0%}"
        lines.append(
            GoalLine(
                title=goal.title,
                measure=measure.title,
                path=measure_path(measure.measure_id),
                baseline=rate_text(measure, found.baseline),
                current=rate_text(measure, found.current),
                target=rate_text(measure, goal.target),
                target_date="" if goal.target_date is None else goal.target_date.isoformat(),
                status=found.status,
                share=share,
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
