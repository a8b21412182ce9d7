"""API tokens: how a member organization's systems submit data without a person signing in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from commontable.appdb import utcnow
from commontable.errors import NotAuthenticated, UserError
from commontable.members.credentials import digest, new_secret
from commontable.members.models import ApiToken, Organization, Person

PREFIX = "ct_"
SHOWN_CHARACTERS = 10  # "ct_" and 7 random characters, enough to tell tokens apart in a list
# What a token may do: send submissions (and see their status), or read published results.
SCOPES = {"submit": "send data and see its submissions", "read": "read published results"}
LIFETIMES = (90, 180, 365)  # days a token may be issued for; it must then be replaced


@dataclass(frozen=True)
class IssuedToken:
    """A new token and its secret; the secret is shown this once and never stored."""

    token: ApiToken
    secret: str


def issue_token(
    session: Session,
    organization: Organization,
    name: str,
    created_by: Person | None = None,
    scopes: tuple[str, ...] = tuple(SCOPES),
    days: int = LIFETIMES[-1],
    now: datetime | None = None,
) -> IssuedToken:
    """Create a token for `organization`'s system `name`, allowed `scopes`, for `days`."""
    name = " ".join(name.split())
    if not name:
        raise UserError("name the token after the system that will use it, e.g. 'claims feed'")
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise UserError(f"choose what the token may do: {', '.join(SCOPES)}")
    if days not in LIFETIMES:
        raise UserError(f"a token lasts {', '.join(map(str, LIFETIMES))} days")
    now = now or utcnow()
    secret = new_secret(PREFIX)
    token = ApiToken(
        organization=organization,
        name=name,
        prefix=secret[:SHOWN_CHARACTERS],
        secret_hash=digest(secret),
        created_by=created_by,
        created_at=now,
        scopes=" ".join(s for s in SCOPES if s in scopes),
        expires_at=now + timedelta(days=days),
    )
    session.add(token)
    session.flush()
    return IssuedToken(token=token, secret=secret)


# How precisely last use is kept: a busy system's reads must not each become a write.
LAST_USED_PRECISION = timedelta(minutes=1)


def verify_token(session: Session, secret: str, now: datetime | None = None) -> ApiToken:
    """The live token this secret belongs to (its organization is the submitter), or
    NotAuthenticated; records when it was last used (to the minute)."""
    query = select(ApiToken).where(ApiToken.secret_hash == digest(secret))
    token = session.scalars(query).first()
    if token is None or token.revoked_at is not None:
        raise NotAuthenticated("unknown or revoked API token; ask your collaborative for a new one")
    now = now or utcnow()
    if token.expires_at <= now:
        raise NotAuthenticated(
            f"this API token expired on {token.expires_at:%Y-%m-%d}; ask your collaborative for "
            "a new one"
        )
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        token.last_used_at = now
        session.flush()
    return token


def revoke_token(session: Session, token: ApiToken, now: datetime | None = None) -> None:
    """Stop a token from working, for good (revoking twice keeps the first time)."""
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
        session.flush()


def tokens_of(session: Session, organization: Organization) -> list[ApiToken]:
    """An organization's tokens, newest first, revoked ones included."""
    query = select(ApiToken).where(ApiToken.organization_id == organization.id)
    return list(session.scalars(query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))
