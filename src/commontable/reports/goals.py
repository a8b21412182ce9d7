"""The action plan's goals and member commitments, read through the plans part so the report
and the plan's own pages always agree.

Goals and their progress come from `plans.progress.goals_with_progress` in the public's view
(suppressed cells blank, draft plans left out): progress is worked out from published
results by the plans' on-track rule (`plans.tracking`), never here. Commitments come from
`plans.commitments.commitments_of`, leaving out those of draft plans.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from commontable.plans import (
    CommitmentView,
    GoalProgress,
    PlanStatus,
    commitments_of,
    goals_with_progress,
)

__all__ = ["Commitment", "GoalProgress", "public_commitments", "public_goals"]


@dataclass(frozen=True)
class Commitment:
    """What a member organization committed to contribute, by when, and how it stands."""

    organization_id: int
    description: str
    goal_title: str | None
    due_date: date
    status: str  # planned, in progress, done, off track; overdue once past its date undone
    off_track: bool


def public_goals(session: Session) -> list[GoalProgress]:
    """Every goal of the plans that are not drafts, with its progress as the public sees it."""
    return goals_with_progress(session)


def _commitment(view: CommitmentView) -> Commitment:
    status = "overdue" if view.overdue else view.status.value.replace("_", " ")
    return Commitment(
        organization_id=view.organization_id,
        description=view.description,
        goal_title=view.goal_title,
        due_date=view.due_date,
        status=status,
        off_track=view.off_track,
    )


def public_commitments(
    session: Session, organization_id: int, *, today: date | None = None
) -> list[Commitment]:
    """The organization's commitments to plans that are not drafts, soonest due first."""
    return [
        _commitment(view)
        for view in commitments_of(session, organization_id, today=today)
        if view.plan_status is not PlanStatus.DRAFT
    ]
