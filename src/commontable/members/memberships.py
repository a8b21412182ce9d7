"""Who sits at which table: memberships of organizations in collaboratives, over time."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, or_, select, true
from sqlalchemy.orm import Session

from commontable.errors import Conflict, UserError
from commontable.members.models import Collaborative, Membership, MembershipRole, Organization


def add_membership(
    session: Session,
    collaborative: Collaborative,
    organization: Organization,
    role: MembershipRole = MembershipRole.MEMBER,
    *,
    start: date,
    end: date | None = None,
    seat: str = "",
) -> Membership:
    """Seat an organization at a collaborative from `start` (to `end`, its last day, if known).

    An organization holds one membership in a collaborative at a time; a change of role ends
    the old membership and starts a new one.
    """
    if end is not None and end < start:
        raise UserError(f"a membership cannot end ({end}) before it starts ({start})")
    clash = session.scalars(
        select(Membership).where(
            Membership.collaborative_id == collaborative.id,
            Membership.organization_id == organization.id,
            _covers_some_of(start, end),
        )
    ).first()
    if clash is not None:
        raise Conflict(
            f"'{organization.name}' is already a {clash.role.value.replace('_', ' ')} of "
            f"'{collaborative.name}' from {clash.start_date}; end that membership first"
        )
    membership = Membership(
        collaborative=collaborative,
        organization=organization,
        role=role,
        seat=seat.strip(),
        start_date=start,
        end_date=end,
    )
    session.add(membership)
    session.flush()
    return membership


def end_membership(session: Session, membership: Membership, last_day: date) -> Membership:
    """Close a membership: `last_day` is the last day the organization holds its seat."""
    if last_day < membership.start_date:
        raise UserError(
            f"a membership that starts on {membership.start_date} cannot end on {last_day}"
        )
    membership.end_date = last_day
    session.flush()
    return membership


def current_members(
    session: Session,
    collaborative: Collaborative,
    on: date | None = None,
    role: MembershipRole | None = None,
) -> list[Membership]:
    """Memberships in force on `on` (default today), by organization name."""
    query = (
        select(Membership)
        .join(Membership.organization)
        .where(Membership.collaborative_id == collaborative.id, covering(on or date.today()))
        .order_by(Organization.name)
    )
    if role is not None:
        query = query.where(Membership.role == role)
    return list(session.scalars(query))


def current_memberships_of(
    session: Session, organization: Organization, on: date | None = None
) -> list[Membership]:
    """The collaboratives an organization sits at on `on` (default today), by name."""
    query = (
        select(Membership)
        .join(Membership.collaborative)
        .where(Membership.organization_id == organization.id, covering(on or date.today()))
        .order_by(Collaborative.name)
    )
    return list(session.scalars(query))


def covering(day: date) -> ColumnElement[bool]:
    """Memberships in force on `day`, as a filter."""
    return _covers_some_of(day, day)


def _covers_some_of(start: date, end: date | None) -> ColumnElement[bool]:
    """Memberships overlapping the days from `start` to `end` (open-ended when None)."""
    starts_in_time = Membership.start_date <= end if end is not None else true()
    return and_(starts_in_time, or_(Membership.end_date.is_(None), Membership.end_date >= start))
