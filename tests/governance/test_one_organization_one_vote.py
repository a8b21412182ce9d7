"""One organization, one vote, enforced: only a member organization's representative votes for
it, once; non-members, recused members and other roles cannot vote."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from commontable.errors import Conflict, Forbidden, UserError
from commontable.governance.decisions import (
    BallotIn,
    Motion,
    MotionKind,
    Position,
    Vote,
    cast_vote,
    create_motion,
    declare_conflict,
    open_motion,
)
from commontable.members import MembershipRole, Role, add_membership, add_person, end_membership
from tests.governance.conftest import LATER, NOW, Table

YES, NO = BallotIn(Position.YES), BallotIn(Position.NO)


@pytest.fixture
def motion(db: Session, table: Table) -> Motion:
    proposal = create_motion(
        db,
        table.collaborative,
        MotionKind.PROPOSAL,
        "Adopt the diabetes measure set",
        closes_at=LATER,
        now=NOW,
    )
    return open_motion(db, proposal, now=NOW)


def votes_of(db: Session, motion: Motion) -> list[Vote]:
    return list(db.scalars(select(Vote).where(Vote.motion_id == motion.id)))


def test_a_member_representative_casts_the_organizations_vote(
    db: Session, table: Table, motion: Motion
) -> None:
    vote = cast_vote(db, motion, table.reps["plan"], YES, now=NOW)
    assert vote.organization_id == table.members["plan"].id
    assert vote.position is Position.YES


def test_a_second_person_of_the_same_organization_cannot_vote_again(
    db: Session, table: Table, motion: Motion
) -> None:
    colleague = add_person(
        db,
        "cfo@plan.example",
        "Cascade CFO",
        table.members["plan"],
        roles=[Role.MEMBER_REPRESENTATIVE],
    )
    cast_vote(db, motion, table.reps["plan"], YES, now=NOW)
    with pytest.raises(
        Conflict, match="Cascade Health Plan has already voted .*one organization, one vote"
    ):
        cast_vote(db, motion, colleague, NO, now=NOW)
    assert [v.position for v in votes_of(db, motion)] == [Position.YES]


def test_the_representative_who_voted_may_change_the_vote_while_it_is_open(
    db: Session, table: Table, motion: Motion
) -> None:
    cast_vote(db, motion, table.reps["plan"], YES, now=NOW)
    cast_vote(db, motion, table.reps["plan"], NO, now=NOW + timedelta(hours=1))
    assert [v.position for v in votes_of(db, motion)] == [Position.NO]


def test_a_non_member_organization_cannot_vote(db: Session, table: Table, motion: Motion) -> None:
    with pytest.raises(Forbidden, match="Valley Hospital is not a voting member of Riverbend"):
        cast_vote(db, motion, table.outsider, YES, now=NOW)
    assert votes_of(db, motion) == []


def test_a_member_that_declared_a_conflict_of_interest_is_recused(
    db: Session, table: Table, motion: Motion
) -> None:
    declare_conflict(db, motion, table.reps["employer"], "we bid on the contract", now=NOW)
    with pytest.raises(Forbidden, match="Harbor Shipyards declared a conflict of interest"):
        cast_vote(db, motion, table.reps["employer"], YES, now=NOW)


def test_declaring_a_conflict_after_voting_withdraws_the_vote(
    db: Session, table: Table, motion: Motion
) -> None:
    cast_vote(db, motion, table.reps["employer"], YES, now=NOW)
    _, withdrawn = declare_conflict(db, motion, table.reps["employer"], now=NOW)
    assert withdrawn
    assert votes_of(db, motion) == []


def test_an_admin_who_is_not_a_member_representative_cannot_vote(
    db: Session, table: Table, motion: Motion
) -> None:
    admin = add_person(
        db, "admin@plan.example", "Ada Admin", table.members["plan"], roles=[Role.ADMIN]
    )
    with pytest.raises(Forbidden, match="only a member representative votes for Cascade"):
        cast_vote(db, motion, admin, YES, now=NOW)
    with pytest.raises(Forbidden, match="only a member representative"):
        cast_vote(db, motion, table.staff, YES, now=NOW)


def test_an_advisory_board_seat_has_no_vote(db: Session, table: Table, motion: Motion) -> None:
    advisor = table.outsider.organization
    add_membership(
        db, table.collaborative, advisor, MembershipRole.ADVISORY_BOARD, start=date(2024, 6, 1)
    )
    with pytest.raises(Forbidden, match="not a voting member"):
        cast_vote(db, motion, table.outsider, YES, now=NOW)


def test_an_organization_whose_membership_ended_has_no_vote(
    db: Session, table: Table, motion: Motion
) -> None:
    seat = table.members["cbo"]
    membership = next(m for m in table.collaborative.memberships if m.organization_id == seat.id)
    end_membership(db, membership, date(2025, 2, 28))
    with pytest.raises(Forbidden, match="Sound Food Bank is not a voting member"):
        cast_vote(db, motion, table.reps["cbo"], YES, now=NOW)


def test_the_database_itself_refuses_a_second_vote_of_an_organization(
    db: Session, table: Table, motion: Motion
) -> None:
    cast_vote(db, motion, table.reps["plan"], YES, now=NOW)
    colleague = add_person(db, "x@plan.example", "Colleague", table.members["plan"])
    db.add(
        Vote(motion_id=motion.id, organization_id=table.members["plan"].id, person_id=colleague.id)
    )
    with pytest.raises(IntegrityError):
        db.flush()


def test_votes_are_refused_before_opening_and_after_the_closing_time(
    db: Session, table: Table
) -> None:
    draft = create_motion(
        db, table.collaborative, MotionKind.PROPOSAL, "Later", closes_at=LATER, now=NOW
    )
    with pytest.raises(Conflict, match="not open for votes yet"):
        cast_vote(db, draft, table.reps["plan"], YES, now=NOW)
    open_motion(db, draft, now=NOW)
    with pytest.raises(Conflict, match="voting on this motion closed at 2025-03-10 17:00 UTC"):
        cast_vote(db, draft, table.reps["plan"], YES, now=LATER)


def test_a_ballot_that_does_not_fit_the_motion_is_refused(
    db: Session, table: Table, motion: Motion
) -> None:
    with pytest.raises(UserError, match="vote yes, no, abstain or block"):
        cast_vote(db, motion, table.reps["plan"], BallotIn(marks={1: 1}), now=NOW)
