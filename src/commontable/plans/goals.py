"""Goals: a measure (a published library measure, or a custom one with values staff enter),
a scope, a baseline period, and a target value by a date."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commontable.audit import Actor, AuditAction
from commontable.errors import Conflict, NotFound, UserError
from commontable.members import Person
from commontable.plans.figures import PROPORTION, parse_value
from commontable.plans.models import (
    ActionArea,
    AdoptedBy,
    Goal,
    GoalValue,
    Plan,
)
from commontable.plans.planning import FIRST_YEAR, LAST_YEAR, words
from commontable.plans.tracking import end_of
from commontable.publishing import (
    ALL,
    COLLABORATIVE,
    ENTITY_LABELS,
    STRATUM_LABELS,
    PublishedMeasure,
    PublishedResult,
)


@dataclass(frozen=True)
class CustomMeasure:
    """A measure the library does not have; staff enter its values per period."""

    title: str
    unit: str  # proportion, or words: "people screened", "days"
    higher_is_better: bool


@dataclass(frozen=True)
class GoalSpec:
    """What staff set when adding a goal: a published measure's id, or a custom measure."""

    title: str
    baseline_period: int
    target_value: float
    target_date: date
    measure_id: str | None = None
    _: KW_ONLY
    custom: CustomMeasure | None = None
    entity_type: str = COLLABORATIVE
    entity_id: str = COLLABORATIVE
    stratum_type: str = ALL
    stratum: str = ALL
    baseline_value: float | None = None  # only used while nothing is published for the period
    area: ActionArea | None = None
    adopted_by: tuple[AdoptedBy, str] | None = None  # (kind, id) of what adopted the measure


def add_goal(session: Session, plan: Plan, spec: GoalSpec, *, by: Actor) -> Goal:
    """Set a goal in the plan; its direction (higher or lower is better) comes from the
    measure. Audited as `by`'s doing."""
    title, unit, higher_is_better = measure_facts(session, spec.measure_id, spec.custom)
    _check_scope(spec)
    _check_dates(spec)
    for value in (spec.target_value, spec.baseline_value):
        if unit == PROPORTION and value is not None and not 0 <= value <= 1:
            raise UserError(f"{value} is not a proportion (0 to 1)")
    kind, ref = spec.adopted_by or (None, None)
    goal = Goal(
        plan=plan,
        area=spec.area,
        title=words(spec.title, "a goal's title"),
        measure_id=spec.measure_id,
        measure_title=title,
        unit=unit,
        higher_is_better=higher_is_better,
        entity_type=spec.entity_type,
        entity_id=COLLABORATIVE if spec.entity_type == COLLABORATIVE else spec.entity_id.strip(),
        stratum_type=spec.stratum_type,
        stratum=ALL if spec.stratum_type == ALL else spec.stratum.strip(),
        baseline_period=spec.baseline_period,
        baseline_value=spec.baseline_value,
        target_value=spec.target_value,
        target_date=spec.target_date,
        adopted_by_kind=kind,
        adopted_by_ref=words(ref, "the id of what adopted the measure")[:100] if ref else None,
    )
    session.add(goal)
    session.flush()
    by.record(
        session,
        AuditAction.ADD_GOAL,
        target=goal.title,
        plan_id=plan.id,
        goal_id=goal.id,
        measure_id=goal.measure_id,
        target_value=goal.target_value,
        target_date=goal.target_date.isoformat(),
    )
    return goal


def goal_spec(
    session: Session,
    title: str,
    baseline_period: int,
    target: str,
    target_date: date,
    measure_id: str | None,
    *,
    custom: CustomMeasure | None = None,
    baseline: str = "",
    **scope: Any,
) -> GoalSpec:
    """A goal as a person types it (a page's form, a command's options): the target and
    baseline read in the measure's unit ("72%" or 0.72 of a proportion)."""
    _, unit, _ = measure_facts(session, None if custom else measure_id, custom)
    return GoalSpec(
        title=title,
        baseline_period=baseline_period,
        target_value=parse_value(target, unit, "target"),
        target_date=target_date,
        measure_id=None if custom else measure_id,
        custom=custom,
        baseline_value=parse_value(baseline, unit, "baseline") if baseline.strip() else None,
        **scope,
    )


def measure_facts(
    session: Session, measure_id: str | None, custom: CustomMeasure | None
) -> tuple[str, str, bool]:
    """A goal's measure: its title, unit and direction (True: higher is better)."""
    if (measure_id is None) == (custom is None):
        raise UserError("a goal needs either a published measure or a custom measure")
    if custom is not None:
        unit = words(custom.unit, "a custom measure's unit")[:40]
        return words(custom.title, "a custom measure's title")[:300], unit, custom.higher_is_better
    measure = session.get(PublishedMeasure, measure_id)
    if measure is None:
        raise NotFound(
            f"measure {measure_id} has no published results; publish them first "
            "(`commontable publish --period P`) or set a custom measure"
        )
    return measure.title, measure.type, measure.higher_is_better


def _check_scope(spec: GoalSpec) -> None:
    if spec.measure_id is None:
        return  # a custom measure's scope is what staff say it is
    if spec.entity_type not in ENTITY_LABELS:
        raise UserError(
            f"unknown entity type {spec.entity_type}; one of: {', '.join(ENTITY_LABELS)}"
        )
    if spec.stratum_type not in STRATUM_LABELS:
        raise UserError(
            f"unknown stratum type {spec.stratum_type}; one of: {', '.join(STRATUM_LABELS)}"
        )
    if spec.entity_type != COLLABORATIVE and not spec.entity_id.strip():
        raise UserError(f"say which {spec.entity_type.replace('_', ' ')} the goal is about")
    if spec.stratum_type != ALL and not spec.stratum.strip():
        raise UserError(f"say which {spec.stratum_type.replace('_', ' ')} the goal is about")


def _check_dates(spec: GoalSpec) -> None:
    if not FIRST_YEAR <= spec.baseline_period <= LAST_YEAR:
        raise UserError(f"{spec.baseline_period} is not a measurement year")
    if spec.target_date <= end_of(spec.baseline_period):
        raise UserError(
            f"the target date ({spec.target_date}) must come after the baseline period "
            f"({spec.baseline_period}) ends"
        )


def get_goal(session: Session, goal_id: int) -> Goal:
    """The goal with this id."""
    goal = session.get(Goal, goal_id)
    if goal is None:
        raise NotFound(f"no goal with id {goal_id}")
    return goal


def enter_value(
    session: Session, goal: Goal, period: int, value: float, entered_by: Person | None = None
) -> float | None:
    """Enter (or correct) a custom measure's value for a period; returns the value it had."""
    if not goal.custom:
        raise Conflict(
            f"the values of {goal.measure_id} come from its published results; only a custom "
            "measure's values are entered"
        )
    if not FIRST_YEAR <= period <= LAST_YEAR:
        raise UserError(f"{period} is not a measurement year")
    if goal.unit == PROPORTION and not 0 <= value <= 1:
        raise UserError(f"{value} is not a proportion (0 to 1)")
    found = next((v for v in goal.values if v.period == period), None)
    before = found.value if found else None
    if found is None:
        goal.values.append(GoalValue(period=period, value=value, entered_by_id=_id(entered_by)))
    else:
        found.value, found.entered_by_id = value, _id(entered_by)
    session.flush()
    return before


def _id(person: Person | None) -> int | None:
    return person.id if person is not None else None


@dataclass(frozen=True)
class ScopeChoice:
    """An entity (or the whole collaborative) or a stratum that published results name."""

    kind: str
    key: str
    name: str

    @property
    def value(self) -> str:
        return f"{self.kind}|{self.key}"


def published_entities(session: Session) -> list[ScopeChoice]:
    """The entities published results name (for a goal's scope), the collaborative first."""
    query = (
        select(PublishedResult.entity_type, PublishedResult.entity_id, PublishedResult.entity_name)
        .where(PublishedResult.stratum_type == ALL)
        .distinct()
    )
    found = {ScopeChoice(*row) for row in session.execute(query)}
    whole = ScopeChoice(COLLABORATIVE, COLLABORATIVE, "Whole collaborative")
    others = sorted((c for c in found if c.kind != COLLABORATIVE), key=lambda c: (c.kind, c.name))
    return [whole, *others]


def published_strata(session: Session) -> list[ScopeChoice]:
    """The strata published results name (for a goal's scope), everyone first."""
    query = select(PublishedResult.stratum_type, PublishedResult.stratum).distinct()
    found = {ScopeChoice(kind, key, key) for kind, key in session.execute(query)}
    everyone = ScopeChoice(ALL, ALL, "Everyone")
    others = sorted((c for c in found if c.kind != ALL), key=lambda c: (c.kind, c.key))
    return [everyone, *others]


def split_choice(value: str, what: str) -> tuple[str, str]:
    """A form's "kind|key" back into its parts."""
    kind, bar, key = value.partition("|")
    if not bar or not kind:
        raise UserError(f"'{value}' is not a {what}")
    return kind, key
