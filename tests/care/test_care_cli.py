"""`commontable care team`, `care follow`, `care consent`, `care part2`: care teams set up and fed
from the command line, each change audited."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from commontable.appdb import transaction
from commontable.audit import app_db_engine
from commontable.care.models import Consent, ConsentDecision, Part2Program, Subscription
from commontable.cli import app
from commontable.config import load_settings
from commontable.members import find_organization
from commontable.warehouse import connect
from commontable.warehouse.schema import MEASURE_PATIENT

runner = CliRunner()
CLINIC = "Riverside Community Clinic"


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    run("init", str(tmp_path))
    run("org", "add", CLINIC, "--type", "clinic", "-w", str(tmp_path))
    run("care", "team", "add", CLINIC, "Riverside care team", "-w", str(tmp_path))
    return tmp_path


def followed(workspace: Path) -> dict[str, str]:
    engine = app_db_engine(load_settings(workspace))
    with transaction(engine) as session:
        rows = session.scalars(select(Subscription).where(Subscription.ended_at.is_(None)))
        found = {row.person_id: row.source.value for row in rows}
    engine.dispose()
    return found


def _crosswalk(workspace: Path, source: str, pairs: dict[str, str]) -> None:
    rows = pa.table({
        "data_source": [source] * len(pairs),
        "source_person_id": list(pairs),
        "person_id": list(pairs.values()),
        "match_probability": [1.0] * len(pairs),
        "match_method": ["deterministic"] * len(pairs),
        "matched_at": [datetime(2025, 1, 1)] * len(pairs),
    })  # fmt: skip
    with connect(str(workspace / "warehouse.duckdb")) as store:
        store.replace({"person_crosswalk": rows})


def test_a_team_follows_people_one_at_a_time(workspace: Path) -> None:
    out = run("care", "follow", CLINIC, "Riverside care team", "--person-id", "P000000001",
              "--person-id", "p000000002", "-w", str(workspace))  # fmt: skip
    assert "follows 2 people" in out
    assert followed(workspace) == {"P000000001": "one_person", "P000000002": "one_person"}


def test_a_roster_of_the_clinics_own_patient_ids_is_matched_through_the_crosswalk(
    workspace: Path,
) -> None:
    _crosswalk(workspace, "riverside-community-clinic", {"MRN1": "P000000007"})
    roster = workspace / "roster.csv"
    roster.write_text("patient_id,name\nMRN1,Ana\nMRN2,Ben\n")
    result = runner.invoke(app, ["care", "follow", CLINIC, "Riverside care team", "--roster",
                                 str(roster), "-w", str(workspace)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "patient id MRN2: no person matched to it yet" in result.output
    assert followed(workspace) == {"P000000007": "roster"}


def test_a_fhir_group_roster_names_the_clinics_patients(workspace: Path) -> None:
    _crosswalk(workspace, "riverside-community-clinic", {"MRN1": "P000000007"})
    group = {"resourceType": "Group", "type": "person", "membership": "enumerated",
             "member": [{"entity": {"reference": "Patient/MRN1"}}]}  # fmt: skip
    (workspace / "group.json").write_text(json.dumps(group))
    run("care", "follow", CLINIC, "Riverside care team", "--roster",
        str(workspace / "group.json"), "-w", str(workspace))  # fmt: skip
    assert followed(workspace) == {"P000000007": "roster"}


def test_an_invalid_fhir_group_is_rejected_whole(workspace: Path) -> None:
    (workspace / "group.json").write_text('{"resourceType": "Group", "type": "bogus"}')
    result = runner.invoke(app, ["care", "follow", CLINIC, "Riverside care team", "--roster",
                                 str(workspace / "group.json"), "-w", str(workspace)])  # fmt: skip
    assert result.exit_code != 0
    assert "not a valid FHIR Group" in str(result.exception)
    assert followed(workspace) == {}


def _attributed(workspace: Path) -> None:
    """The last measure run: P1 at Riverside in 2024, P2 there in 2025, P3 at Hilltop."""
    engine = app_db_engine(load_settings(workspace))
    with transaction(engine) as session:
        find_organization(session, CLINIC).roster_id = "ORG-RIVERSIDE"
    engine.dispose()
    names = MEASURE_PATIENT.names
    rows = [
        {**dict.fromkeys(names), "person_id": person, "measure_id": "m", "period": period,
         "clinic": clinic}
        for person, period, clinic in [("P000000001", 2024, "ORG-RIVERSIDE"),
                                       ("P000000002", 2025, "ORG-RIVERSIDE"),
                                       ("P000000003", 2025, "ORG-HILLTOP")]
    ]  # fmt: skip
    table = pa.Table.from_pylist(rows, schema=MEASURE_PATIENT.to_pyarrow())
    with connect(str(workspace / "warehouse.duckdb")) as store:
        store.replace({"measure_patient": table})


def test_a_team_follows_the_people_attributed_to_its_organization(workspace: Path) -> None:
    _attributed(workspace)
    run("care", "follow", CLINIC, "Riverside care team", "--attributed", "-w", str(workspace))
    assert followed(workspace) == {"P000000002": "attribution"}  # the latest year's only


def test_a_chw_hub_follows_the_people_attributed_to_the_organization_it_serves(
    workspace: Path,
) -> None:
    _attributed(workspace)
    run("org", "add", "Community Hub", "--type", "cbo", "-w", str(workspace))
    run(
        "care", "team", "add", "Community Hub", "CHW hub", "--kind", "chw_hub", "-w", str(workspace)
    )
    run("care", "follow", "Community Hub", "CHW hub", "--attributed", "--attributed-to", CLINIC,
        "-w", str(workspace))  # fmt: skip
    assert followed(workspace) == {"P000000002": "attribution"}


def test_consent_decisions_are_recorded_as_the_member_sent_them(workspace: Path) -> None:
    (workspace / "opt-outs.csv").write_text("person_id\nP000000001\nP000000002\n")
    run("care", "consent", str(workspace / "opt-outs.csv"), "--decision", "opt_out",
        "--source", CLINIC, "-w", str(workspace))  # fmt: skip
    engine = app_db_engine(load_settings(workspace))
    with transaction(engine) as session:
        decisions = session.scalars(select(Consent.decision)).all()
    engine.dispose()
    assert decisions == [ConsentDecision.OPT_OUT, ConsentDecision.OPT_OUT]


def test_opt_outs_by_the_members_own_patient_ids_are_matched_through_the_crosswalk(
    workspace: Path,
) -> None:
    _crosswalk(workspace, "riverside-community-clinic", {"MRN1": "P000000007"})
    (workspace / "opt-outs.csv").write_text("patient_id\nMRN1\nMRN2\n")
    result = runner.invoke(app, ["care", "consent", str(workspace / "opt-outs.csv"),
                                 "--decision", "opt_out", "--source", CLINIC,
                                 "-w", str(workspace)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "opt_out recorded for 1 people" in result.output
    assert "patient id MRN2: no person matched to it yet" in result.output
    engine = app_db_engine(load_settings(workspace))
    with transaction(engine) as session:
        people = session.scalars(select(Consent.person_id)).all()
    engine.dispose()
    assert people == ["P000000007"]


def test_a_part2_program_is_registered(workspace: Path) -> None:
    run(
        "care", "part2", CLINIC, "RCC-RECOVERY", "--name", "Recovery services", "-w", str(workspace)
    )
    engine = app_db_engine(load_settings(workspace))
    with transaction(engine) as session:
        program = session.scalars(select(Part2Program)).one()
    engine.dispose()
    assert (program.data_source, program.facility) == ("riverside-community-clinic", "RCC-RECOVERY")


def test_the_team_list_says_what_each_team_hears_and_how_many_it_follows(workspace: Path) -> None:
    run("care", "follow", CLINIC, "Riverside care team", "--person-id", "P000000001",
        "-w", str(workspace))  # fmt: skip
    out = run("care", "team", "list", "-w", str(workspace))
    assert "Riverside care team" in out
    assert "emergency, inpatient" in out
