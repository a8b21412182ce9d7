"""Signing in with an email address and a password."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from commontable.appdb import utcnow
from commontable.errors import NotAuthenticated
from commontable.members.models import Person
from commontable.members.passwords import spend_verification_time, verify_password
from commontable.members.people import find_person

WRONG_CREDENTIALS = "wrong email or password"


def authenticate(
    session: Session, email: str, password: str, now: datetime | None = None
) -> Person:
    """The person these credentials belong to, or NotAuthenticated.

    An unknown email costs the same Argon2 verification as a known one and gets the same
    message, so sign-in reveals neither who has an account nor, by timing, who has not.
    """
    person = find_person(session, email)
    if person is None or person.password_hash is None:
        spend_verification_time(password)
        raise NotAuthenticated(WRONG_CREDENTIALS)
    matches, new_hash = verify_password(password, person.password_hash)
    if not matches:
        raise NotAuthenticated(WRONG_CREDENTIALS)
    if not person.active:
        raise NotAuthenticated("this account is deactivated; ask a CommonTable admin")
    if new_hash is not None:
        person.password_hash = new_hash
    person.last_login_at = now or utcnow()
    session.flush()
    return person
