"""Sign-in sessions live on the server: the cookie holds a secret, the app DB only its hash."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from commontable.errors import NotAuthenticated
from commontable.members import (
    LoginSession,
    Organization,
    Person,
    add_person,
    deactivate_person,
    end_login_session,
    forget_expired_sessions,
    person_for_login_session,
    set_password,
    start_login_session,
)

NOON = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def ada(db: Session, plan: Organization) -> Person:
    return add_person(db, "ada@cascade.example", "Ada Lovelace", plan)


def test_a_session_secret_signs_its_person_in(db: Session, ada: Person) -> None:
    secret = start_login_session(db, ada, now=NOON)
    assert person_for_login_session(db, secret, now=NOON + timedelta(hours=1)) is ada


def test_only_a_hash_of_the_session_secret_is_stored(db: Session, ada: Person) -> None:
    secret = start_login_session(db, ada)
    assert db.scalars(sa.select(LoginSession.secret_hash)).one() != secret


def test_an_expired_session_signs_nobody_in(db: Session, ada: Person) -> None:
    secret = start_login_session(db, ada, now=NOON, lifetime=timedelta(hours=12))
    with pytest.raises(NotAuthenticated, match="sign in again"):
        person_for_login_session(db, secret, now=NOON + timedelta(hours=12))


def test_signing_out_ends_the_session(db: Session, ada: Person) -> None:
    secret = start_login_session(db, ada)
    end_login_session(db, secret)
    with pytest.raises(NotAuthenticated):
        person_for_login_session(db, secret)


def test_a_new_password_signs_out_every_browser(db: Session, ada: Person) -> None:
    secrets = [start_login_session(db, ada) for _ in range(2)]
    set_password(db, ada, "a brand new passphrase")
    for secret in secrets:
        with pytest.raises(NotAuthenticated):
            person_for_login_session(db, secret)


def test_a_deactivated_person_is_signed_out(db: Session, ada: Person) -> None:
    secret = start_login_session(db, ada)
    deactivate_person(db, ada)
    with pytest.raises(NotAuthenticated):
        person_for_login_session(db, secret)


def test_expired_sessions_can_be_forgotten(db: Session, ada: Person) -> None:
    start_login_session(db, ada, now=NOON - timedelta(days=1))
    live = start_login_session(db, ada, now=NOON)
    assert forget_expired_sessions(db, now=NOON) == 1
    assert person_for_login_session(db, live, now=NOON) is ada
