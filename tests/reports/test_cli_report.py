"""`commontable report build`: builds from the workspace's app DB, says where, notes it for the
web app, and leaves every patient-level value in the warehouse behind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from commontable.cli import app
from commontable.errors import UserError
from commontable.warehouse import connect, load_submission
from tests.app_fixtures import AppDatabase
from tests.reports.region import publish_region
from tests.reports.test_suppression import texts

# A member's eligibility file in the workspace's warehouse: values that exist only there.
PATIENTS = (
    "person_id,gender,birth_date,enrollment_start_date,enrollment_end_date,payer,payer_type,plan\n"
    "ZQX-PATIENT-7731,female,1933-07-29,2025-01-01,2025-12-31,Zyxwv Mutual,commercial,PPO\n"
)


@pytest.fixture
def workspace(tmp_path: Path, db: Session, app_db: AppDatabase) -> Path:
    """A workspace whose app DB holds the published region and whose warehouse holds a patient."""
    publish_region(db)
    db.commit()
    (tmp_path / "commontable.toml").write_text(f'app_db = "{app_db.url}"\n')
    (tmp_path / "eligibility.csv").write_text(PATIENTS)
    with connect(str(tmp_path / "warehouse.duckdb")) as store:
        load_submission(store, tmp_path / "eligibility.csv", "cascade-health-plan")
    return tmp_path


def build(workspace: Path, *args: str) -> str:
    result = CliRunner().invoke(
        app, ["report", "build", "--workspace", str(workspace), *args], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_report_build_says_what_it_built_and_where(workspace: Path) -> None:
    out = workspace / "public"
    said = build(workspace, "--period", "2025", "--out", str(out), "--no-pdf")
    # index, methods, impact, five measures, the scorecards' index and ten scorecards
    assert said.lstrip().startswith("report: 19 pages, ")  # after the progress bar
    assert "cost figures withheld" in said
    assert str(out / "index.html") in said
    note = json.loads((workspace / "latest-report.json").read_text())
    assert note == {"period": 2025, "site": str(out.resolve())}


def test_no_patient_level_value_reaches_the_site(workspace: Path) -> None:
    out = workspace / "public"
    build(workspace, "--period", "2025", "--out", str(out), "--no-pdf")
    patient = ("ZQX-PATIENT-7731", "1933-07-29", "Zyxwv Mutual")
    assert not [(v, p.name) for p, text in texts(out).items() for v in patient if v in text]


def test_an_unpublished_period_is_refused(workspace: Path) -> None:
    with pytest.raises(UserError, match="no published results for 2031"):
        CliRunner().invoke(
            app,
            ["report", "build", "--workspace", str(workspace), "--period", "2031",
             "--out", str(workspace / "x")],
            catch_exceptions=False,
        )  # fmt: skip
