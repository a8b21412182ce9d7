"""The action plan: goals tied to measures with baselines and targets, action areas,
initiatives, member commitments, improvement (PDSA) cycles, and progress computed from
published results (`plans.progress`, rule in `plans.tracking`).

Plans build on members, privacy, publishing's published results and the app DB; they never
import the measures' engine, the warehouse, the web app or the CLI. Other parts (the public
report) read `goals_with_progress` and `commitments_of`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from commontable.faces import offer

if TYPE_CHECKING:
    from commontable.plans.commitments import (
        CommitmentView,
        add_commitment,
        commitments_of,
        commitments_of_plan,
    )
    from commontable.plans.figures import parse_value, share_text, value_text
    from commontable.plans.goals import GoalSpec, add_goal, goal_spec, measure_facts
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
    from commontable.plans.planning import create_plan, get_plan
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
    "GoalSpec",
    "GoalValue",
    "ImprovementCycle",
    "Initiative",
    "Observation",
    "Plan",
    "PlanStatus",
    "Scope",
    "TrackStatus",
    "add_commitment",
    "add_goal",
    "commitments_of",
    "commitments_of_plan",
    "create_plan",
    "get_plan",
    "goal_progress",
    "goal_spec",
    "goals_with_progress",
    "measure_facts",
    "parse_value",
    "share_text",
    "value_text",
]
__getattr__, __dir__ = offer(__name__, __all__)
