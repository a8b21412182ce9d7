"""One organization, one vote: who may vote on a motion, and for which organization.

An organization votes when it holds a voting membership (member or convener; an advisory
board seat does not vote) of the motion's collaborative on the day, and has not declared a
conflict of interest on the motion. Its vote is cast by a person of the organization who holds
the member representative role; the admin role does not stand in for it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from commontable.errors import Forbidden
from commontable.governance.decisions.models import ConflictOfInterest, Motion
from commontable.members import (
    MembershipRole,
    Organization,
    Person,
    Role,
    RoleGrant,
    current_members,
)

VOTING_ROLES = frozenset({MembershipRole.MEMBER, MembershipRole.CONVENER})


def voting_members(session: Session, motion: Motion, on: date) -> list[Organization]:
    """The organizations with a vote on the motion on `on`, by name (the recused included)."""
    seats = current_members(session, motion.collaborative, on)
    voting = {m.organization_id: m.organization for m in seats if m.role in VOTING_ROLES}
    return sorted(voting.values(), key=lambda organization: organization.name)


def representatives(session: Session, motion: Motion, on: date) -> list[Person]:
    """The people who may vote on the motion: the active member representatives of every
    voting member organization (the recused included, who still hear the outcome), by email."""
    organizations = [o.id for o in voting_members(session, motion, on)]
    if not organizations:
        return []
    query = (
        select(Person)
        .join(Person.role_grants)
        .where(
            Person.organization_id.in_(organizations),
            Person.active.is_(True),
            RoleGrant.role == Role.MEMBER_REPRESENTATIVE,
        )
        .order_by(Person.email)
    )
    return list(session.scalars(query))


def recused(session: Session, motion: Motion) -> set[int]:
    """The organizations that declared a conflict of interest on the motion."""
    query = select(ConflictOfInterest.organization_id).where(
        ConflictOfInterest.motion_id == motion.id
    )
    return set(session.scalars(query))


def eligible_organizations(session: Session, motion: Motion, on: date) -> list[Organization]:
    """The organizations whose vote counts: voting members that are not recused."""
    out = recused(session, motion)
    return [o for o in voting_members(session, motion, on) if o.id not in out]


def representative_organization(
    session: Session, motion: Motion, person: Person, on: date
) -> Organization:
    """The voting member organization `person` represents on the motion; refused (Forbidden)
    with the reason when they cannot speak for a voting member."""
    organization = person.organization
    if not person.active:
        raise Forbidden(f"{person.name} is deactivated and cannot vote")
    if Role.MEMBER_REPRESENTATIVE not in person.roles:
        raise Forbidden(
            f"only a member representative votes for {organization.name}; "
            "ask a CommonTable admin for the member representative role"
        )
    members = {o.id for o in voting_members(session, motion, on)}
    if organization.id not in members:
        raise Forbidden(
            f"{organization.name} is not a voting member of {motion.collaborative.name}, "
            "so it has no vote on this motion"
        )
    return organization


def voter_for(session: Session, motion: Motion, person: Person, on: date) -> Organization:
    """The organization `person` casts the vote of; refused when it is recused."""
    organization = representative_organization(session, motion, person, on)
    if organization.id in recused(session, motion):
        raise Forbidden(
            f"{organization.name} declared a conflict of interest on this motion and is recused"
        )
    return organization
