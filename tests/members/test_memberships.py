"""Memberships: which organizations sit at a collaborative, in what role, from when to when."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from commontable.errors import Conflict, UserError
from commontable.members import (
    Collaborative,
    CollaborativeType,
    MembershipRole,
    Organization,
    OrganizationType,
    add_collaborative,
    add_membership,
    add_organization,
    current_members,
    current_memberships_of,
    end_membership,
)

JAN_2024 = date(2024, 1, 1)
JUL_2024 = date(2024, 7, 1)


@pytest.fixture
def table(db: Session) -> Collaborative:
    return add_collaborative(db, "South Sound", CollaborativeType.COMMUNITY_COLLABORATIVE)


def test_current_members_are_those_seated_on_the_day(
    db: Session, table: Collaborative, plan: Organization, clinic: Organization
) -> None:
    employer = add_organization(db, "Harbor Shipyards", OrganizationType.PURCHASER)
    add_membership(db, table, plan, start=JAN_2024, seat="health plans")
    add_membership(db, table, clinic, start=JAN_2024, end=date(2024, 6, 30))
    add_membership(db, table, employer, start=date(2024, 9, 1))
    members = current_members(db, table, on=JUL_2024)
    assert [m.organization.name for m in members] == ["Cascade Health Plan"]
    assert members[0].seat == "health plans"


def test_the_last_day_of_a_membership_still_counts(
    db: Session, table: Collaborative, clinic: Organization
) -> None:
    add_membership(db, table, clinic, start=JAN_2024, end=date(2024, 6, 30))
    assert len(current_members(db, table, on=date(2024, 6, 30))) == 1


def test_current_members_can_be_filtered_by_role(
    db: Session, table: Collaborative, plan: Organization, clinic: Organization
) -> None:
    add_membership(db, table, plan, MembershipRole.CONVENER, start=JAN_2024)
    add_membership(db, table, clinic, MembershipRole.MEMBER, start=JAN_2024)
    conveners = current_members(db, table, on=JUL_2024, role=MembershipRole.CONVENER)
    assert [m.organization for m in conveners] == [plan]


def test_an_organization_holds_one_membership_at_a_time(
    db: Session, table: Collaborative, plan: Organization
) -> None:
    add_membership(db, table, plan, start=JAN_2024)
    with pytest.raises(Conflict, match="already a member of 'South Sound'"):
        add_membership(db, table, plan, MembershipRole.ADVISORY_BOARD, start=JUL_2024)


def test_a_change_of_role_ends_one_membership_and_starts_another(
    db: Session, table: Collaborative, plan: Organization
) -> None:
    first = add_membership(db, table, plan, start=JAN_2024)
    end_membership(db, first, date(2024, 6, 30))
    add_membership(db, table, plan, MembershipRole.ADVISORY_BOARD, start=JUL_2024)
    assert [m.role for m in current_members(db, table, on=date(2024, 3, 1))] == ["member"]
    assert [m.role for m in current_members(db, table, on=JUL_2024)] == ["advisory_board"]


def test_a_membership_cannot_end_before_it_starts(
    db: Session, table: Collaborative, plan: Organization
) -> None:
    with pytest.raises(UserError, match="cannot end"):
        add_membership(db, table, plan, start=JUL_2024, end=JAN_2024)
    membership = add_membership(db, table, plan, start=JUL_2024)
    with pytest.raises(UserError, match="cannot end"):
        end_membership(db, membership, JAN_2024)


def test_an_organization_sees_the_collaboratives_it_sits_at(
    db: Session, table: Collaborative, plan: Organization
) -> None:
    workgroup = add_collaborative(db, "Data workgroup", CollaborativeType.WORKGROUP, parent=table)
    add_membership(db, table, plan, start=JAN_2024)
    add_membership(db, workgroup, plan, start=JUL_2024)
    assert [m.collaborative for m in current_memberships_of(db, plan, on=JAN_2024)] == [table]
    on_july = current_memberships_of(db, plan, on=JUL_2024)
    assert [m.collaborative.name for m in on_july] == ["Data workgroup", "South Sound"]
