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


SECOND_STEP = timedelta(minutes=10)  # to give the second factor, after the password


def start_login_session(
    session: Session,
    person: Person,
    now: datetime | None = None,
    lifetime: timedelta = LIFETIME,
    pending: str | None = None,
) -> str:
    """Open a session for a person who just authenticated; returns the secret for the cookie.
    A `pending` session ("code", "enrol") signs no one in until `complete_login_session`."""
    now = now or utcnow()
    secret = new_secret("cts_")
    session.add(
        LoginSession(
            person=person,
            secret_hash=digest(secret),
            created_at=now,
            expires_at=now + (SECOND_STEP if pending else lifetime),
            pending=pending,
            code_failures=0,
            last_seen_at=now,
            authenticated_at=None if pending else now,
        )
    )
    session.flush()
    return secret


def pending_login_session(
    session: Session, secret: str, now: datetime | None = None
) -> LoginSession:
    """The half-signed-in session a cookie's secret names (waiting for the second factor)."""
    query = select(LoginSession).where(LoginSession.secret_hash == digest(secret))
    login = session.scalars(query).first()
    if (
        login is None
        or login.pending is None
        or login.expires_at <= (now or utcnow())
        or not login.person.active
    ):
        raise NotAuthenticated("sign in with your password first")
    return login


def complete_login_session(
    login: LoginSession, now: datetime | None = None, lifetime: timedelta = LIFETIME
) -> None:
    """The second factor given: the session signs its person in, for the full lifetime."""
    now = now or utcnow()
    login.pending = None
    login.expires_at = now + lifetime
    login.authenticated_at = login.last_seen_at = now


SEEN_PRECISION = timedelta(minutes=1)  # last use kept to the minute: not a write per request


def login_for_session(
    session: Session, secret: str, now: datetime | None = None, idle: timedelta | None = None
) -> LoginSession:
    """The signed-in session a cookie's secret names: unexpired, not half-signed-in, its person
    active, and used within `idle` (NIST SP 800-63B 7.2: an inactivity timeout); its last use
    is recorded."""
    now = now or utcnow()
    query = select(LoginSession).where(LoginSession.secret_hash == digest(secret))
    login = session.scalars(query).first()
    if (
        login is None
        or login.pending is not None
        or login.expires_at <= now
        or not login.person.active
    ):
        raise NotAuthenticated(SIGN_IN_AGAIN)
    seen = login.last_seen_at or login.created_at
    if idle is not None and now - seen > idle:
        session.delete(login)
        raise NotAuthenticated("signed out after a while without use; sign in again")
    if now - seen >= SEEN_PRECISION:
        login.last_seen_at = now
    return login


def confirm_login_session(login: LoginSession, now: datetime | None = None) -> None:
    """The person proved who they are again (their password): patient-level pages open."""
    login.authenticated_at = now or utcnow()


def person_for_login_session(session: Session, secret: str, now: datetime | None = None) -> Person:
    """Who a cookie's secret signs in: an active person in an unexpired session."""
    return login_for_session(session, secret, now).person


def end_login_session(session: Session, secret: str) -> None:
    """Sign out: forget the session (an unknown secret is already signed out)."""
    session.execute(delete(LoginSession).where(LoginSession.secret_hash == digest(secret)))


def forget_expired_sessions(session: Session, now: datetime | None = None) -> int:
    """Delete expired sessions; returns how many went."""
    result = session.execute(
        delete(LoginSession).where(LoginSession.expires_at <= (now or utcnow()))
    )
    return int(getattr(result, "rowcount", 0))
