"""`commontable measure run` prints the collaborative's result per measure and one summary line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from commontable.appdb import transaction
from commontable.audit import app_db_engine
from commontable.care.models import CareEvent, CareSetting, EventKind
from commontable.cli import app
from commontable.config import load_settings
from commontable.errors import UserError
from commontable.measures.library import MEASURES
from commontable.warehouse import connect
from tests.measures.tiny_region import TinyRegion

runner = CliRunner()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli") / "ws"
    assert runner.invoke(app, ["init", str(folder)]).exit_code == 0
    region = TinyRegion()
    region.person("ann", "1960-05-01")
    region.visit("ann", "2025-03-01")
    region.claim("ann", "2025-04-01", hcpcs_code="77067")
    with connect(str(folder / "warehouse.duckdb")) as warehouse:
        region.write(warehouse)
    return folder


def test_measure_run_prints_each_measures_collaborative_result(workspace: Path) -> None:
    result = runner.invoke(
        app, ["measure", "run", "--period", "2025", "-w", str(workspace)], terminal_width=200
    )
    assert result.exit_code == 0, result.output
    assert "Breast Cancer Screening" in result.output
    assert "100.0%" in result.output
    assert f"measure: {len(MEASURES)} measures for 2025:" in result.output


def test_measure_run_computes_only_the_measures_asked_for(workspace: Path) -> None:
    args = ["measure", "run", "--period", "2025", "--measure", "cms125", "-w", str(workspace)]
    result = runner.invoke(app, args, terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "measure: 1 measure for 2025:" in result.output
    assert "ED-VISITS" not in result.output


def test_measure_run_refuses_an_unknown_measure(workspace: Path) -> None:
    args = ["measure", "run", "--period", "2025", "--measure", "CMS9", "-w", str(workspace)]
    result = runner.invoke(app, args)
    assert isinstance(result.exception, UserError)
    assert "CMS125" in str(result.exception)


def test_measure_run_copies_what_the_care_teams_were_told(workspace: Path) -> None:
    engine = app_db_engine(load_settings(workspace))
    with transaction(engine) as session:
        session.add(
            CareEvent(
                data_source="lake-hospital",
                message_control_id="MSG-1",
                trigger="A03",
                kind=EventKind.DISCHARGE,
                setting=CareSetting.INPATIENT,
                person_id="P-ann",
                source_person_id="LH-ann",
                occurred_at=datetime(2025, 3, 10, 14, tzinfo=UTC),
                entitled=1,
            )
        )
    engine.dispose()
    args = ["measure", "run", "--period", "2025", "--measure", "CMS125"]
    result = runner.invoke(app, [*args, "-w", str(workspace)], terminal_width=200)
    assert result.exit_code == 0, result.output
    with connect(str(workspace / "warehouse.duckdb")) as warehouse:
        notices = warehouse.table("care_notice").to_pyarrow().to_pylist()
    assert [(n["message_control_id"], n["entitled"]) for n in notices] == [("MSG-1", 1)]
