"""People who sign in: each belongs to an organization and holds one or more roles."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from commontable.errors import Conflict, NotFound, UserError
from commontable.members.models import LoginSession, Organization, Person, Role
from commontable.members.passwords import check_password_rules, hash_password
from commontable.members.roles import grant_role

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def normalise_email(email: str) -> str:
    """An email address as stored and looked up: trimmed and lower-cased."""
    cleaned = email.strip().lower()
    if not _EMAIL.fullmatch(cleaned):
        raise UserError(f"'{email}' is not an email address (name@example.org)")
    return cleaned


def add_person(
    session: Session,
    email: str,
    name: str,
    organization: Organization,
    *,
    roles: Iterable[Role] = (),
    password: str | None = None,
) -> Person:
    """Register a person at an organization; without a password they cannot sign in yet."""
    email = available_email(session, email)
    name = " ".join(name.split())
    if not name:
        raise UserError("a person needs a name")
    person = Person(email=email, name=name, organization=organization)
    if password is not None:
        check_password_rules(password, email)
        person.password_hash = hash_password(password)
    session.add(person)
    session.flush()
    for role in roles:
        grant_role(session, person, role)
    return person


def available_email(session: Session, email: str) -> str:
    """The email address as stored, refused (Conflict) when someone already signs in with it."""
    email = normalise_email(email)
    if find_person(session, email) is not None:
        raise Conflict(f"someone with the email {email} already exists")
    return email


def get_person(session: Session, person_id: int) -> Person:
    """The person with this id."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"no person with id {person_id}")
    return person


def find_person(session: Session, email: str) -> Person | None:
    """The person with this email address, in any case; None when there is nobody."""
    query = select(Person).where(Person.email == email.strip().lower())
    return session.scalars(query).first()


def people_of(session: Session, organization: Organization) -> list[Person]:
    """The people of an organization, by name."""
    query = select(Person).where(Person.organization_id == organization.id)
    return list(session.scalars(query.order_by(Person.name)))


def set_password(session: Session, person: Person, password: str) -> None:
    """Give a person a new password; every browser signed in as them is signed out."""
    check_password_rules(password, person.email)
    person.password_hash = hash_password(password)
    _sign_out_everywhere(session, person)


def deactivate_person(session: Session, person: Person) -> None:
    """Stop a person from signing in (they left the organization); their records stay."""
    person.active = False
    _sign_out_everywhere(session, person)


def _sign_out_everywhere(session: Session, person: Person) -> None:
    session.execute(delete(LoginSession).where(LoginSession.person_id == person.id))
    session.flush()
