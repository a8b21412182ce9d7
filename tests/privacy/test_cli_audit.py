"""`commontable audit verify` from the command line: OK, or exit 1 at the first break."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from commontable.appdb import transaction
from commontable.cli import app
from commontable.privacy import AuditAction, AuditEvent, record
from tests.app_fixtures import AppDatabase

runner = CliRunner()


def verify_command(app_db: AppDatabase, workspace: Path) -> tuple[int, str]:
    env = {"COMMONTABLE_APP_DB": app_db.url}
    result = runner.invoke(app, ["audit", "verify", "-w", str(workspace)], env=env)
    return result.exit_code, result.output


def test_audit_verify_reports_an_intact_log(app_db: AppDatabase, tmp_path: Path) -> None:
    with transaction(app_db.engine) as session:
        record(session, AuditAction.SIGN_IN, actor_person_id=1)
    code, output = verify_command(app_db, tmp_path)
    assert code == 0, output
    assert "audit log OK: 1 entries" in output


def test_audit_verify_exits_1_at_an_altered_entry(app_db: AppDatabase, tmp_path: Path) -> None:
    with transaction(app_db.engine) as session:
        entry_id = record(session, AuditAction.SIGN_IN, actor_person_id=1).id
    table = AuditEvent.__table__
    with app_db.engine.begin() as connection:
        connection.execute(table.update().where(table.c.id == entry_id).values(target="x"))
    code, output = verify_command(app_db, tmp_path)
    assert code == 1
    assert f"audit log BROKEN at entry {entry_id}" in output
