"""The app DB: the collaborative's operational records, on SQLite by default or PostgreSQL.

Every part declares its tables on `Base` in its `models` module, and `commontable.app_tables`
lists those modules: the one place the whole schema is assembled (the migrations' check
compares it with the database). The schema is changed only by the Alembic migrations shipped in
`migrations/versions/` and applied by `upgrade` (`commontable db upgrade`).
"""

from commontable.appdb.base import MAX_ID, Base, UTCDateTime, choice, utcnow
from commontable.appdb.encryption import encrypt_file
from commontable.appdb.engine import create_engine, database_url, describe, sqlite_file
from commontable.appdb.migrate import (
    current_revision,
    differences,
    head_revision,
    require_current,
    upgrade,
)
from commontable.appdb.sessions import session_factory, transaction

__all__ = [
    "MAX_ID",
    "encrypt_file",
    "sqlite_file",
    "Base",
    "UTCDateTime",
    "choice",
    "create_engine",
    "current_revision",
    "database_url",
    "describe",
    "differences",
    "head_revision",
    "require_current",
    "session_factory",
    "transaction",
    "upgrade",
    "utcnow",
]
