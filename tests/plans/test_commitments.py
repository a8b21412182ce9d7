"""Member commitments: only members of the plan's collaborative commit; each has a status,
and is overdue once its date passes undone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from commontable.audit import Actor
from commontable.errors import UserError
from commontable.members import (
    CollaborativeType,
    Organization,
    OrganizationType,
    add_collaborative,
    add_membership,
    add_organization,
)
from commontable.plans import CommitmentStatus, commitments_of
from commontable.plans.commitments import (
    add_commitment,
    commitments_of_plan,
    set_commitment_status,
)
from commontable.plans.models import Plan
from commontable.plans.planning import create_plan


@pytest.fixture
def plan(db: Session) -> Plan:
    network = add_collaborative(db, "Riverbend Health Network", CollaborativeType.NETWORK)
    return create_plan(
        db, network, "Healthier Riverbend", start_year=2024, end_year=2027, by=Actor()
    )


@pytest.fixture
def member(db: Session, plan: Plan) -> Organization:
    clinic = add_organization(db, "Riverside Community Clinic", OrganizationType.CLINIC)
    add_membership(db, plan.collaborative, clinic, start=date(2024, 1, 1))
    return clinic


def test_an_organization_outside_the_collaborative_cannot_commit(db: Session, plan: Plan) -> None:
    stranger = add_organization(db, "Faraway Clinic", OrganizationType.CLINIC)
    with pytest.raises(UserError, match="not a member of 'Riverbend Health Network'"):
        add_commitment(db, plan, stranger, "Screening days", due_date=date(2026, 6, 30))


def test_a_new_commitment_is_planned(db: Session, plan: Plan, member: Organization) -> None:
    commitment = add_commitment(db, plan, member, "Screening days", due_date=date(2026, 6, 30))
    assert commitment.status is CommitmentStatus.PLANNED


def test_a_status_update_keeps_its_note_and_time(
    db: Session, plan: Plan, member: Organization
) -> None:
    commitment = add_commitment(db, plan, member, "Screening days", due_date=date(2026, 6, 30))
    when = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)
    before = set_commitment_status(
        db, commitment, CommitmentStatus.OFF_TRACK, "  van  broke down ", now=when
    )
    assert before is CommitmentStatus.PLANNED
    assert (commitment.status_note, commitment.updated_at) == ("van broke down", when)


def test_a_commitment_past_its_date_and_not_done_is_overdue(
    db: Session, plan: Plan, member: Organization
) -> None:
    late = add_commitment(db, plan, member, "Screening days", due_date=date(2025, 6, 30))
    done = add_commitment(db, plan, member, "Reminder texts", due_date=date(2025, 3, 31))
    set_commitment_status(db, done, CommitmentStatus.DONE)
    views = {v.description: v for v in commitments_of_plan(db, plan.id, today=date(2025, 7, 1))}
    assert views["Screening days"].overdue
    assert views["Screening days"].off_track
    assert not views["Reminder texts"].overdue
    assert late.status is CommitmentStatus.PLANNED


def test_an_organizations_commitments_span_its_plans_soonest_first(
    db: Session, plan: Plan, member: Organization
) -> None:
    later = create_plan(
        db, plan.collaborative, "Next plan", start_year=2028, end_year=2030, by=Actor()
    )
    add_commitment(db, later, member, "Open a second site", due_date=date(2029, 1, 1))
    add_commitment(db, plan, member, "Screening days", due_date=date(2026, 6, 30))
    views = commitments_of(db, member.id)
    assert [(v.plan_title, v.description) for v in views] == [
        ("Healthier Riverbend", "Screening days"),
        ("Next plan", "Open a second site"),
    ]
