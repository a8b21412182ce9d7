"""The Alembic migrations build exactly the schema the models declare, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from commontable.app_tables import METADATA
from commontable.appdb import (
    create_engine,
    current_revision,
    differences,
    head_revision,
    require_current,
    upgrade,
)
from commontable.appdb.migrate import alembic_config
from commontable.errors import ConfigError
from tests.app_fixtures import AppDatabase


def test_upgrade_creates_every_table_of_the_models(app_db: AppDatabase) -> None:
    tables = set(sa.inspect(app_db.engine).get_table_names())
    assert tables == set(METADATA.tables) | {"alembic_version"}


def test_migrated_schema_matches_the_models(app_db: AppDatabase) -> None:
    assert differences(app_db.engine, METADATA) == []


def test_every_check_constraint_of_the_models_is_in_the_database(app_db: AppDatabase) -> None:
    inspector = sa.inspect(app_db.engine)
    for table in METADATA.sorted_tables:
        declared = {c.name for c in table.constraints if isinstance(c, sa.CheckConstraint)}
        found = {c["name"] for c in inspector.get_check_constraints(table.name)}
        assert declared == found, table.name


def test_the_database_is_at_the_newest_revision(app_db: AppDatabase) -> None:
    assert current_revision(app_db.engine) == head_revision()
    require_current(app_db.engine)


def test_upgrading_an_up_to_date_database_changes_nothing(app_db: AppDatabase) -> None:
    assert upgrade(app_db.url) == head_revision()
    assert differences(app_db.engine, METADATA) == []


def test_a_plain_file_path_becomes_a_sqlite_database(tmp_path: Path) -> None:
    assert upgrade(str(tmp_path / "app.db")) == head_revision()
    assert (tmp_path / "app.db").exists()


def test_downgrade_to_base_removes_every_table(tmp_path: Path) -> None:
    from alembic import command

    engine = create_engine(str(tmp_path / "app.db"))
    upgrade(str(tmp_path / "app.db"))
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert set(sa.inspect(engine).get_table_names()) == {"alembic_version"}
    engine.dispose()


def test_a_missing_database_file_says_to_run_db_upgrade(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"not initialised .* run `commontable db upgrade`"):
        require_current(create_engine(str(tmp_path / "none.db")))
    assert not (tmp_path / "none.db").exists()


def test_an_empty_database_says_to_run_db_upgrade(tmp_path: Path) -> None:
    (tmp_path / "empty.db").touch()
    with pytest.raises(ConfigError, match="not initialised; run `commontable db upgrade`"):
        require_current(create_engine(str(tmp_path / "empty.db")))


def test_an_unreachable_server_names_the_database_and_the_setting() -> None:
    url = "postgresql://someone:secret@127.0.0.1:1/commontable"
    with pytest.raises(ConfigError, match="cannot open the app DB .*check the app_db setting") as e:
        upgrade(url)
    assert "secret" not in str(e.value)
