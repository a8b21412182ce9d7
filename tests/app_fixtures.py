"""App DB fixtures: the same tests on SQLite and on PostgreSQL.

Each test session (each pytest-xdist worker) builds one database per backend with the Alembic
migrations, on first use; every test then starts from empty tables.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from commontable.appdb import create_engine, describe, session_factory, upgrade
from commontable.audit import AuditKey, keep_audit
from tests.conftest import TEST_AUDIT_KEY

# The server the postgres tests create their databases on (trust auth in development and CI).
POSTGRES_SERVER = os.environ.get(
    "COMMONTABLE_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@dataclass
class AppDatabase:
    """A migrated app DB for tests: its backend, URL and engine."""

    backend: str
    url: str
    engine: Engine
    tables: list[sa.Table] = field(default_factory=list)

    def clear(self) -> None:
        """Delete every row (children first), keeping the schema and its revision; the audit
        log's append-only triggers are stepped around, as only a database owner can."""
        with self.engine.begin() as connection, unguarded_audit(connection):
            for table in self.tables:
                connection.execute(table.delete())


@contextmanager
def unguarded_audit(connection: sa.Connection) -> Iterator[None]:
    """The audit log's triggers off within `connection`'s transaction (tests, and attackers
    with the database owner's rights, both can do this)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("ALTER TABLE audit_event DISABLE TRIGGER USER")
        yield
        connection.exec_driver_sql("ALTER TABLE audit_event ENABLE TRIGGER USER")
        return
    triggers = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'"
    ).all()
    for name, _sql in triggers:
        connection.exec_driver_sql(f"DROP TRIGGER {name}")
    yield
    for _name, sql in triggers:
        connection.exec_driver_sql(sql)


_DATABASES = pytest.StashKey[dict[str, AppDatabase]]()


def migrated_database(
    config: pytest.Config, backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AppDatabase:
    """This session's database on `backend`, created and migrated the first time it is asked for."""
    databases = config.stash.setdefault(_DATABASES, {})
    if backend not in databases:
        if backend == "sqlite":
            url = str(tmp_path_factory.mktemp("appdb") / "commontable.db")
        else:
            url = _new_postgres_database(config)
        upgrade(url)
        engine = create_engine(url)
        keep_audit(engine, AuditKey(bytes.fromhex(TEST_AUDIT_KEY)))
        config.add_cleanup(engine.dispose)
        schema = sa.MetaData()
        schema.reflect(engine)
        tables = [t for t in reversed(schema.sorted_tables) if t.name != "alembic_version"]
        databases[backend] = AppDatabase(backend, str(engine.url), engine, tables)
    return databases[backend]


def _new_postgres_database(config: pytest.Config) -> str:
    """A fresh database with a name no other worker or run uses; dropped when the session ends."""
    name = f"commontable_test_{os.getpid()}_{secrets.token_hex(4)}"
    server = sa.create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except OperationalError as error:
        unreachable = " ".join(str(error.orig).split())
    else:
        unreachable = ""
    if unreachable:
        server.dispose()
        pytest.fail(
            f"PostgreSQL is not reachable at {describe(POSTGRES_SERVER)}: {unreachable}\n"
            "Start it, point COMMONTABLE_TEST_POSTGRES at a server where you may create "
            "databases, or leave these tests out with -m 'not postgres'.",
            pytrace=False,
        )

    def drop() -> None:
        with server.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.dispose()

    # Cleanups run last first: the session's engine is disposed before the database is dropped.
    config.add_cleanup(drop)
    return sa.make_url(POSTGRES_SERVER).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def app_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppDatabase]:
    """A migrated app DB on each backend, empty at the start of every test."""
    database = migrated_database(request.config, request.param, tmp_path_factory)
    yield database
    database.clear()


@pytest.fixture
def db(app_db: AppDatabase) -> Iterator[Session]:
    """A session on the app DB; closing it rolls back whatever the test did not commit."""
    session = session_factory(app_db.engine)()
    try:
        yield session
    finally:
        session.close()
