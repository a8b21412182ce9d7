"""The plans part's API shapes: plans, and a plan with its goals' progress and commitments."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from commontable.plans.models import CommitmentStatus, PlanStatus
from commontable.plans.tracking import TrackStatus


class PlanOut(BaseModel):
    """A plan of a collaborative."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    description: str
    collaborative_id: int
    start_year: int
    end_year: int
    status: PlanStatus


class ScopeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    entity_type: str
    entity_id: str
    entity_name: str
    stratum_type: str
    stratum: str
    label: str


class ObservationOut(BaseModel):
    """A period's value; null where it is hidden from this reader (`hidden` says why)."""

    model_config = ConfigDict(from_attributes=True)

    period: int
    value: float | None
    ci_low: float | None
    ci_high: float | None
    status: str
    hidden: str | None  # why the value is blank for this caller


class GoalProgressOut(BaseModel):
    """A goal with its progress, computed from published results (or entered values for a
    custom measure)."""

    model_config = ConfigDict(from_attributes=True)

    goal_id: int
    title: str
    action_area: str | None
    measure_id: str | None
    measure_title: str
    unit: str
    higher_is_better: bool
    scope: ScopeOut
    baseline_period: int
    baseline: float | None
    latest_period: int | None
    latest: float | None
    latest_ci_low: float | None
    latest_ci_high: float | None
    target: float
    target_date: date
    expected: float | None
    percent_of_way: float | None
    status: TrackStatus
    within_interval: bool
    series: list[ObservationOut]
    adopted_by_kind: str | None
    adopted_by_ref: str | None


class CommitmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    commitment_id: int
    organization_id: int
    organization_name: str
    description: str
    due_date: date
    status: CommitmentStatus
    status_note: str
    goal_title: str | None
    initiative_title: str | None
    overdue: bool
    updated_at: datetime


class PlanDetailOut(PlanOut):
    """A plan with every goal's progress and every member commitment."""

    goals: list[GoalProgressOut]
    commitments: list[CommitmentOut]
