"""Member commitments: which member organization contributes what to the plan, by when, and
how it is going (its representative keeps the status up to date)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, selectinload

from commontable.appdb import utcnow
from commontable.errors import NotFound, UserError
from commontable.members import Membership, Organization, covering
from commontable.plans.models import (
    Commitment,
    CommitmentStatus,
    Goal,
    Initiative,
    Plan,
    PlanStatus,
)
from commontable.plans.planning import words

NOTE_LENGTH = 1000


def add_commitment(
    session: Session,
    plan: Plan,
    organization: Organization,
    description: str,
    *,
    due_date: date,
    goal: Goal | None = None,
    initiative: Initiative | None = None,
    on: date | None = None,
) -> Commitment:
    """Record what a member organization commits to; it must sit at the plan's collaborative
    (on `on`, default today)."""
    seated = session.scalars(
        select(Membership.id).where(
            Membership.collaborative_id == plan.collaborative_id,
            Membership.organization_id == organization.id,
            covering(on or date.today()),
        )
    ).first()
    if seated is None:
        raise UserError(
            f"'{organization.name}' is not a member of '{plan.collaborative.name}'; only its "
            "members commit to its plan"
        )
    commitment = Commitment(
        plan=plan,
        organization=organization,
        description=words(description, "what the organization commits to")[:NOTE_LENGTH],
        due_date=due_date,
        goal=goal,
        initiative=initiative,
        status=CommitmentStatus.PLANNED,
    )
    session.add(commitment)
    session.flush()
    return commitment


def get_commitment(session: Session, commitment_id: int) -> Commitment:
    """The commitment with this id."""
    commitment = session.get(Commitment, commitment_id)
    if commitment is None:
        raise NotFound(f"no commitment with id {commitment_id}")
    return commitment


def set_commitment_status(
    session: Session,
    commitment: Commitment,
    status: CommitmentStatus,
    note: str = "",
    *,
    now: datetime | None = None,
) -> CommitmentStatus:
    """Say how a commitment is going, with an optional note; returns the status it had."""
    before = commitment.status
    commitment.status = status
    commitment.status_note = " ".join(note.split())[:NOTE_LENGTH]
    commitment.updated_at = now or utcnow()
    session.flush()
    return before


@dataclass(frozen=True)
class CommitmentView:
    """A commitment as pages, the API and the public report show it."""

    commitment_id: int
    plan_id: int
    plan_title: str
    plan_status: PlanStatus
    organization_id: int
    organization_name: str
    description: str
    due_date: date
    status: CommitmentStatus
    status_note: str
    goal_title: str | None
    initiative_title: str | None
    overdue: bool  # past its date and not done
    updated_at: datetime

    @property
    def off_track(self) -> bool:
        return self.status is CommitmentStatus.OFF_TRACK or self.overdue


def view_of(commitment: Commitment, today: date | None = None) -> CommitmentView:
    """The commitment as plain data, with whether it is overdue on `today`."""
    overdue = commitment.status is not CommitmentStatus.DONE and commitment.due_date < (
        today or date.today()
    )
    return CommitmentView(
        commitment_id=commitment.id,
        plan_id=commitment.plan_id,
        plan_title=commitment.plan.title,
        plan_status=commitment.plan.status,
        organization_id=commitment.organization_id,
        organization_name=commitment.organization.name,
        description=commitment.description,
        due_date=commitment.due_date,
        status=commitment.status,
        status_note=commitment.status_note,
        goal_title=commitment.goal.title if commitment.goal else None,
        initiative_title=commitment.initiative.title if commitment.initiative else None,
        overdue=overdue,
        updated_at=commitment.updated_at,
    )


def _views(
    session: Session, *conditions: ColumnElement[bool], today: date | None
) -> list[CommitmentView]:
    query = (
        select(Commitment)
        .join(Commitment.organization)
        .options(
            selectinload(Commitment.plan),
            selectinload(Commitment.organization),
            selectinload(Commitment.goal),
            selectinload(Commitment.initiative),
        )
        .where(*conditions)
        .order_by(Commitment.due_date, Organization.name, Commitment.id)
    )
    return [view_of(c, today) for c in session.scalars(query)]


def commitments_of(
    session: Session, organization_id: int, *, today: date | None = None
) -> list[CommitmentView]:
    """An organization's commitments to every plan, soonest due first."""
    return _views(session, Commitment.organization_id == organization_id, today=today)


def commitments_of_plan(
    session: Session, plan_id: int, *, today: date | None = None
) -> list[CommitmentView]:
    """Who committed what to a plan, soonest due first."""
    return _views(session, Commitment.plan_id == plan_id, today=today)
