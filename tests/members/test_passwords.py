"""Passwords are hashed with Argon2 and checked against simple rules; sign-in reveals nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from commontable.errors import NotAuthenticated, UserError
from commontable.members import (
    Organization,
    Person,
    add_person,
    authenticate,
    check_password_rules,
    deactivate_person,
    hash_password,
    verify_password,
)
from commontable.members import passwords as password_module

PASSWORD = "correct horse battery staple"


@pytest.fixture
def ada(db: Session, plan: Organization) -> Person:
    return add_person(db, "ada@cascade.example", "Ada Lovelace", plan, password=PASSWORD)


def test_a_password_is_stored_as_an_argon2id_hash() -> None:
    hashed = hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$")
    assert PASSWORD not in hashed


def test_the_same_password_hashes_differently_each_time() -> None:
    assert hash_password(PASSWORD) != hash_password(PASSWORD)


def test_the_right_password_verifies_and_a_wrong_one_does_not() -> None:
    hashed = hash_password(PASSWORD)
    assert verify_password(PASSWORD, hashed) == (True, None)
    assert verify_password(PASSWORD.upper(), hashed) == (False, None)


def test_a_password_needs_twelve_characters() -> None:
    check_password_rules("tawny kelp 9")
    with pytest.raises(UserError, match="has 11 characters; use at least 12"):
        check_password_rules("eleven char")


def test_a_password_cannot_be_the_email_address() -> None:
    with pytest.raises(UserError, match="cannot be the email"):
        check_password_rules("ada@cascade.example", email="Ada@Cascade.example")


@pytest.mark.parametrize(
    "password",
    ["password1234", "123456789012", "qwertyuiopas", "aaaaaaaaaaaaaaaa", "Password2024!"],
)
def test_a_password_a_guesser_tries_first_is_refused(password: str) -> None:
    with pytest.raises(UserError, match="too easy to guess"):
        check_password_rules(password)


def test_a_password_made_of_the_persons_own_address_is_refused() -> None:
    with pytest.raises(UserError, match="too easy to guess"):
        check_password_rules("cascadeexample", email="ada@cascade.example")


def test_a_person_cannot_be_added_with_a_short_password(db: Session, plan: Organization) -> None:
    with pytest.raises(UserError, match="at least 12"):
        add_person(db, "ada@cascade.example", "Ada", plan, password="short")


def test_sign_in_with_the_right_password_returns_the_person(db: Session, ada: Person) -> None:
    now = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    assert authenticate(db, "ADA@cascade.example", PASSWORD, now=now) is ada
    assert ada.last_login_at == now


def test_sign_in_with_a_wrong_password_is_refused(db: Session, ada: Person) -> None:
    with pytest.raises(NotAuthenticated, match="^wrong email or password$"):
        authenticate(db, "ada@cascade.example", "not the password at all")
    assert ada.last_login_at is None


def test_an_unknown_email_gets_the_same_answer_after_the_same_work(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    verified: list[str] = []
    real = password_module._hasher.verify

    def counted(password: str, password_hash: str) -> bool:
        verified.append(password)
        return real(password, password_hash)

    monkeypatch.setattr(password_module._hasher, "verify", counted)
    with pytest.raises(NotAuthenticated, match="^wrong email or password$"):
        authenticate(db, "nobody@cascade.example", PASSWORD)
    assert verified == [PASSWORD]


def test_a_person_without_a_password_cannot_sign_in(db: Session, plan: Organization) -> None:
    add_person(db, "ada@cascade.example", "Ada", plan)
    with pytest.raises(NotAuthenticated, match="wrong email or password"):
        authenticate(db, "ada@cascade.example", "")


def test_a_deactivated_person_cannot_sign_in(db: Session, ada: Person) -> None:
    deactivate_person(db, ada)
    with pytest.raises(NotAuthenticated, match="deactivated"):
        authenticate(db, "ada@cascade.example", PASSWORD)


def test_an_outdated_hash_is_replaced_at_sign_in(db: Session, ada: Person) -> None:
    from argon2 import PasswordHasher

    cheap = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    ada.password_hash = cheap
    authenticate(db, "ada@cascade.example", PASSWORD)
    assert ada.password_hash != cheap
    assert verify_password(PASSWORD, ada.password_hash) == (True, None)
