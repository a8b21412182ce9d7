"""The audit log is append-only and hash-chained: any altered or deleted entry is found."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from commontable.appdb import transaction
from commontable.privacy import (
    GENESIS,
    AppendOnly,
    AuditAction,
    AuditEvent,
    entries,
    record,
    verify,
)
from tests.app_fixtures import AppDatabase


def write_log(app_db: AppDatabase, count: int = 4) -> list[int]:
    """Committed entries: a sign-in, then views of submissions; returns their ids."""
    with transaction(app_db.engine) as session:
        record(session, AuditAction.SIGN_IN, actor_person_id=7, target="ada@cascade.example")
        for n in range(1, count):
            record(
                session,
                AuditAction.VIEW_SUBMISSION,
                actor_person_id=7,
                organization_id=1,
                target=f"submission {n}",
                detail={"page": n},
            )
        return [entry.id for entry in entries(session)]


def tamper(app_db: AppDatabase, statement: sa.Executable) -> None:
    """Change the table behind the ORM's back, as someone with database access could."""
    with app_db.engine.begin() as connection:
        connection.execute(statement)


def check(app_db: AppDatabase) -> tuple[bool, int | None, str]:
    with transaction(app_db.engine) as session:
        found = verify(session)
    return found.ok, found.broken_at, found.problem


def test_each_entry_follows_the_one_before(db: Session) -> None:
    first = record(db, AuditAction.SIGN_IN, actor_person_id=1)
    second = record(db, AuditAction.SIGN_OUT, actor_person_id=1)
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash


def test_an_untouched_log_verifies(app_db: AppDatabase) -> None:
    write_log(app_db)
    with transaction(app_db.engine) as session:
        found = verify(session)
    assert found.ok
    assert found.summary().startswith("audit log OK: 4 entries, head ")


def test_an_empty_log_verifies(db: Session) -> None:
    assert verify(db).ok


def test_an_altered_detail_is_found_at_that_entry(app_db: AppDatabase) -> None:
    ids = write_log(app_db)
    table = AuditEvent.__table__
    tamper(app_db, table.update().where(table.c.id == ids[2]).values(detail='{"page":99}'))
    ok, broken_at, problem = check(app_db)
    assert (ok, broken_at) == (False, ids[2])
    assert "altered" in problem


def test_an_altered_actor_is_found(app_db: AppDatabase) -> None:
    ids = write_log(app_db)
    table = AuditEvent.__table__
    tamper(app_db, table.update().where(table.c.id == ids[0]).values(actor_person_id=8))
    assert check(app_db)[:2] == (False, ids[0])


def test_a_deleted_entry_is_found_at_the_next_one(app_db: AppDatabase) -> None:
    ids = write_log(app_db)
    table = AuditEvent.__table__
    tamper(app_db, table.delete().where(table.c.id == ids[1]))
    ok, broken_at, problem = check(app_db)
    assert (ok, broken_at) == (False, ids[2])
    assert "deleted" in problem


def test_deleting_the_first_entry_is_found(app_db: AppDatabase) -> None:
    ids = write_log(app_db)
    table = AuditEvent.__table__
    tamper(app_db, table.delete().where(table.c.id == ids[0]))
    assert check(app_db)[:2] == (False, ids[1])


def test_the_orm_refuses_to_change_an_entry(db: Session) -> None:
    entry = record(db, AuditAction.SIGN_IN, actor_person_id=1)
    entry.target = "someone else"
    with pytest.raises(AppendOnly, match="append-only"):
        db.flush()


def test_the_orm_refuses_to_delete_an_entry(db: Session) -> None:
    entry = record(db, AuditAction.SIGN_IN, actor_person_id=1)
    db.delete(entry)
    with pytest.raises(AppendOnly, match="append-only"):
        db.flush()


def test_an_entry_goes_with_the_work_it_records(app_db: AppDatabase) -> None:
    def failed_change() -> None:
        with transaction(app_db.engine) as session:
            record(session, AuditAction.ADD_PERSON, actor_person_id=1, target="grace@example.org")
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failed_change()
    with transaction(app_db.engine) as session:
        assert entries(session) == []


def test_the_chain_cannot_fork(app_db: AppDatabase) -> None:
    write_log(app_db, count=1)
    with transaction(app_db.engine) as session:
        [only] = entries(session)
        twin = AuditEvent(
            at=only.at,
            action="sign-in",
            target="",
            detail="{}",
            prev_hash=only.prev_hash,
            hash="f" * 64,
        )
        session.add(twin)
        with pytest.raises(sa.exc.IntegrityError):
            session.flush()
