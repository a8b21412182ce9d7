"""Privacy: the tamper-evident audit log and who may see what (`commontable.privacy.access`).

This module imports only the audit log, which needs nothing but the app DB, so that the
members part can load it and every user of the app DB sees the whole schema.
"""

from commontable.privacy.audit import (
    GENESIS,
    AppendOnly,
    AuditAction,
    AuditEvent,
    AuditKey,
    ChainCheck,
    app_db_engine,
    entries,
    keep_audit,
    record,
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
    "keep_audit",
    "entries",
    "record",
    "verify",
]
