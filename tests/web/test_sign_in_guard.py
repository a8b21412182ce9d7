"""Guessing passwords: slowed per address, an account locked after ten failures in a row (the
right password included), the lock telling nothing about who has an account, and an audited
unlock by an admin."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from commontable.appdb import transaction, utcnow
from commontable.audit import AuditAction
from commontable.members import Person, Role
from commontable.members.models import FailedSignIns
from commontable.members.sign_in_guard import LOCK_AFTER
from tests.app_fixtures import AppDatabase
from tests.web.conftest import COOKIE, PASSWORD, Region, csrf_of, signed_in
from tests.web.test_sign_in import audited, sign_in

WRONG = "not the password at all"


def statuses(client: TestClient, email: str, tries: int, password: str = WRONG) -> list[int]:
    return [sign_in(client, email, password).status_code for _ in range(tries)]  # type: ignore[attr-defined]


def test_thirty_five_wrong_passwords_lock_the_account_after_ten(
    client: TestClient, ada: Person
) -> None:
    found = statuses(client, ada.email, 35)
    assert found[:LOCK_AFTER] == [401] * LOCK_AFTER
    assert found[LOCK_AFTER:] == [429] * (35 - LOCK_AFTER)


def test_a_locked_account_refuses_the_right_password_too(client: TestClient, ada: Person) -> None:
    statuses(client, ada.email, LOCK_AFTER)
    answer = sign_in(client, ada.email, PASSWORD)
    assert answer.status_code == 429  # type: ignore[attr-defined]
    assert "locked" in answer.text  # type: ignore[attr-defined]
    assert int(answer.headers["retry-after"]) > 0  # type: ignore[attr-defined]
    assert COOKIE not in client.cookies


def test_an_address_with_no_account_locks_the_same_way(client: TestClient, ada: Person) -> None:
    """The answers for a made-up address are those for a real one: no account is revealed."""
    real = statuses(client, ada.email, LOCK_AFTER + 1)
    made_up = statuses(client, "nobody@cascade.example", LOCK_AFTER + 1)
    assert made_up == real


def test_the_lock_ends_after_its_time(client: TestClient, ada: Person, app_db: AppDatabase) -> None:
    statuses(client, ada.email, LOCK_AFTER)
    with transaction(app_db.engine) as session:
        session.execute(update(FailedSignIns).values(locked_until=utcnow() - timedelta(seconds=1)))
    assert sign_in(client, ada.email, PASSWORD).status_code == 303  # type: ignore[attr-defined]


def test_a_good_sign_in_forgets_the_failures_before_it(
    client: TestClient, ada: Person, app_db: AppDatabase
) -> None:
    statuses(client, ada.email, LOCK_AFTER - 1)
    assert sign_in(client, ada.email, PASSWORD).status_code == 303  # type: ignore[attr-defined]
    client.cookies.clear()
    assert statuses(client, ada.email, LOCK_AFTER - 1) == [401] * (LOCK_AFTER - 1)


def test_one_address_trying_many_accounts_is_slowed(client: TestClient, region: Region) -> None:
    found = [
        sign_in(client, f"guess{n}@cascade.example", WRONG).status_code  # type: ignore[attr-defined]
        for n in range(32)
    ]
    assert found[:30] == [401] * 30
    assert found[30:] == [429, 429]


def test_locking_and_refused_attempts_are_audited(
    client: TestClient, ada: Person, app_db: AppDatabase
) -> None:
    statuses(client, ada.email, LOCK_AFTER + 2)
    assert audited(app_db, AuditAction.LOCK_ACCOUNT) == [(None, ada.email)]
    assert len(audited(app_db, AuditAction.SIGN_IN_THROTTLED)) == 2
    assert len(audited(app_db, AuditAction.SIGN_IN_FAILED)) == LOCK_AFTER


def test_an_admin_unlocks_an_account_and_it_is_audited(
    client: TestClient, ada: Person, app_db: AppDatabase, region: Region
) -> None:
    statuses(client, ada.email, LOCK_AFTER)
    admin = region.people[Role.ADMIN]
    signed_in(client, app_db, admin)
    page = client.get(f"/organizations/{region.own.id}").text
    assert "locked" in page
    answer = client.post(f"/people/{ada.id}/unlock", data={"csrf_token": csrf_of(page)})
    assert answer.status_code == 303
    assert audited(app_db, AuditAction.UNLOCK_ACCOUNT) == [(admin.id, ada.email)]
    client.cookies.clear()
    assert sign_in(client, ada.email, PASSWORD).status_code == 303  # type: ignore[attr-defined]


def test_staff_cannot_unlock_an_account(
    client: TestClient, ada: Person, app_db: AppDatabase, region: Region
) -> None:
    statuses(client, ada.email, LOCK_AFTER)
    secret = signed_in(client, app_db, region.people[Role.STAFF])
    page = client.get(f"/organizations/{region.own.id}").text
    answer = client.post(f"/people/{ada.id}/unlock", data={"csrf_token": csrf_of(page)})
    assert answer.status_code == 403
    assert secret
