"""The audit log is append-only and chained by a keyed hash: any altered, deleted, cut off or
rewritten entry is found, and the database itself refuses changes."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from commontable.appdb import transaction
from commontable.audit import (
    GENESIS,
    AppendOnly,
    AuditAction,
    AuditEvent,
    AuditKey,
    audit_key_file,
    entries,
    entry_hash,
    keep_audit,
    record,
    verify,
)
from tests.app_fixtures import AppDatabase, unguarded_audit
from tests.conftest import TEST_AUDIT_KEY

TABLE = AuditEvent.__table__


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


def tamper(app_db: AppDatabase, *statements: sa.Executable) -> None:
    """Change the table behind the ORM's back and around its triggers, as the database's owner
    could."""
    with app_db.engine.begin() as connection, unguarded_audit(connection):
        for statement in statements:
            connection.execute(statement)


def rewrite_from(app_db: AppDatabase, first_id: int, secret: bytes) -> None:
    """Edit entry `first_id` and recompute every hash from there on under `secret` (a guess
    at the key, or the key itself, stolen), so that every link holds again."""
    with app_db.engine.begin() as connection:
        rows = connection.execute(sa.select(TABLE).order_by(TABLE.c.id)).all()
    statements, prev = [], GENESIS
    for row in rows:
        entry = AuditEvent(**row._mapping)
        if row.id >= first_id:
            entry.detail = '{"page":99}' if row.id == first_id else entry.detail
            entry.prev_hash, entry.hash = prev, entry_hash(prev, entry, secret)
            statements.append(
                TABLE.update()
                .where(TABLE.c.id == row.id)
                .values(detail=entry.detail, prev_hash=entry.prev_hash, hash=entry.hash)
            )
        prev = entry.hash
    tamper(app_db, *statements)


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
    tamper(app_db, TABLE.update().where(TABLE.c.id == ids[2]).values(detail='{"page":99}'))
    ok, broken_at, problem = check(app_db)
    assert (ok, broken_at) == (False, ids[2])
    assert "altered" in problem


def test_an_altered_actor_is_found(app_db: AppDatabase) -> None:
    ids = write_log(app_db)
    tamper(app_db, TABLE.update().where(TABLE.c.id == ids[0]).values(actor_person_id=8))
    assert check(app_db)[:2] == (False, ids[0])


def test_a_deleted_entry_is_found_at_the_next_one(app_db: AppDatabase) -> None:
    ids = write_log(app_db)
    tamper(app_db, TABLE.delete().where(TABLE.c.id == ids[1]))
    ok, broken_at, problem = check(app_db)
    assert (ok, broken_at) == (False, ids[2])
    assert "deleted" in problem


def test_deleting_the_first_entry_is_found(app_db: AppDatabase) -> None:
    ids = write_log(app_db)
    tamper(app_db, TABLE.delete().where(TABLE.c.id == ids[0]))
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


@pytest.mark.parametrize(
    "statement",
    [
        TABLE.update().values(target="someone else"),
        TABLE.delete(),
    ],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_change_or_delete_an_entry(
    app_db: AppDatabase, statement: sa.Executable
) -> None:
    write_log(app_db)
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), app_db.engine.begin() as c:
        c.execute(statement)
    assert check(app_db)[0]


def test_the_database_refuses_to_truncate_the_log(app_db: AppDatabase) -> None:
    if app_db.backend != "postgres":
        pytest.skip("SQLite has no TRUNCATE; its DELETE is refused")
    write_log(app_db)
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), app_db.engine.begin() as c:
        c.exec_driver_sql("TRUNCATE audit_event")


def test_a_chain_rewritten_under_another_key_is_found(app_db: AppDatabase) -> None:
    ids = write_log(app_db)
    rewrite_from(app_db, ids[2], b"a guess at the key" * 2)
    ok, broken_at, problem = check(app_db)
    assert (ok, broken_at) == (False, ids[2])
    assert "altered" in problem


def test_a_chain_rewritten_with_the_key_is_found_by_the_head_file(
    app_db: AppDatabase, tmp_path: Path
) -> None:
    """Even one who stole the key cannot rewrite what the head file outside the DB holds."""
    keep_audit(app_db.engine, AuditKey(bytes.fromhex(TEST_AUDIT_KEY), tmp_path / "heads"))
    try:
        ids = write_log(app_db)
        rewrite_from(app_db, ids[1], bytes.fromhex(TEST_AUDIT_KEY))
        ok, broken_at, problem = check(app_db)
    finally:
        keep_audit(app_db.engine, AuditKey(bytes.fromhex(TEST_AUDIT_KEY)))
    assert (ok, broken_at) == (False, ids[1])
    assert "rewritten" in problem


def test_newest_entries_cut_off_are_found_by_the_head_file(
    app_db: AppDatabase, tmp_path: Path
) -> None:
    keep_audit(app_db.engine, AuditKey(bytes.fromhex(TEST_AUDIT_KEY), tmp_path / "heads"))
    try:
        ids = write_log(app_db)
        tamper(app_db, TABLE.delete().where(TABLE.c.id >= ids[2]))
        ok, broken_at, problem = check(app_db)
    finally:
        keep_audit(app_db.engine, AuditKey(bytes.fromhex(TEST_AUDIT_KEY)))
    assert (ok, broken_at) == (False, ids[2])
    assert "cut off" in problem


def test_the_head_file_holds_committed_entries_only(app_db: AppDatabase, tmp_path: Path) -> None:
    heads = tmp_path / "heads"
    keep_audit(app_db.engine, AuditKey(bytes.fromhex(TEST_AUDIT_KEY), heads))
    try:
        ids = write_log(app_db, count=2)

        def failed_work() -> None:
            with transaction(app_db.engine) as session:
                record(session, AuditAction.SIGN_OUT, actor_person_id=7)
                raise RuntimeError("the work failed")

        with pytest.raises(RuntimeError):
            failed_work()
        assert check(app_db)[0]
    finally:
        keep_audit(app_db.engine, AuditKey(bytes.fromhex(TEST_AUDIT_KEY)))
    assert [int(line.split()[0]) for line in heads.read_text().splitlines()] == ids


def test_nothing_is_recorded_without_the_key(app_db: AppDatabase) -> None:
    from commontable.appdb import create_engine
    from commontable.errors import ConfigError

    unkeyed = create_engine(app_db.url)
    try:
        with pytest.raises(ConfigError, match="key"), transaction(unkeyed) as session:
            record(session, AuditAction.SIGN_IN, actor_person_id=1)
    finally:
        unkeyed.dispose()


def test_the_key_file_is_made_once_and_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "audit.key"
    first = audit_key_file(path)
    assert audit_key_file(path) == first
    assert len(first) == 32
    assert path.stat().st_mode & 0o777 == 0o600
