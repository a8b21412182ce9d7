"""Roles: what a person may do. Admins may do everything; other roles add up."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from commontable.errors import Forbidden
from commontable.members.models import Person, Role, RoleGrant


def grant_role(session: Session, person: Person, role: Role) -> None:
    """Give a person a role (again is fine: nothing changes)."""
    if role not in person.roles:
        person.role_grants.append(RoleGrant(role=role))
        session.flush()


def revoke_role(session: Session, person: Person, role: Role) -> None:
    """Take a role away (one the person does not hold is fine: nothing changes)."""
    for grant in [grant for grant in person.role_grants if grant.role == role]:
        person.role_grants.remove(grant)
    session.flush()


def has_role(person: Person, *roles: Role) -> bool:
    """True when the person holds any of `roles`, or is an admin."""
    return bool(person.roles & {Role.ADMIN, *roles})


def require_role(person: Person, *roles: Role) -> None:
    """Refuse (Forbidden) unless the person holds one of `roles` or is an admin."""
    if not has_role(person, *roles):
        needed = " or ".join(role.value.replace("_", " ") for role in roles) or "admin"
        raise Forbidden(f"this needs the {needed} role; ask a CommonTable admin")


def people_with_role(session: Session, role: Role) -> list[Person]:
    """Everyone who holds `role` (admins only when granted it), by email."""
    query = select(Person).join(Person.role_grants).where(RoleGrant.role == role)
    return list(session.scalars(query.order_by(Person.email)))
