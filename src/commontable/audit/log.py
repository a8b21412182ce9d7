"""The audit log: every sign-in, every view or export of patient-level data, every change to
members, roles and data, kept append-only in the app DB and chained by a keyed hash.

Each entry's hash is an HMAC-SHA256, under a key kept outside the app DB (`AuditKey`), of the
previous entry's hash and the entry itself (canonical JSON): altering or deleting an entry
breaks the chain from there on, and whoever can write the database but not read the key cannot
forge a new chain. After each commit the newest entry's id and hash are appended to a head file,
also outside the database, so that cutting off the newest entries is found too. Triggers in the
database refuse updates and deletes (migration 0010); the ORM refuses them as well.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Integer, String, Text, event, select, text
from sqlalchemy.orm import Mapped, Mapper, Session, mapped_column

from commontable.appdb import Base, UTCDateTime, create_engine, utcnow
from commontable.config import Settings
from commontable.errors import ConfigError
from commontable.keys import key_file

GENESIS = "0" * 64  # what the first entry follows
KEY_BYTES = 32
# Any fixed number: PostgreSQL's transaction-scoped advisory lock serialises appends.
_CHAIN_LOCK = 0x436F6D6D6F6E  # "Common"


class AuditAction(StrEnum):
    """What happened; past entries keep their action even if a name here changes."""

    SIGN_IN = "sign-in"
    SIGN_IN_FAILED = "sign-in-failed"
    SIGN_OUT = "sign-out"
    SIGN_IN_THROTTLED = "sign-in-throttled"  # refused unchecked: a locked account, a busy address
    LOCK_ACCOUNT = "lock-account"  # too many failed sign-ins in a row
    UNLOCK_ACCOUNT = "unlock-account"
    SECOND_FACTOR_FAILED = "second-factor-failed"
    CONFIRM_PASSWORD = "confirm-password"  # asked again before patient-level data
    ENROL_SECOND_FACTOR = "enrol-second-factor"
    RESET_SECOND_FACTOR = "reset-second-factor"
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
    RUN_MATCH = "run-match"  # a matching run started from the web
    RUN_MEASURES = "run-measures"  # a measure run started from the web
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
    # care coordination: teams and whom they follow (staff, the team), consent, the work list
    CREATE_CARE_TEAM = "create-care-team"
    CHANGE_CARE_TEAM = "change-care-team"
    FOLLOW_PEOPLE = "follow-people"
    UNFOLLOW_PEOPLE = "unfollow-people"
    RECORD_CONSENT = "record-consent"
    ADD_PART2_PROGRAM = "add-part2-program"
    VIEW_CARE_WORK_LIST = "view-care-work-list"
    VIEW_CARE_NOTIFICATION = "view-care-notification"
    ASSIGN_CARE_NOTIFICATION = "assign-care-notification"
    COMPLETE_CARE_NOTIFICATION = "complete-care-notification"
    RECEIVE_CARE_NOTIFICATION = "receive-care-notification"  # a Da Vinci FHIR notification
    VIEW_CARE_GAPS = "view-care-gaps"
    DOWNLOAD_CARE_GAPS = "download-care-gaps"


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


@dataclass(frozen=True)
class AuditKey:
    """The secret the chain is keyed with, and the file each committed head is appended to
    (None: no head file, as in tests of the chain alone). Both live outside the app DB."""

    secret: bytes
    head_file: Path | None = None


_KEYS: weakref.WeakKeyDictionary[Engine, AuditKey] = weakref.WeakKeyDictionary()


def keep_audit(engine: Engine, key: AuditKey) -> None:
    """Key the audit log of the app DB behind `engine` (done once, where the engine is made)."""
    _KEYS[engine] = key


def audit_key_file(path: Path) -> bytes:
    """The audit key in `path`, made (readable by its owner only) when there is none yet."""
    text = key_file(path, lambda: secrets.token_hex(KEY_BYTES).encode())
    try:
        secret = bytes.fromhex(text.decode())
    except ValueError as error:
        raise ConfigError(f"{path} does not hold an audit key (64 hex digits)") from error
    if len(secret) < KEY_BYTES:
        raise ConfigError(f"{path}: the audit key must be at least {KEY_BYTES} bytes")
    return secret


def audit_key_of(settings: Settings) -> AuditKey:
    """The workspace's audit key: the audit_key setting (COMMONTABLE_AUDIT_KEY), else the key
    file (made on first use), with the head file beside it."""
    head = Path(settings.resolve(settings.audit_head_file))
    if settings.audit_key is not None:
        try:
            secret = bytes.fromhex(settings.audit_key.get_secret_value())
        except ValueError as error:
            raise ConfigError("the audit_key setting must be hex digits") from error
        if len(secret) < KEY_BYTES:
            raise ConfigError(f"the audit_key setting must be at least {KEY_BYTES} bytes")
        return AuditKey(secret, head)
    return AuditKey(audit_key_file(Path(settings.resolve(settings.audit_key_file))), head)


def app_db_key(settings: Settings) -> str | None:
    """The app DB's SQLCipher key, if it is encrypted."""
    return settings.app_db_key.get_secret_value() if settings.app_db_key else None


def app_db_engine(settings: Settings) -> Engine:
    """The workspace's app DB, its audit log keyed."""
    engine = create_engine(settings.resolve(settings.app_db), key=app_db_key(settings))
    keep_audit(engine, audit_key_of(settings))
    return engine


def _key_of(session: Session) -> AuditKey:
    key = _KEYS.get(session.get_bind().engine)  # a Connection's engine, or the Engine itself
    if key is None:
        raise ConfigError(
            "the audit log's key is not loaded for this database, so nothing can be recorded "
            "or verified (keep_audit)"
        )
    return key


def entry_hash(prev_hash: str, entry: AuditEvent, secret: bytes) -> str:
    """HMAC-SHA256 under `secret` of the previous hash and the entry's canonical JSON
    (everything but its id); migration 0010 holds a frozen copy."""
    content = {
        "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_person_id": entry.actor_person_id,
        "organization_id": entry.organization_id,
        "action": entry.action,
        "target": entry.target,
        "detail": json.loads(entry.detail),
    }
    message = (prev_hash + canonical_json(content)).encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def record_reference(session: Session, name: str) -> str:
    """An opaque reference to a patient-level record (e.g. DATA_SOURCE:SOURCE_PERSON_ID) for an
    audit entry: the same record always gets the same reference, but only someone holding the
    audit key can tell which record it is (a plain hash of a short id could be reversed)."""
    secret = _key_of(session).secret
    return "rec_" + hmac.new(secret, b"record:" + name.encode(), hashlib.sha256).hexdigest()[:24]


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
    describes does. Once committed, its hash is appended to the head file."""
    key = _key_of(session)
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
    entry.hash = entry_hash(entry.prev_hash, entry, key.secret)
    session.add(entry)
    session.flush()
    if key.head_file is not None:
        session.info.setdefault(_HEADS, []).append((key.head_file, entry.id, entry.hash))
    return entry


_HEADS = "commontable.audit.heads"  # session.info: heads to append once the session commits


@dataclass(frozen=True)
class Actor:
    """Who does something, as every audit entry names them, on the web and the command line
    alike: the signed-in person (and the API token they used), or the machine's user."""

    person_id: int | None = None
    organization_id: int | None = None
    how: Mapping[str, Any] = field(default_factory=dict)  # api_token_id, or via + os_user

    def record(
        self,
        session: Session,
        action: AuditAction,
        *,
        target: str = "",
        organization_id: int | None = None,
        **detail: Any,
    ) -> AuditEvent:
        """Append what this actor did (on behalf of `organization_id`, default their own)."""
        return record(
            session,
            action,
            actor_person_id=self.person_id,
            organization_id=self.organization_id if organization_id is None else organization_id,
            target=target,
            detail={**detail, **self.how},
        )


def command_line_actor() -> Actor:
    """The command line acts as the machine's user, who has no person in the app DB."""
    import getpass

    return Actor(how={"via": "command line", "os_user": getpass.getuser()})


@event.listens_for(Session, "after_commit")
def _append_heads(session: Session) -> None:
    """Append the committed entries' heads (one line each: id and hash) to the head file."""
    for path, entry_id, entry_hash_ in session.info.pop(_HEADS, []):
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a") as handle:
            handle.write(f"{entry_id} {entry_hash_}\n")


@event.listens_for(Session, "after_rollback")
def _forget_heads(session: Session) -> None:
    session.info.pop(_HEADS, None)


def heads(path: Path) -> list[str]:
    """The head file's lines ("ID HASH", one per committed entry), in the order written."""
    return path.read_text().splitlines() if path.exists() else []


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
    """Recompute the chain, oldest first, under the key; report the first altered entry or
    missing link, then compare the newest entries with the head file kept outside the DB
    (which finds entries cut off the end, or a chain rewritten from some point on)."""
    key = _key_of(session)
    expected_prev, previous_id, count = GENESIS, None, 0
    kept: dict[int, str] = {}
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
            recomputed = entry_hash(entry.prev_hash, entry, key.secret)
        except ValueError:  # detail no longer JSON
            recomputed = ""
        if not hmac.compare_digest(recomputed, entry.hash):
            return ChainCheck(
                count, expected_prev, entry.id, "it was altered: its content no longer matches"
            )
        kept[entry.id] = entry.hash
        expected_prev, previous_id, count = entry.hash, entry.id, count + 1
    if key.head_file is not None:
        problem = _against_heads(kept, heads(key.head_file))
        if problem is not None:
            broken_at, text_ = problem
            return ChainCheck(count, expected_prev, broken_at, text_)
    return ChainCheck(count, expected_prev)


def _against_heads(kept: dict[int, str], written: list[str]) -> tuple[int, str] | None:
    """The first head the file holds that the log does not: (entry id, the problem); entry 0
    when a line of the file is not one a commit wrote."""
    for number, line in enumerate(written, start=1):
        entry_id, _, hash_ = line.partition(" ")
        if not entry_id.isdigit():
            return 0, f"line {number} of the head file is not one a commit wrote"
        if int(entry_id) not in kept:
            return int(entry_id), (
                "the head file names an entry the log no longer has: entries were cut off "
                "the end of the log, or deleted"
            )
        if not hmac.compare_digest(kept[int(entry_id)], hash_.strip()):
            return int(entry_id), "the log was rewritten: this entry is not the one committed"
    return None
