"""The audit log: every sign-in, every view or export of patient-level data, every change to
members, roles and data, kept append-only in the app DB and chained by SHA-256.

Each entry's hash covers the previous entry's hash and the entry itself (canonical JSON), so
altering or deleting an entry breaks the chain from there on; `verify` finds the first break.
The chain cannot show that its newest entries were cut off: keep the head hash `verify`
prints somewhere else (a ticket, a daily e-mail) to anchor it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Integer, String, Text, event, select, text
from sqlalchemy.orm import Mapped, Mapper, Session, mapped_column

from commontable.appdb import Base, UTCDateTime, utcnow

GENESIS = "0" * 64  # what the first entry follows
# Any fixed number: PostgreSQL's transaction-scoped advisory lock serialises appends.
_CHAIN_LOCK = 0x436F6D6D6F6E  # "Common"


class AuditAction(StrEnum):
    """What happened; past entries keep their action even if a name here changes."""

    SIGN_IN = "sign-in"
    SIGN_IN_FAILED = "sign-in-failed"
    SIGN_OUT = "sign-out"
    VIEW_SUBMISSION = "view-submission"
    VIEW_QUARANTINE = "view-quarantine"
    DOWNLOAD_QUARANTINE = "download-quarantine"
    UPLOAD_SUBMISSION = "upload-submission"
    ADD_PERSON = "add-person"
    ADD_ORGANIZATION = "add-organization"
    GRANT_ROLE = "grant-role"
    REVOKE_ROLE = "revoke-role"
    ISSUE_TOKEN = "issue-token"
    REVOKE_TOKEN = "revoke-token"
    VIEW_MATCH_REVIEW = "view-match-review"
    DECIDE_MATCH = "decide-match"
    # governance: decisions (a vote's choice is kept only when the motion is not anonymous)
    CREATE_MOTION = "create-motion"
    OPEN_MOTION = "open-motion"
    CAST_VOTE = "cast-vote"
    DECLARE_CONFLICT = "declare-conflict"
    CLOSE_MOTION = "close-motion"
    LINK_DECISION = "link-decision"
    SET_GOVERNANCE_RULES = "set-governance-rules"
    # governance: Delphi studies
    CREATE_STUDY = "create-delphi-study"
    CHANGE_STUDY = "change-delphi-study"
    OPEN_ROUND = "open-delphi-round"
    CLOSE_ROUND = "close-delphi-round"
    RATE_ITEMS = "rate-delphi-items"
    PUBLISH_RESULTS = "publish-results"
    IMPORT_ROSTER = "import-roster"
    SEED_DEMO_TABLE = "seed-demo-table"  # the demo's members, people, votes, study and plan
    # plans: the action plan (staff) and commitments' status (their representatives)
    CREATE_PLAN = "create-plan"
    CHANGE_PLAN = "change-plan"
    ADD_GOAL = "add-plan-goal"
    ENTER_GOAL_VALUE = "enter-plan-goal-value"
    ADD_INITIATIVE = "add-plan-initiative"
    ADD_COMMITMENT = "add-plan-commitment"
    UPDATE_COMMITMENT = "update-plan-commitment"
    ADD_CYCLE = "add-improvement-cycle"
    UPDATE_CYCLE = "update-improvement-cycle"


class AuditEvent(Base):
    """One entry of the audit log. Never updated or deleted: the ORM refuses both."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Plain ids, no foreign keys: an entry outlives the person or organization it names.
    actor_person_id: Mapped[int | None] = mapped_column(Integer, index=True)  # None: a system
    organization_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text)  # canonical JSON of an object
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)  # unique: the chain never forks
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    @property
    def details(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.detail)
        return loaded


class AppendOnly(RuntimeError):
    """Code tried to change or remove an audit entry."""


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(_mapper: Mapper[AuditEvent], _connection: Any, entry: AuditEvent) -> None:
    raise AppendOnly(f"audit entry {entry.id} cannot be changed: the audit log is append-only")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(_mapper: Mapper[AuditEvent], _connection: Any, entry: AuditEvent) -> None:
    raise AppendOnly(f"audit entry {entry.id} cannot be deleted: the audit log is append-only")


def canonical_json(value: Any) -> str:
    """One spelling of a JSON value: sorted keys, no spaces, UTF-8 as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev_hash: str, entry: AuditEvent) -> str:
    """SHA-256 of the previous hash and the entry's canonical JSON (everything but its id)."""
    content = {
        "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_person_id": entry.actor_person_id,
        "organization_id": entry.organization_id,
        "action": entry.action,
        "target": entry.target,
        "detail": json.loads(entry.detail),
    }
    return hashlib.sha256((prev_hash + canonical_json(content)).encode()).hexdigest()


def record(
    session: Session,
    action: AuditAction,
    *,
    actor_person_id: int | None = None,
    organization_id: int | None = None,
    target: str = "",
    detail: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Append an entry in the caller's transaction: it lands if and only if the work it
    describes does."""
    _lock_chain(session)
    last = session.scalars(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    entry = AuditEvent(
        at=now or utcnow(),
        actor_person_id=actor_person_id,
        organization_id=organization_id,
        action=str(action),
        target=target[:200],
        detail=canonical_json(dict(detail or {})),
        prev_hash=last or GENESIS,
    )
    entry.hash = entry_hash(entry.prev_hash, entry)
    session.add(entry)
    session.flush()
    return entry


def _lock_chain(session: Session) -> None:
    """Make concurrent appends wait for each other until commit, so each sees the last entry.

    SQLite lets one transaction write at a time, which already serialises them; on both, the
    unique prev_hash turns any race that slipped through into an error instead of a fork.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})


def entries(session: Session, *, action: AuditAction | None = None) -> list[AuditEvent]:
    """Entries oldest first, optionally of one action."""
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action is not None:
        query = query.where(AuditEvent.action == str(action))
    return list(session.scalars(query))


@dataclass(frozen=True)
class ChainCheck:
    """What `verify` found: how many entries, the newest hash, and the first break if any."""

    entries: int
    head: str
    broken_at: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None

    def summary(self) -> str:
        if self.ok:
            return f"audit log OK: {self.entries:,} entries, head {self.head}"
        return f"audit log BROKEN at entry {self.broken_at}: {self.problem}"


def verify(session: Session) -> ChainCheck:
    """Recompute the chain, oldest first; report the first altered entry or missing link."""
    expected_prev, previous_id, count = GENESIS, None, 0
    query = select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000)
    for entry in session.scalars(query):
        if entry.prev_hash != expected_prev:
            after = "the start of the log" if previous_id is None else f"entry {previous_id}"
            return ChainCheck(
                count,
                expected_prev,
                entry.id,
                f"it does not follow {after}: an entry in between was deleted, "
                "or this entry's link was altered",
            )
        try:
            recomputed = entry_hash(entry.prev_hash, entry)
        except ValueError:  # detail no longer JSON
            recomputed = ""
        if recomputed != entry.hash:
            return ChainCheck(
                count, expected_prev, entry.id, "it was altered: its content no longer matches"
            )
        expected_prev, previous_id, count = entry.hash, entry.id, count + 1
    return ChainCheck(count, expected_prev)
