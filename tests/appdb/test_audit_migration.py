"""Revision 0010 keys an existing audit log: a sound plain chain is re-chained under the
workspace's key; a broken one, or one without the key at hand, stops the upgrade."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from commontable.appdb import create_engine, transaction, upgrade
from commontable.audit import AuditAction, AuditKey, keep_audit, record, verify

SECRET = bytes(range(32))
TABLE = sa.table(
    "audit_event",
    *(sa.column(name) for name in ("id", "at", "actor_person_id", "organization_id")),
    *(sa.column(name) for name in ("action", "target", "detail", "prev_hash", "hash")),
)


def plain_log(path: Path, count: int = 3) -> str:
    """An app DB at revision 0009 holding `count` entries chained by plain SHA-256, as 0009's
    code wrote them."""
    url = str(path / "app.db")
    upgrade(url, "0009")
    engine = create_engine(url)
    prev = "0" * 64
    with engine.begin() as connection:
        for n in range(1, count + 1):
            at = datetime(2026, 12, n, tzinfo=UTC)
            content = {
                "at": at.isoformat(timespec="microseconds"),
                "actor_person_id": n,
                "organization_id": None,
                "action": "sign-in",
                "target": f"person {n}",
                "detail": {},
            }
            canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
            digest = hashlib.sha256((prev + canonical).encode()).hexdigest()
            connection.execute(
                TABLE.insert().values(
                    id=n,
                    at=at,
                    actor_person_id=n,
                    organization_id=None,
                    action="sign-in",
                    target=f"person {n}",
                    detail="{}",
                    prev_hash=prev,
                    hash=digest,
                )
            )
            prev = digest
    engine.dispose()
    return url


def test_a_sound_plain_log_is_keyed_and_verifies_under_the_key(tmp_path: Path) -> None:
    url = plain_log(tmp_path)
    upgrade(url, audit_secret=SECRET)
    engine = create_engine(url)
    keep_audit(engine, AuditKey(SECRET))
    with transaction(engine) as session:
        record(session, AuditAction.SIGN_OUT, actor_person_id=1)
    with transaction(engine) as session:
        found = verify(session)
    engine.dispose()
    assert found.ok, found.summary()
    assert found.entries == 4


def test_a_log_with_entries_is_not_upgraded_without_the_key(tmp_path: Path) -> None:
    url = plain_log(tmp_path)
    with pytest.raises(RuntimeError, match="commontable db upgrade"):
        upgrade(url)


def test_a_broken_plain_log_is_not_laundered_into_a_keyed_one(tmp_path: Path) -> None:
    url = plain_log(tmp_path)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(TABLE.update().where(TABLE.c.id == 2).values(target="someone else"))
    engine.dispose()
    with pytest.raises(RuntimeError, match="broken at entry 2"):
        upgrade(url, audit_secret=SECRET)
