"""The audit log keyed and append-only in the database itself: the entries so far, chained by
plain SHA-256, are checked and then re-chained by HMAC-SHA256 under the workspace's audit key
(audit/log.py); triggers then refuse updates, deletes and truncation, on SQLite and
PostgreSQL alike.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None

GENESIS = "0" * 64
REFUSAL = "the audit log is append-only"
SQLITE = [
    f"CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
    f"CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
]
POSTGRESQL = [
    "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$",
    "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
]
audit_event = sa.table(
    "audit_event",
    sa.column("id", sa.Integer),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor_person_id", sa.Integer),
    sa.column("organization_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("target", sa.String),
    sa.column("detail", sa.Text),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)


def _message(prev_hash: str, row: Any) -> bytes:
    """The hashed text as revision 0003 defined it (frozen here)."""
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)  # SQLite returns naive UTC
    content = {
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_person_id": row.actor_person_id,
        "organization_id": row.organization_id,
        "action": row.action,
        "target": row.target,
        "detail": json.loads(row.detail),
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return (prev_hash + canonical).encode()


def _rekey(secret: bytes | None) -> None:
    """Check the plain chain (a broken one is not laundered into a keyed one), then re-chain it
    under `secret`, newest first so that no two entries share a hash on the way."""
    connection = op.get_bind()
    rows = connection.execute(sa.select(audit_event).order_by(audit_event.c.id)).all()
    if not rows:
        return
    if secret is None:
        raise RuntimeError(
            "the audit log has entries to key: run `commontable db upgrade`, which reads the "
            "workspace's audit key"
        )
    prev, rekeyed = GENESIS, []
    for row in rows:
        if row.prev_hash != prev or hashlib.sha256(_message(prev, row)).hexdigest() != row.hash:
            raise RuntimeError(
                f"the audit log is broken at entry {row.id} (`commontable audit verify` on the "
                "previous version says more); it is not keyed until that is resolved"
            )
        prev = row.hash
    prev = GENESIS
    for row in rows:
        new = hmac.new(secret, _message(prev, row), hashlib.sha256).hexdigest()
        rekeyed.append((row.id, prev, new))
        prev = new
    for entry_id, prev_hash, new_hash in reversed(rekeyed):
        connection.execute(
            audit_event.update()
            .where(audit_event.c.id == entry_id)
            .values(prev_hash=prev_hash, hash=new_hash)
        )


def upgrade() -> None:
    _rekey(context.config.attributes.get("audit_secret"))
    for statement in POSTGRESQL if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    """The triggers go; entries stay keyed (revision 0009's code could not verify them)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_event_no_truncate ON audit_event")
        op.execute("DROP TRIGGER audit_event_no_change ON audit_event")
        op.execute("DROP FUNCTION audit_event_append_only()")
    else:
        op.execute("DROP TRIGGER audit_event_no_update")
        op.execute("DROP TRIGGER audit_event_no_delete")
