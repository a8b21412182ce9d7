"""Closing a motion leaves a notice of its outcome for the member representatives of every
voting member organization, and for nobody else."""

from __future__ import annotations

from sqlalchemy.orm import Session

from commontable.governance.decisions import (
    BallotIn,
    MotionKind,
    Position,
    cast_vote,
    close_motion,
    create_motion,
    open_motion,
)
from commontable.members import (
    MembershipRole,
    OrganizationType,
    Role,
    add_membership,
    add_organization,
    add_person,
    deactivate_person,
    notices_for,
)
from tests.governance.conftest import LATER, NOW, SEATED, Table


def test_closing_notifies_each_voting_members_representatives_and_nobody_else(
    db: Session, table: Table
) -> None:
    second_rep = add_person(
        db,
        "deputy@plan.example",
        "Plan deputy",
        table.members["plan"],
        roles=[Role.MEMBER_REPRESENTATIVE],
    )
    gone_rep = add_person(
        db,
        "former@plan.example",
        "Former rep",
        table.members["plan"],
        roles=[Role.MEMBER_REPRESENTATIVE],
    )
    deactivate_person(db, gone_rep)
    plan_viewer = add_person(db, "viewer@plan.example", "Plan viewer", table.members["plan"])
    adviser = add_organization(db, "Coastal University", OrganizationType.ACADEMIC)
    add_membership(db, table.collaborative, adviser, MembershipRole.ADVISORY_BOARD, start=SEATED)
    adviser_rep = add_person(
        db, "rep@coastal.example", "Coastal rep", adviser, roles=[Role.MEMBER_REPRESENTATIVE]
    )
    motion = create_motion(
        db,
        table.collaborative,
        MotionKind.PROPOSAL,
        "Adopt the 2025 measure set",
        closes_at=LATER,
        now=NOW,
    )
    open_motion(db, motion, now=NOW)
    for member in ("plan", "clinic", "employer"):
        cast_vote(db, motion, table.reps[member], BallotIn(Position.YES), now=NOW)

    record = close_motion(db, motion, table.staff, now=NOW)

    for person in [*table.reps.values(), second_rep]:
        (notice,) = notices_for(db, person.id)
        assert notice.title == "Vote closed: Adopt the 2025 measure set"
        assert notice.body == f"Riverbend Health Network: {record.outcome}"
        assert notice.link == f"/motions/{motion.id}"
        assert notice.read_at is None
    for person in (table.outsider, table.staff, gone_rep, plan_viewer, adviser_rep):
        assert notices_for(db, person.id) == []
