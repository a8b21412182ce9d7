"""The audit log, the floor every part may stand on: entries appended in the caller's
transaction, chained by a keyed hash, verified end to end (`commontable.audit.log`)."""

from commontable.audit.log import (
    GENESIS,
    AppendOnly,
    AuditAction,
    AuditEvent,
    AuditKey,
    ChainCheck,
    app_db_engine,
    app_db_key,
    audit_key_file,
    audit_key_of,
    canonical_json,
    entries,
    entry_hash,
    heads,
    keep_audit,
    record,
    record_reference,
    verify,
)

__all__ = [
    "GENESIS",
    "AppendOnly",
    "AuditAction",
    "AuditEvent",
    "AuditKey",
    "ChainCheck",
    "app_db_engine",
    "app_db_key",
    "audit_key_file",
    "audit_key_of",
    "canonical_json",
    "entries",
    "entry_hash",
    "heads",
    "keep_audit",
    "record",
    "record_reference",
    "verify",
]
