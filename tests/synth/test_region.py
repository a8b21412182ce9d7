"""The region's shape: organizations, identifiers, files, determinism, truth kept apart."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pyarrow.parquet as pq

from commontable.synth import RegionSummary, generate_region
from commontable.synth.identifiers import npi_valid
from commontable.warehouse.contracts import CONTRACTS
from commontable.warehouse.readers import table_for


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "planted.json"  # planted.json records seconds taken
    }


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    generate_region(people=400, seed=3, out=tmp_path / "a")
    generate_region(people=400, seed=3, out=tmp_path / "b")
    generate_region(people=400, seed=4, out=tmp_path / "c")
    first, again = _digest(tmp_path / "a"), _digest(tmp_path / "b")
    assert first == again
    assert first != _digest(tmp_path / "c")


def test_summary_lists_every_file_written(region: tuple[Path, RegionSummary]) -> None:
    out, summary = region
    written = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    assert written == set(summary.files)
    assert summary.people == 3_000
    assert summary.seconds > 0


def test_region_has_three_plans_two_hospitals_fifteen_clinics_in_four_groups(sources: Path) -> None:
    orgs = _rows(sources / "finger-lakes-common-table" / "organization.csv")
    kinds = [o["organization_type"] for o in orgs]
    plans = {o["payer_type"] for o in orgs if o["organization_type"] == "health plan"}
    assert plans == {"commercial", "medicare advantage", "medicaid"}
    assert kinds.count("hospital") == 2
    assert kinds.count("clinic") == 15
    assert kinds.count("cbo") == 5
    assert kinds.count("public health") == 1
    assert kinds.count("employer") >= 3
    groups = {o["organization_id"] for o in orgs if o["organization_type"] == "medical group"}
    assert len(groups) == 4
    assert {
        o["parent_organization_id"] for o in orgs if o["organization_type"] == "clinic"
    } == groups


def test_every_npi_has_a_valid_check_digit(sources: Path) -> None:
    orgs = _rows(sources / "finger-lakes-common-table" / "organization.csv")
    staff = _rows(sources / "finger-lakes-common-table" / "practitioner.csv")
    npis = [o["npi"] for o in orgs if o["npi"]] + [s["npi"] for s in staff]
    claims = _rows(sources / "finger-lakes-health-plan" / "medical_claim.csv")
    npis += [
        c[k]
        for c in claims[:2000]
        for k in ("rendering_npi", "billing_npi", "facility_npi")
        if c[k]
    ]
    assert len(npis) > 100
    assert all(npi_valid(n) for n in npis)
    assert all(len(o["tin"]) == 9 and o["tin"].isdigit() for o in orgs)


def test_csv_columns_belong_to_the_contract(sources: Path) -> None:
    checked = 0
    for path in sorted(sources.rglob("*")):
        if path.suffix == ".csv":
            with path.open(newline="") as handle:
                columns = next(csv.reader(handle))
        elif path.suffix == ".parquet":
            columns = pq.read_schema(path).names
        else:
            continue
        table = table_for(path)
        allowed = {c.name for c in CONTRACTS[table].submitted_columns}
        assert set(columns) <= allowed, (path.name, set(columns) - allowed)
        assert set(CONTRACTS[table].required_columns) <= set(columns), path
        checked += 1
    assert checked >= 30


def test_each_member_sends_its_own_format(sources: Path) -> None:
    assert (sources / "flower-city-medical-group" / "Observation.ndjson").exists()
    assert (sources / "lakeside-general-hospital" / "adt.hl7").exists()
    assert (sources / "genesee-valley-medical-center" / "adt_event.parquet").exists()
    assert (sources / "valley-family-health" / "patient.parquet").exists()
    assert (sources / "lake-country-physicians" / "patient.csv").exists()
    assert (sources / "foodlink-pantry-network" / "sdoh_screening.csv").exists()
    assert (sources / "finger-lakes-public-health" / "immunization.csv").exists()


def test_truth_is_not_in_sources(region: tuple[Path, RegionSummary], sources: Path) -> None:
    out = region[0]
    assert {p.name for p in (out / "truth").iterdir()} == {
        "person.parquet",
        "source_person.parquet",
        "attribution.parquet",
        "planted.json",
        "planted_errors.parquet",
    }
    assert not list(sources.rglob("*truth*"))
    keys = set(
        pq.read_table(out / "truth" / "person.parquet").column("person_key").to_pylist()[:50]
    )
    for path in sources.rglob("*.csv"):
        text = path.read_text()
        assert not any(key in text for key in keys), path


def test_dates_and_booleans_are_written_as_members_write_them(sources: Path) -> None:
    row = _rows(sources / "finger-lakes-health-plan" / "eligibility.csv")[0]
    assert len(row["birth_date"]) == 10
    assert row["birth_date"][4] == "-"
    assert row["death_flag"] in ("true", "false")
    event = pq.read_table(sources / "genesee-valley-medical-center" / "adt_event.parquet")
    assert str(event.schema.field("event_datetime").type).startswith("timestamp")
