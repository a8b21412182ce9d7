"""The action plan: goals tied to measures with baselines and targets, action areas,
initiatives, member commitments, improvement (PDSA) cycles, and progress computed from
published results (`plans.progress`, rule in `plans.tracking`).

Plans build on members, privacy, publishing's published results and the app DB; they never
import the measures' engine, the warehouse, the web app or the CLI. Other parts (the public
report) read `goals_with_progress` and `commitments_of`.
"""

from commontable.plans.commitments import CommitmentView, commitments_of, commitments_of_plan
from commontable.plans.models import (
    ActionArea,
    AdoptedBy,
    Commitment,
    CommitmentStatus,
    CycleDecision,
    CycleStage,
    Goal,
    GoalValue,
    ImprovementCycle,
    Initiative,
    Plan,
    PlanStatus,
)
from commontable.plans.progress import GoalProgress, Scope, goal_progress, goals_with_progress
from commontable.plans.series import Observation
from commontable.plans.tracking import TrackStatus

__all__ = [
    "ActionArea",
    "AdoptedBy",
    "Commitment",
    "CommitmentStatus",
    "CommitmentView",
    "CycleDecision",
    "CycleStage",
    "Goal",
    "GoalProgress",
    "GoalValue",
    "ImprovementCycle",
    "Initiative",
    "Observation",
    "Plan",
    "PlanStatus",
    "Scope",
    "TrackStatus",
    "commitments_of",
    "commitments_of_plan",
    "goal_progress",
    "goals_with_progress",
]
