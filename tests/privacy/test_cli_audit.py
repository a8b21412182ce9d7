"""`commontable audit verify` from the command line: OK, or exit 1 at the first break, including
entries cut off the end (found by the workspace's head file)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from commontable.appdb import transaction
from commontable.audit import AuditAction, AuditEvent, app_db_engine, record
from commontable.cli import app
from commontable.config import load_settings
from tests.app_fixtures import AppDatabase, unguarded_audit

runner = CliRunner()
TABLE = AuditEvent.__table__


def verify_command(app_db: AppDatabase, workspace: Path) -> tuple[int, str]:
    env = {"COMMONTABLE_APP_DB": app_db.url}
    result = runner.invoke(app, ["audit", "verify", "-w", str(workspace)], env=env)
    return result.exit_code, result.output


def write_entries(app_db: AppDatabase, workspace: Path, count: int) -> list[int]:
    """Entries written as the web app and the CLI write them: keyed, heads in the workspace."""
    engine = app_db_engine(load_settings(workspace, app_db=app_db.url))
    try:
        ids = []
        for person in range(count):
            with transaction(engine) as session:
                ids.append(record(session, AuditAction.SIGN_IN, actor_person_id=person).id)
        return ids
    finally:
        engine.dispose()


def test_audit_verify_reports_an_intact_log(app_db: AppDatabase, tmp_path: Path) -> None:
    write_entries(app_db, tmp_path, 1)
    code, output = verify_command(app_db, tmp_path)
    assert code == 0, output
    assert "audit log OK: 1 entries" in output


def test_audit_verify_exits_1_at_an_altered_entry(app_db: AppDatabase, tmp_path: Path) -> None:
    [entry_id] = write_entries(app_db, tmp_path, 1)
    with app_db.engine.begin() as connection, unguarded_audit(connection):
        connection.execute(TABLE.update().where(TABLE.c.id == entry_id).values(target="x"))
    code, output = verify_command(app_db, tmp_path)
    assert code == 1
    assert f"audit log BROKEN at entry {entry_id}" in output


def test_audit_verify_exits_1_when_the_newest_entries_are_cut_off(
    app_db: AppDatabase, tmp_path: Path
) -> None:
    ids = write_entries(app_db, tmp_path, 3)
    with app_db.engine.begin() as connection, unguarded_audit(connection):
        connection.execute(TABLE.delete().where(TABLE.c.id == ids[-1]))
    code, output = verify_command(app_db, tmp_path)
    assert code == 1
    assert f"audit log BROKEN at entry {ids[-1]}" in output
    assert "cut off" in output
