"""Schema migrations: Alembic, driven from code, with its scripts shipped inside this package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData
from sqlalchemy.exc import DatabaseError

from commontable.appdb.engine import create_engine, describe, sqlite_file
from commontable.errors import ConfigError

MIGRATIONS = Path(__file__).parent / "migrations"
UPGRADE_HINT = "run `commontable db upgrade`"


def alembic_config(
    connection: Connection | None = None, audit_secret: bytes | None = None
) -> Config:
    """Alembic's configuration, built in code: no alembic.ini; env.py uses `connection`;
    migration 0010 keys the audit log's existing entries with `audit_secret`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    config.attributes["audit_secret"] = audit_secret
    return config


def head_revision() -> str:
    """The newest migration this code ships."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, f"no migrations in {MIGRATIONS}"
    return head


def upgrade(
    url: str,
    revision: str = "head",
    audit_secret: bytes | None = None,
    key: str | None = None,
) -> str:
    """Create or migrate the app DB at `url` (a setting value or URL; `key`: SQLCipher's);
    returns its revision. An audit log with entries needs the workspace's `audit_secret` to
    move past revision 0010."""
    engine = create_engine(url, key=key)
    try:
        with _connect(engine) as connection, connection.begin():
            command.upgrade(alembic_config(connection, audit_secret), revision)
        return current_revision(engine) or "base"
    finally:
        engine.dispose()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None before its first upgrade."""
    with _connect(engine) as connection:
        return MigrationContext.configure(connection).get_current_revision()


def require_current(engine: Engine) -> None:
    """Refuse to work on an app DB that is missing or older than this code."""
    file = sqlite_file(engine.url)
    if file is not None and not file.exists():
        raise ConfigError(f"app DB not initialised ({file} does not exist); {UPGRADE_HINT}")
    found = current_revision(engine)
    if found is None:
        raise ConfigError(f"app DB not initialised; {UPGRADE_HINT}")
    if found != head_revision():
        raise ConfigError(
            f"app DB is at revision {found}, this version needs {head_revision()}; {UPGRADE_HINT}"
        )


def _connect(engine: Engine) -> Connection:
    """A connection; when the database cannot be reached, say which one and where it is set."""
    try:
        return engine.connect()
    except DatabaseError as error:  # OperationalError among them
        reason = " ".join(str(error.orig).split())
        hint = "check the app_db setting (commontable.toml or COMMONTABLE_APP_DB)"
        if "not a database" in reason:
            hint = (
                "an encrypted app DB needs its key (COMMONTABLE_APP_DB_KEY), and a plain one "
                "none; check app_db_key"
            )
        raise ConfigError(
            f"cannot open the app DB {describe(engine.url.render_as_string())}: {reason}; {hint}"
        ) from error


def differences(engine: Engine, metadata: MetaData) -> list[Any]:
    """What Alembic's autogenerate finds between the database and the models (empty: in sync).

    The starting point for a new migration: write one script in migrations/versions/ per change.
    """
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))
