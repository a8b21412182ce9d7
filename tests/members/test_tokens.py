"""API tokens: shown once, stored only as a hash, scoped to an organization, revocable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from commontable.errors import NotAuthenticated, UserError
from commontable.members import (
    ApiToken,
    Organization,
    issue_token,
    revoke_token,
    tokens_of,
    verify_token,
)


def test_a_token_secret_is_long_and_random(db: Session, plan: Organization) -> None:
    first = issue_token(db, plan, "claims feed").secret
    second = issue_token(db, plan, "eligibility feed").secret
    assert first.startswith("ct_")
    assert len(first) >= 40
    assert first != second


def test_only_a_hash_of_the_secret_is_stored(db: Session, plan: Organization) -> None:
    issued = issue_token(db, plan, "claims feed")
    row = db.execute(sa.select(ApiToken.__table__)).one()
    assert issued.secret not in [str(value) for value in row]
    assert issued.token.prefix == issued.secret[:10]


def test_a_secret_verifies_to_its_organizations_token(
    db: Session, plan: Organization, clinic: Organization
) -> None:
    issued = issue_token(db, plan, "claims feed")
    issue_token(db, clinic, "referrals")
    token = verify_token(db, issued.secret)
    assert token is issued.token
    assert token.organization is plan


def test_using_a_token_records_when(db: Session, plan: Organization) -> None:
    issued = issue_token(db, plan, "claims feed")
    assert issued.token.last_used_at is None
    used = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)
    verify_token(db, issued.secret, now=used)
    assert issued.token.last_used_at == used


def test_last_use_is_kept_to_the_minute(db: Session, plan: Organization) -> None:
    issued = issue_token(db, plan, "claims feed")
    first = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)
    verify_token(db, issued.secret, now=first)
    verify_token(db, issued.secret, now=first + timedelta(seconds=59))
    assert issued.token.last_used_at == first
    verify_token(db, issued.secret, now=first + timedelta(minutes=1))
    assert issued.token.last_used_at == first + timedelta(minutes=1)


def test_an_unknown_secret_is_refused(db: Session, plan: Organization) -> None:
    issued = issue_token(db, plan, "claims feed")
    with pytest.raises(NotAuthenticated, match="unknown or revoked"):
        verify_token(db, issued.secret[:-1] + "x")


def test_a_revoked_token_is_refused(db: Session, plan: Organization) -> None:
    issued = issue_token(db, plan, "claims feed")
    revoke_token(db, issued.token)
    with pytest.raises(NotAuthenticated, match="unknown or revoked"):
        verify_token(db, issued.secret)


def test_revoking_twice_keeps_the_first_time(db: Session, plan: Organization) -> None:
    token = issue_token(db, plan, "claims feed").token
    first = datetime(2025, 3, 1, tzinfo=UTC)
    revoke_token(db, token, now=first)
    revoke_token(db, token, now=datetime(2025, 4, 1, tzinfo=UTC))
    assert token.revoked_at == first


def test_a_token_needs_a_name(db: Session, plan: Organization) -> None:
    with pytest.raises(UserError, match="name the token"):
        issue_token(db, plan, "  ")


def test_an_organization_lists_its_own_tokens_newest_first(
    db: Session, plan: Organization, clinic: Organization
) -> None:
    older = issue_token(db, plan, "claims feed").token
    newer = issue_token(db, plan, "eligibility feed").token
    issue_token(db, clinic, "referrals")
    assert tokens_of(db, plan) == [newer, older]


def test_a_token_expires_after_its_lifetime(db: Session, plan: Organization) -> None:
    issued_at = datetime(2026, 1, 1, tzinfo=UTC)
    issued = issue_token(db, plan, "claims feed", days=90, now=issued_at)
    assert issued.token.expires_at == issued_at + timedelta(days=90)
    verify_token(db, issued.secret, now=issued_at + timedelta(days=89))
    with pytest.raises(NotAuthenticated, match="expired on 2026-04-01"):
        verify_token(db, issued.secret, now=issued_at + timedelta(days=90))


def test_a_token_holds_only_the_scopes_it_was_given(db: Session, plan: Organization) -> None:
    token = issue_token(db, plan, "results dashboard", scopes=("read",)).token
    assert token.scope_set == frozenset({"read"})


@pytest.mark.parametrize(
    ("scopes", "days", "problem"),
    [
        (("admin",), 90, "choose what the token may do"),
        ((), 90, "choose"),
        (("read",), 3650, "lasts"),
    ],
)
def test_a_token_is_issued_only_with_known_scopes_and_lifetimes(
    db: Session, plan: Organization, scopes: tuple[str, ...], days: int, problem: str
) -> None:
    with pytest.raises(UserError, match=problem):
        issue_token(db, plan, "feed", scopes=scopes, days=days)
