"""Server-side sign-in sessions: the browser's cookie holds a secret, the app DB its digest."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from commontable.appdb import utcnow
from commontable.errors import NotAuthenticated
from commontable.members.credentials import digest, new_secret
from commontable.members.models import LoginSession, Person

LIFETIME = timedelta(hours=12)
SIGN_IN_AGAIN = "not signed in, or the session has expired; sign in again"


def start_login_session(
    session: Session, person: Person, now: datetime | None = None, lifetime: timedelta = LIFETIME
) -> str:
    """Open a session for a person who just authenticated; returns the secret for the cookie."""
    now = now or utcnow()
    secret = new_secret("cts_")
    session.add(
        LoginSession(
            person=person, secret_hash=digest(secret), created_at=now, expires_at=now + lifetime
        )
    )
    session.flush()
    return secret


def person_for_login_session(session: Session, secret: str, now: datetime | None = None) -> Person:
    """Who a cookie's secret signs in: an active person in an unexpired session."""
    query = select(LoginSession).where(LoginSession.secret_hash == digest(secret))
    login = session.scalars(query).first()
    if login is None or login.expires_at <= (now or utcnow()) or not login.person.active:
        raise NotAuthenticated(SIGN_IN_AGAIN)
    return login.person


def end_login_session(session: Session, secret: str) -> None:
    """Sign out: forget the session (an unknown secret is already signed out)."""
    session.execute(delete(LoginSession).where(LoginSession.secret_hash == digest(secret)))


def forget_expired_sessions(session: Session, now: datetime | None = None) -> int:
    """Delete expired sessions; returns how many went."""
    result = session.execute(
        delete(LoginSession).where(LoginSession.expires_at <= (now or utcnow()))
    )
    return int(getattr(result, "rowcount", 0))
