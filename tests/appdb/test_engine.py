"""Connecting: settings become URLs, and SQLite behaves like PostgreSQL where it matters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from commontable.appdb import create_engine, database_url, describe, transaction
from commontable.errors import ConfigError
from commontable.members.models import Organization, OrganizationType, Site, SiteType
from tests.app_fixtures import AppDatabase


def test_a_plain_path_is_a_sqlite_file() -> None:
    assert database_url("/srv/ws/commontable.db") == "sqlite:////srv/ws/commontable.db"


def test_a_relative_path_is_made_absolute() -> None:
    assert database_url("app.db") == f"sqlite:///{Path.cwd() / 'app.db'}"


def test_postgresql_urls_use_the_installed_psycopg_driver() -> None:
    assert database_url("postgresql://ct@db/ct") == "postgresql+psycopg://ct@db/ct"
    assert database_url("postgres://ct@db/ct") == "postgresql+psycopg://ct@db/ct"
    assert database_url("postgresql+psycopg://ct@db/ct") == "postgresql+psycopg://ct@db/ct"


def test_printed_urls_hide_the_password() -> None:
    assert describe("postgresql+psycopg://ct:hunter2@db/ct") == "postgresql+psycopg://ct:***@db/ct"


def test_a_sqlite_file_in_a_missing_folder_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        create_engine(str(tmp_path / "nowhere" / "app.db"))


def test_foreign_keys_are_enforced(db: Session) -> None:
    db.add(
        Site(
            organization_id=999,
            name="Main",
            type=SiteType.CLINIC,
            address="1 Main St",
            city="Tacoma",
            state="WA",
            zip_code="98402",
        )
    )
    with pytest.raises(IntegrityError):
        db.flush()


def test_allowed_values_are_checked_by_the_database(db: Session) -> None:
    insert = sa.text(
        "INSERT INTO organizations (name, type, created_at) "
        "VALUES ('Acme', 'spaceship', '2025-01-01 00:00:00')"
    )
    with pytest.raises(IntegrityError):
        db.execute(insert)


def test_timestamps_come_back_timezone_aware_in_utc(db: Session) -> None:
    pacific = timezone(timedelta(hours=-8))
    organization = Organization(
        name="Acme",
        type=OrganizationType.CLINIC,
        created_at=datetime(2025, 1, 2, 8, 0, tzinfo=pacific),
    )
    db.add(organization)
    db.flush()
    db.expire_all()
    assert organization.created_at == datetime(2025, 1, 2, 16, 0, tzinfo=UTC)
    assert organization.created_at.utcoffset() == timedelta(0)


def test_naive_timestamps_are_refused(db: Session) -> None:
    db.add(Organization(name="Acme", type=OrganizationType.CLINIC, created_at=datetime(2025, 1, 2)))
    with pytest.raises(StatementError, match="naive datetime"):
        db.flush()


def test_a_savepoint_rolls_back_alone(db: Session) -> None:
    db.add(Organization(name="Kept", type=OrganizationType.CLINIC))
    with db.begin_nested() as savepoint:
        db.add(Organization(name="Undone", type=OrganizationType.CLINIC))
        db.flush()
        savepoint.rollback()
    names = db.scalars(sa.select(Organization.name)).all()
    assert names == ["Kept"]


def test_transaction_commits_when_the_block_ends(app_db: AppDatabase) -> None:
    with transaction(app_db.engine) as session:
        session.add(Organization(name="Acme", type=OrganizationType.CLINIC))
    with transaction(app_db.engine) as session:
        assert session.scalars(sa.select(Organization.name)).all() == ["Acme"]


def test_transaction_rolls_back_when_the_block_raises(app_db: AppDatabase) -> None:
    def add_then_fail() -> None:
        with transaction(app_db.engine) as session:
            session.add(Organization(name="Acme", type=OrganizationType.CLINIC))
            session.flush()
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        add_then_fail()
    with transaction(app_db.engine) as session:
        assert session.scalars(sa.select(Organization.name)).all() == []
