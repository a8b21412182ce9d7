"""The action plan's goals and member commitments, as the report reads them from the app DB.

The report does not import `plans`: it reads the plans part's tables by name and finds nothing
(no goals, no commitments) while they do not exist. What it expects of them:

* `plan_goals`: `id`, `title`, `measure_id` (none: a custom measure, whose staff-entered values
  are not published results, so the report shows no figure for it); optional `plan_id`,
  `entity_type`, `entity_id` (the scope; none: the whole collaborative), `stratum_type`,
  `stratum` (none: everyone), `baseline_value`, `baseline_period`, `target_value` (on the
  measure's published scale: 0-1 for proportions), `target_date`.
* `plan_commitments`: `organization_id`, `description`; optional `id`, `plan_id`, `goal_id`,
  `due_date`, `status`.
* `plans`: `id`, `status`; goals and commitments of a plan whose status is `draft` are left
  out (a draft is not public).

Progress is worked out here from published results (public cells only), never typed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from commontable.reports.published import ALL, COLLABORATIVE, PublicCell, Published

GOALS = "plan_goals"
COMMITMENTS = "plan_commitments"
PLANS = "plans"
DRAFT = "draft"


@dataclass(frozen=True)
class Goal:
    """A goal of the action plan: a measure, its scope, baseline and target."""

    id: int
    title: str
    measure_id: str | None
    measure_title: str | None
    entity_type: str | None
    entity_id: str | None
    stratum_type: str | None
    stratum: str | None
    baseline: float | None
    baseline_period: int | None
    target: float | None
    target_date: date | None


@dataclass(frozen=True)
class Commitment:
    """What a member organization committed to contribute, by when, and how it stands."""

    organization_id: int
    description: str
    goal_title: str | None
    due_date: date | None
    status: str | None


def _table(session: Session, name: str) -> sa.Table | None:
    connection = session.connection()
    if not sa.inspect(connection).has_table(name):
        return None
    return sa.Table(name, sa.MetaData(), autoload_with=connection)


def _drafts(session: Session) -> set[int]:
    """The ids of plans still in draft."""
    plans = _table(session, PLANS)
    if plans is None or not {"id", "status"} <= set(plans.c.keys()):
        return set()
    query = sa.select(plans.c.id).where(plans.c.status == DRAFT)
    return {int(i) for i in session.connection().execute(query).scalars()}


def _rows(session: Session, name: str, required: tuple[str, ...]) -> list[dict[str, Any]]:
    """The table's rows outside draft plans, as dicts; none when the table does not exist or
    lacks a required column."""
    table = _table(session, name)
    if table is None or not set(required) <= set(table.c.keys()):
        return []
    order = table.c["id"] if "id" in table.c else table.c[required[0]]
    rows = session.connection().execute(sa.select(table).order_by(order))
    drafts = _drafts(session)
    return [dict(r._mapping) for r in rows if r._mapping.get("plan_id") not in drafts]


def _either(row: dict[str, Any], *names: str) -> Any:
    return next((row[n] for n in names if row.get(n) is not None), None)


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value[:10])
    return None


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def goals(session: Session) -> list[Goal]:
    """The action plan's goals; none while the plans tables do not exist."""
    return [
        Goal(
            id=int(row["id"]),
            title=str(row["title"]),
            measure_id=row.get("measure_id"),
            measure_title=row.get("measure_title"),
            entity_type=row.get("entity_type"),
            entity_id=None if row.get("entity_id") is None else str(row["entity_id"]),
            stratum_type=row.get("stratum_type"),
            stratum=row.get("stratum"),
            baseline=_float(_either(row, "baseline_value", "baseline")),
            baseline_period=row.get("baseline_period"),
            target=_float(_either(row, "target_value", "target")),
            target_date=_date(row.get("target_date")),
        )
        for row in _rows(session, GOALS, ("id", "title", "measure_id"))
    ]


def commitments(session: Session) -> list[Commitment]:
    """Every member commitment of the action plan, with its goal's title; none without plans."""
    titles = {goal.id: goal.title for goal in goals(session)}
    return [
        Commitment(
            organization_id=int(row["organization_id"]),
            description=str(row["description"]),
            goal_title=titles.get(row["goal_id"]) if row.get("goal_id") is not None else None,
            due_date=_date(row.get("due_date")),
            status=None if row.get("status") is None else str(row["status"]).replace("_", " "),
        )
        for row in _rows(session, COMMITMENTS, ("organization_id", "description"))
    ]


@dataclass(frozen=True)
class Progress:
    """A goal's standing in the report's period, from published results."""

    goal: Goal
    baseline: float | None
    current: float | None
    share: float | None  # of the way from baseline to target; None when it cannot be said
    status: str


def _scoped(published: Published, goal: Goal, period: int) -> PublicCell | None:
    if goal.measure_id is None:
        return None
    found = published.of(
        goal.measure_id, goal.entity_type or COLLABORATIVE, goal.stratum_type or ALL, period
    )
    return next(
        (
            c
            for c in found
            if (goal.entity_id is None or c.entity_id == goal.entity_id)
            and (goal.stratum is None or c.stratum == goal.stratum)
        ),
        None,
    )


def progress(goal: Goal, published: Published) -> Progress:
    """How far the goal has come from its baseline (the published result of its baseline
    period, else the figure entered; the earliest published period's when it names none) to
    its target."""
    measure = published.measures.get(goal.measure_id or "")
    if goal.measure_id is None:
        return Progress(goal, None, None, None, "custom measure: its values are not published")
    now = _scoped(published, goal, published.period)
    current = now.rate if now is not None and now.shown else None
    then = _scoped(published, goal, goal.baseline_period or published.baseline)
    baseline = goal.baseline if then is None else (then.rate if then.shown else None)
    if measure is None or current is None:
        return Progress(goal, baseline, None, None, "no public result this period")
    if goal.target is None:
        return Progress(goal, baseline, current, None, "no target set")
    better = measure.higher_is_better
    met = current >= goal.target if better else current <= goal.target
    share = None
    if baseline is not None and goal.target != baseline:
        share = (current - baseline) / (goal.target - baseline)
    if met:
        status = "target met"
    elif share is None:
        status = "not yet met"
    elif share > 0:
        status = "improving, not yet met"
    else:
        status = "not improving"
    return Progress(goal, baseline, current, share, status)
