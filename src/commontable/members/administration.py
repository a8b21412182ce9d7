"""An admin's work on people's accounts, audited the same way whoever does it (a page, the API
or the command line): adding a person who signs in, giving and taking roles, lifting a lock,
resetting a second factor."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from commontable.audit import Actor, AuditAction
from commontable.members.models import Organization, Person, Role
from commontable.members.people import add_person
from commontable.members.roles import grant_role, revoke_role
from commontable.members.second_factor import reset
from commontable.members.sign_in_guard import clear_account


def _record(
    session: Session, by: Actor, action: AuditAction, person: Person, **detail: object
) -> None:
    """The audit entry of an admin's work on a person's account."""
    by.record(
        session,
        action,
        target=person.email,
        organization_id=person.organization_id,
        person_id=person.id,
        **detail,
    )


def enrol_person(
    session: Session,
    email: str,
    name: str,
    organization: Organization,
    *,
    roles: Sequence[Role],
    password: str,
    by: Actor,
) -> Person:
    """Add a person who signs in with `password`, with `roles`."""
    person = add_person(session, email, name, organization, roles=roles, password=password)
    _record(session, by, AuditAction.ADD_PERSON, person, roles=sorted(person.roles))
    return person


def give_role(session: Session, person: Person, role: Role, *, by: Actor) -> None:
    """Grant `role` to the person."""
    grant_role(session, person, role)
    _record(session, by, AuditAction.GRANT_ROLE, person, role=role.value)


def take_role(session: Session, person: Person, role: Role, *, by: Actor) -> None:
    """Revoke `role` from the person."""
    revoke_role(session, person, role)
    _record(session, by, AuditAction.REVOKE_ROLE, person, role=role.value)


def unlock_account(session: Session, person: Person, *, by: Actor) -> bool:
    """Lift the lock failed sign-ins put on the person's account; whether there was one."""
    was_locked = clear_account(session, person.email)
    _record(session, by, AuditAction.UNLOCK_ACCOUNT, person, was_locked=was_locked)
    return was_locked


def reset_second_factor(session: Session, person: Person, *, by: Actor) -> bool:
    """Forget the person's second factor (a lost phone); whether they had one."""
    had = reset(person)
    _record(session, by, AuditAction.RESET_SECOND_FACTOR, person, had_one=had)
    return had
