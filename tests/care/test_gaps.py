"""Care gaps: who in an organization's attributed population is in a measure's denominator and
does not meet it, since when; shown and exported to that organization's care team only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from commontable.appdb import transaction
from commontable.audit import AuditEvent, app_db_engine
from commontable.care.gaps import open_gaps, refresh_gaps
from commontable.cli import app
from commontable.config import load_settings
from commontable.members import OrganizationType, Role, add_organization, add_person
from commontable.members.login_sessions import start_login_session
from commontable.warehouse import Warehouse, writing
from commontable.warehouse.schema import MEASURE_PATIENT
from commontable.web import create_app

COOKIE = "commontable_session"


def patient(person: str, measure: str, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(MEASURE_PATIENT.names)
    row.update(person_id=person, measure_id=measure, period=2025, initial_population=True,
               denominator=True, denominator_exclusion=False, denominator_exception=False,
               numerator=False, clinic="ORG-A")  # fmt: skip
    row.update(values)
    return row


def measured(store: Warehouse, *rows: dict[str, Any]) -> None:
    table = pa.Table.from_pylist(list(rows), schema=MEASURE_PATIENT.to_pyarrow())
    store.replace({"measure_patient": table})


def gaps(store: Warehouse, today: date = date(2026, 1, 5)) -> set[tuple[str, str]]:
    found = open_gaps(store, today).to_pyarrow().to_pylist()
    return {(row["person_id"], row["measure_id"]) for row in found}


def test_an_unmet_screening_is_a_gap_and_a_met_one_is_not(warehouse: Warehouse) -> None:
    measured(warehouse, patient("P1", "CMS125"), patient("P2", "CMS125", numerator=True))
    assert gaps(warehouse) == {("P1", "CMS125")}


def test_exclusions_and_exceptions_are_not_gaps(warehouse: Warehouse) -> None:
    measured(warehouse, patient("P1", "CMS125", denominator_exclusion=True),
             patient("P2", "CMS125", denominator_exception=True))  # fmt: skip
    assert gaps(warehouse) == set()


def test_where_less_is_better_meeting_the_numerator_is_the_gap(warehouse: Warehouse) -> None:
    measured(warehouse, patient("P1", "CMS122", numerator=True), patient("P2", "CMS122"))
    assert gaps(warehouse) == {("P1", "CMS122")}


def test_a_discharge_without_follow_up_is_a_gap_but_a_readmission_and_a_rate_are_not(
    warehouse: Warehouse,
) -> None:
    measured(
        warehouse,
        patient("P1", "FU7-DISCHARGE", event_id="S1", event_date=date(2025, 6, 1)),
        patient("P2", "HWR-30", event_id="S2", numerator=True),
        patient("P3", "ED-VISITS", numerator=True),
    )
    assert gaps(warehouse) == {("P1", "FU7-DISCHARGE")}


def test_only_the_latest_period_of_a_measure_counts(warehouse: Warehouse) -> None:
    measured(warehouse, patient("P1", "CMS125", period=2024), patient("P2", "CMS125"))
    assert gaps(warehouse) == {("P2", "CMS125")}


def test_a_gap_keeps_the_day_it_opened_across_runs(warehouse: Warehouse) -> None:
    measured(warehouse, patient("P1", "CMS125"))
    refresh_gaps(warehouse, today=date(2026, 1, 5))
    measured(warehouse, patient("P1", "CMS125"), patient("P2", "CMS125"))
    refresh_gaps(warehouse, today=date(2026, 2, 5))
    rows = warehouse.table("care_gap").to_pyarrow().to_pylist()
    assert {r["person_id"]: r["opened_on"] for r in rows} == {
        "P1": date(2026, 1, 5),
        "P2": date(2026, 2, 5),
    }


@dataclass
class Clinic:
    web: TestClient
    workspace: Path


@pytest.fixture
def clinic(tmp_path: Path) -> Iterator[Clinic]:
    """Clinic A's care team; gaps of clinic A's and clinic B's people in the reading copy."""
    assert CliRunner().invoke(app, ["init", str(tmp_path)]).exit_code == 0
    settings = load_settings(tmp_path)
    with writing(settings, refresh=True) as store:
        measured(store, patient("P1", "CMS125"), patient("P2", "CMS165"),
                 patient("P9", "CMS125", clinic="ORG-B"))  # fmt: skip
        refresh_gaps(store)
    engine = app_db_engine(settings)
    with transaction(engine) as session:
        member = add_organization(session, "Clinic A", OrganizationType.CLINIC)
        member.roster_id = "ORG-A"
        person = add_person(session, "care@a.example", "Care", member, roles=[Role.CARE_TEAM])
        secret = start_login_session(session, person)
    engine.dispose()
    with TestClient(create_app(settings)) as web:
        web.cookies.set(COOKIE, secret)
        yield Clinic(web, tmp_path)


def test_a_care_team_sees_its_own_organizations_gaps_only(clinic: Clinic) -> None:
    shown = clinic.web.get("/api/care/gaps").json()
    assert {g["person_id"] for g in shown["gaps"]} == {"P1", "P2"}
    page = clinic.web.get("/care/gaps").text
    assert "<code>P9</code>" not in page
    assert "<code>P1</code>" in page


def test_the_csv_holds_the_organizations_gaps_only(clinic: Clinic) -> None:
    text = clinic.web.get("/care/gaps.csv").text
    lines = text.strip().splitlines()
    assert lines[0].startswith("person_id,measure_id")
    assert sorted(line.split(",")[0] for line in lines[1:]) == ["P1", "P2"]


def test_every_view_and_download_of_gaps_is_audited(clinic: Clinic) -> None:
    clinic.web.get("/care/gaps")
    clinic.web.get("/care/gaps.csv")
    engine = app_db_engine(load_settings(clinic.workspace))
    with transaction(engine) as session:
        actions = list(session.scalars(select(AuditEvent.action)))
    engine.dispose()
    assert {"view-care-gaps", "download-care-gaps"} <= set(actions)
