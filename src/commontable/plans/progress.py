"""Progress of goals, computed from published results (never typed in): the series, the
baseline, the latest value, how far along, and on or off track (`plans.tracking`).

`goals_with_progress` and `GoalProgress` are what the public report and the API read; pass
no reader for the public's view, in which every hidden cell is blank.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from commontable.plans.models import Goal, Plan, PlanStatus
from commontable.plans.series import Observation, Series, series_of
from commontable.plans.tracking import Assessment, Target, TrackStatus, assess
from commontable.publishing import ALL, COLLABORATIVE, STRATUM_LABELS, Reader


@dataclass(frozen=True)
class Scope:
    """Whose results a goal is about: an entity (or the whole collaborative) and a stratum."""

    entity_type: str
    entity_id: str
    entity_name: str
    stratum_type: str
    stratum: str

    @property
    def label(self) -> str:
        """The scope as people say it: "Riverside Clinic, age band 18-44"."""
        who = "Whole collaborative" if self.entity_type == COLLABORATIVE else self.entity_name
        if self.stratum_type == ALL:
            return who
        kind = STRATUM_LABELS.get(self.stratum_type, self.stratum_type).lower()
        return f"{who}, {kind} {self.stratum}"


@dataclass(frozen=True)
class GoalProgress:
    """A goal and where it stands, as one reader may see it."""

    goal_id: int
    plan_id: int
    plan_title: str
    collaborative_id: int
    title: str
    action_area: str | None
    measure_id: str | None  # None: a custom measure with values entered by staff
    measure_title: str
    unit: str  # proportion, rate per 1,000, cost PMPM, or a custom measure's unit
    higher_is_better: bool
    scope: Scope
    baseline_period: int
    baseline: float | None
    latest_period: int | None
    latest: float | None
    latest_ci_low: float | None
    latest_ci_high: float | None
    target: float
    target_date: date
    expected: float | None  # where the trajectory says the latest value should be
    percent_of_way: float | None  # 0 at the baseline, 1 at the target
    status: TrackStatus
    within_interval: bool  # on track only because the expected value is inside the 95% CI
    series: tuple[Observation, ...]
    adopted_by_kind: str | None
    adopted_by_ref: str | None


def baseline_of(goal: Goal, series: Series) -> float | None:
    """The baseline: the value of the baseline period if any is published (blank for readers
    who may not see it), else the figure staff entered."""
    found = series.at(goal.baseline_period)
    if found is None:
        return goal.baseline_value
    return found.value if found.usable else None


def latest_of(goal: Goal, series: Series) -> Observation | None:
    """The newest usable value after the baseline period."""
    after = [o for o in series.observations if o.period > goal.baseline_period and o.usable]
    return after[-1] if after else None


def goal_progress(session: Session, goal: Goal, reader: Reader | None) -> GoalProgress:
    """Where one goal stands, as `reader` may see it (None: the public)."""
    series = series_of(session, goal, reader)
    baseline = baseline_of(goal, series)
    latest = latest_of(goal, series)
    target = Target(
        goal.baseline_period, goal.target_value, goal.target_date, goal.higher_is_better
    )
    verdict: Assessment = assess(target, baseline, latest.reading() if latest else None)
    return GoalProgress(
        goal_id=goal.id,
        plan_id=goal.plan_id,
        plan_title=goal.plan.title,
        collaborative_id=goal.plan.collaborative_id,
        title=goal.title,
        action_area=goal.area.title if goal.area else None,
        measure_id=goal.measure_id,
        measure_title=goal.measure_title,
        unit=goal.unit,
        higher_is_better=goal.higher_is_better,
        scope=scope_of(goal, series.entity_name),
        baseline_period=goal.baseline_period,
        baseline=baseline,
        latest_period=latest.period if latest else None,
        latest=latest.value if latest else None,
        latest_ci_low=latest.ci_low if latest else None,
        latest_ci_high=latest.ci_high if latest else None,
        target=goal.target_value,
        target_date=goal.target_date,
        expected=verdict.expected,
        percent_of_way=verdict.percent_of_way,
        status=verdict.status,
        within_interval=verdict.within_interval,
        series=series.observations,
        adopted_by_kind=goal.adopted_by_kind.value if goal.adopted_by_kind else None,
        adopted_by_ref=goal.adopted_by_ref,
    )


def scope_of(goal: Goal, entity_name: str | None = None) -> Scope:
    """The goal's scope, named as its results name it (else by its entity type and id)."""
    if entity_name is None:
        whole = goal.entity_type == COLLABORATIVE
        entity_name = "Whole collaborative" if whole else goal.entity_id
    return Scope(goal.entity_type, goal.entity_id, entity_name, goal.stratum_type, goal.stratum)


def plan_progress(session: Session, plan: Plan, reader: Reader | None) -> list[GoalProgress]:
    """Every goal of a plan, in the order they were set."""
    return [goal_progress(session, goal, reader) for goal in plan.goals]


def goals_with_progress(
    session: Session,
    collaborative_id: int | None = None,
    *,
    plan_id: int | None = None,
    reader: Reader | None = None,
    include_drafts: bool = False,
) -> list[GoalProgress]:
    """Every goal of every plan (of one collaborative or one plan, if given) with its
    progress, by plan and goal; draft plans are left out unless asked for (or named by
    `plan_id`). The public's view unless a reader is given."""
    query = (
        select(Goal)
        .join(Goal.plan)
        .options(selectinload(Goal.plan), selectinload(Goal.area), selectinload(Goal.values))
        .order_by(Plan.start_year, Plan.id, Goal.id)
    )
    if collaborative_id is not None:
        query = query.where(Plan.collaborative_id == collaborative_id)
    if plan_id is not None:
        query = query.where(Plan.id == plan_id)
    elif not include_drafts:
        query = query.where(Plan.status != PlanStatus.DRAFT)
    return [goal_progress(session, goal, reader) for goal in session.scalars(query)]
