"""Connecting to the app DB: a SQLite file by default, PostgreSQL (any SQLAlchemy URL) at scale."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine, event
from sqlalchemy.engine import URL, make_url

from commontable.errors import ConfigError


def database_url(app_db: str) -> str:
    """The SQLAlchemy URL for the `app_db` setting: a plain path is a SQLite file.

    >>> database_url("/srv/ws/commontable.db")
    'sqlite:////srv/ws/commontable.db'
    >>> database_url("postgresql://ct@db/commontable")
    'postgresql+psycopg://ct@db/commontable'
    """
    if "://" not in app_db:
        return f"sqlite:///{Path(app_db).absolute()}"
    for bare in ("postgresql://", "postgres://"):
        if app_db.startswith(bare):  # the installed driver is psycopg 3, not SQLAlchemy's psycopg2
            return "postgresql+psycopg://" + app_db.removeprefix(bare)
    return app_db


def describe(url: str) -> str:
    """The URL fit for printing: any password is masked."""
    return make_url(url).render_as_string(hide_password=True)


def sqlite_file(url: str | URL) -> Path | None:
    """The file behind a SQLite URL; None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


SQLITE_BUSY_TIMEOUT_MS = 30_000


def create_engine(url: str, *, key: str | None = None, **options: Any) -> Engine:
    """An engine for `url` (a setting value or a URL); SQLite gets foreign keys and real BEGINs.
    With a `key`, the SQLite file is encrypted with SQLCipher (AES-256, its pages unreadable
    without the key); PostgreSQL encrypts its own storage."""
    url = database_url(url)
    file = sqlite_file(url)
    if file is not None and not file.parent.is_dir():
        raise ConfigError(
            f"app DB folder {file.parent} does not exist; run `commontable init {file.parent}` "
            "or set app_db to a file in an existing folder"
        )
    target: str | URL = url
    if key:
        if file is None:
            raise ConfigError(
                "app_db_key encrypts a SQLite app DB file; a server database (PostgreSQL) "
                "encrypts its own storage: leave app_db_key unset"
            )
        target = URL.create("sqlite+pysqlcipher", password=key, database=str(file))
    engine = sa.create_engine(target, **options)
    if engine.dialect.name == "sqlite":
        _make_sqlite_strict(engine)
    return engine


def _make_sqlite_strict(engine: Engine) -> None:
    """Enforce foreign keys and let SQLAlchemy emit BEGIN itself.

    Python's sqlite3 (before 3.12's autocommit=False) begins transactions late and never for
    SAVEPOINT or DDL; taking over BEGIN makes savepoints and migrations transactional, the way
    they are on PostgreSQL (SQLAlchemy docs, "Transactions with SQLite and the sqlite3 driver").
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        # Readers and one writer at a time without "database is locked" under a web server's
        # concurrent requests: write-ahead logging, and waiting for a lock instead of failing.
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        # IMMEDIATE: take the write lock at once, waiting for it (busy_timeout). A transaction
        # that read before another process committed may not write after it, and fails at once
        # ("database is locked") however long the timeout: the web, the worker, the command
        # line and the live feed all write the app DB (SQLite docs, "isolation", BUSY_SNAPSHOT).
        connection.exec_driver_sql("BEGIN IMMEDIATE")
