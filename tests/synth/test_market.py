"""The plans pay firms outside the roster too: specialists, laboratories, ambulances, equipment
suppliers, post-acute care, hospitals outside the region and many pharmacies."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pytest

from commontable.synth.identifiers import npi_valid
from commontable.synth.organizations import PLANS

ROSTER = "finger-lakes-common-table"
MEDICAL = ("place_of_service_code", "bill_type_code", "billing_npi", "facility_npi", "hcpcs_code")
PHARMACY = ("dispensing_provider_npi",)


def _claims(sources: Path, name: str, columns: tuple[str, ...]) -> pa.Table:
    """Columns of every plan's file of one table, as text."""
    options = pacsv.ConvertOptions(
        strings_can_be_null=True,
        include_columns=list(columns),
        column_types=dict.fromkeys(columns, pa.string()),
    )
    return pa.concat_tables(
        pacsv.read_csv(sources / slug / name, convert_options=options) for slug, _, _ in PLANS
    )


def _roster_npis(sources: Path) -> set[str]:
    found: set[str] = set()
    for name in ("organization.csv", "practitioner.csv"):
        with (sources / ROSTER / name).open(newline="") as handle:
            found |= {row["npi"] for row in csv.DictReader(handle) if row["npi"]}
    return found


@pytest.fixture(scope="module")
def medical(sources: Path) -> pa.Table:
    return _claims(sources, "medical_claim.csv", MEDICAL)


def _distinct(table: pa.Table, column: str) -> set[str]:
    return {v for v in pc.unique(table[column]).to_pylist() if v}


def test_every_npi_billed_has_a_valid_check_digit(medical: pa.Table, sources: Path) -> None:
    pharmacies = _claims(sources, "pharmacy_claim.csv", PHARMACY)
    billed = _distinct(medical, "billing_npi") | _distinct(medical, "facility_npi")
    billed |= _distinct(pharmacies, "dispensing_provider_npi")
    assert all(npi_valid(npi) for npi in billed)


def test_most_firms_paid_are_not_members(medical: pa.Table, sources: Path) -> None:
    outside = _distinct(medical, "billing_npi") - _roster_npis(sources)
    assert len(outside) >= 40


def test_claims_bill_laboratories_ambulances_and_equipment_at_home(medical: pa.Table) -> None:
    assert {"81", "41", "12"} <= _distinct(medical, "place_of_service_code")
    assert {"A0427", "A0425", "E1390", "E0601"} <= _distinct(medical, "hcpcs_code")


def test_discharges_to_nursing_and_home_health_are_billed(medical: pa.Table) -> None:
    bills = _distinct(medical, "bill_type_code")
    assert {"211", "329"} <= bills


def test_some_stays_are_at_hospitals_outside_the_region(medical: pa.Table, sources: Path) -> None:
    stays = medical.filter(pc.equal(medical["bill_type_code"], "111"))
    hospitals = _distinct(stays, "facility_npi")
    outside = hospitals - _roster_npis(sources)
    assert len(outside) == 2
    moved = pc.sum(pc.is_in(stays["facility_npi"], pa.array(sorted(outside)))).as_py()
    assert 0.02 < moved / stays.num_rows < 0.2


def test_fills_come_from_many_pharmacies(sources: Path) -> None:
    fills = _claims(sources, "pharmacy_claim.csv", PHARMACY)
    assert len(_distinct(fills, "dispensing_provider_npi")) >= 25
