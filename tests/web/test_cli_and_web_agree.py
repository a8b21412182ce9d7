"""The command line and the web are two faces of the same actions: the same submission log, the
same quarantined values in the same order, and the same audit entries."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from commontable.appdb import transaction
from commontable.audit import AuditAction, entries
from commontable.cli import app
from commontable.config import Settings
from commontable.members import Role
from tests.app_fixtures import AppDatabase
from tests.identity.test_match_review_pages import queue  # noqa: F401  (the review queue fixture)
from tests.warehouse.test_submission_pages import CLAIMS, PATIENTS, upload
from tests.web.conftest import Region, signed_in

runner = CliRunner()
CLINIC = "riverside-community-clinic"


@pytest.fixture
def both(
    client: TestClient, region: Region, app_db: AppDatabase, settings: Settings, tmp_path: Path
) -> dict[str, str]:
    """Cascade's eligibility uploaded on the web (submission 1), Riverside's patients loaded from
    the command line (submission 2); the steward signed in. The command line's environment."""
    submitter = signed_in(client, app_db, region.people[Role.DATA_SUBMITTER])
    upload(client, region.own.id, submitter, CLAIMS)
    folder = tmp_path / "from-the-clinic"
    folder.mkdir()
    (folder / PATIENTS[0]).write_bytes(PATIENTS[1])
    env = {"COMMONTABLE_APP_DB": app_db.url}
    loaded = runner.invoke(
        app, ["load", str(folder), "--source", CLINIC, "-w", str(settings.workspace)], env=env
    )
    assert loaded.exit_code == 0, loaded.output
    signed_in(client, app_db, region.steward)
    return env


def _cli(settings: Settings, env: dict[str, str], *args: str) -> str:
    result = runner.invoke(app, [*args, "-w", str(settings.workspace)], env=env, terminal_width=200)
    assert result.exit_code == 0, result.output
    return result.output


def test_the_submission_log_is_the_same_on_both(
    client: TestClient, settings: Settings, both: dict[str, str]
) -> None:
    on_the_web = [row["submission_id"] for row in client.get("/api/submissions").json()]
    listed = _cli(settings, both, "submissions")
    on_the_command_line = [int(n) for n in re.findall(r"^│\s+(\d+)\s+│", listed, re.MULTILINE)]
    assert on_the_web == on_the_command_line == [2, 1]


def test_the_quarantine_csv_is_the_same_on_both(
    client: TestClient, settings: Settings, both: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "quarantine.csv"
    _cli(settings, both, "quarantine", "--submission", "2", "--out", str(out))
    downloaded = client.get("/submissions/2/quarantine.csv").text
    assert out.read_text() == downloaded
    assert "1980-02-30" in downloaded


def test_both_write_the_same_audit_entries(
    client: TestClient, settings: Settings, both: dict[str, str], app_db: AppDatabase
) -> None:
    _cli(settings, both, "quarantine", "--submission", "2")
    client.get("/submissions/2")
    with transaction(app_db.engine) as session:
        web_upload, cli_upload = entries(session, action=AuditAction.UPLOAD_SUBMISSION)
        [web_view] = entries(session, action=AuditAction.VIEW_SUBMISSION)  # the page
        [cli_view] = entries(session, action=AuditAction.VIEW_QUARANTINE)  # as the API's
    assert (web_upload.target, cli_upload.target) == ("submission 1", "submission 2")
    shared = {"files", "status", "rows_read", "rows_loaded", "rows_quarantined", "message"}
    assert shared <= set(web_upload.details) & set(cli_upload.details)
    assert cli_upload.details["via"] == "command line"
    assert cli_view.target == web_view.target == "submission 2"


@pytest.mark.usefixtures("queue")
def test_the_review_queue_is_the_same_on_both_and_both_look_at_it_audited(
    client: TestClient, region: Region, app_db: AppDatabase, settings: Settings
) -> None:
    signed_in(client, app_db, region.steward)
    pairs = client.get("/api/match-review").json()["pairs"]
    on_the_web = [(p["left"]["source_person_id"], p["right"]["source_person_id"]) for p in pairs]
    listed = _cli(settings, {"COMMONTABLE_APP_DB": app_db.url}, "review", "list")
    row = re.compile(r"^│ [\w-]+:(\w+)\s+│ \w+\s+│ [\w-]+:(\w+)\s+│", re.MULTILINE)
    assert row.findall(listed) == on_the_web == [("c1", "r9"), ("c1", "c3")]  # best first
    with transaction(app_db.engine) as session:
        web, cli = entries(session, action=AuditAction.VIEW_MATCH_REVIEW)
    assert cli.details["via"] == "command line"
    assert web.details["pairs_shown"] == cli.details["pairs_shown"] == 2
