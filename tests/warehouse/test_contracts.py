"""The contracts are complete and consistent: the data model, declared once, drives the rest."""

from __future__ import annotations

import re

import ibis
import pytest

from commontable.warehouse.checks import npi_check_digit_ok
from commontable.warehouse.contracts import CONTRACTS
from commontable.warehouse.dictionary import data_dictionary
from commontable.warehouse.schema import storage_schemas

ISSUE_TABLES = {
    "eligibility", "medical_claim", "pharmacy_claim", "patient", "encounter", "condition",
    "procedure", "lab_result", "observation", "medication", "immunization", "practitioner",
    "location", "organization", "adt_event", "sdoh_screening",
}  # fmt: skip


def test_every_table_of_the_data_model_has_a_contract() -> None:
    assert set(CONTRACTS) == ISSUE_TABLES


@pytest.mark.parametrize("contract", CONTRACTS.values(), ids=lambda c: c.name)
def test_key_and_ordered_columns_exist(contract) -> None:  # type: ignore[no-untyped-def]
    names = {c.name for c in contract.columns}
    assert set(contract.key) <= names
    for earlier, later in contract.ordered:
        assert {earlier, later} <= names


def test_medical_claim_follows_the_tuva_input_layer() -> None:
    names = [c.name for c in CONTRACTS["medical_claim"].submitted_columns]
    for tuva in ("claim_id", "claim_line_number", "claim_type", "person_id", "member_id",
                 "payer", "plan", "claim_start_date", "claim_end_date", "admission_date",
                 "discharge_date", "discharge_disposition_code", "place_of_service_code",
                 "bill_type_code", "drg_code", "revenue_center_code", "hcpcs_code",
                 "rendering_npi", "billing_npi", "facility_npi", "paid_amount", "allowed_amount",
                 "diagnosis_code_1", "diagnosis_code_25", "procedure_code_1",
                 "procedure_code_25"):  # fmt: skip
        assert tuva in names


def test_wide_diagnosis_columns_are_stored_long() -> None:
    schemas = storage_schemas()
    assert "diagnosis_code_1" not in schemas["medical_claim"].names
    assert {"claim_id", "diagnosis_sequence", "diagnosis_code"} <= set(
        schemas["claim_diagnosis"].names
    )


def test_data_dictionary_documents_every_column() -> None:
    text = data_dictionary()
    for contract in CONTRACTS.values():
        assert f"## {contract.name}" in text
        for column in contract.columns:
            assert f"`{column.name}`" in text


def test_allowed_values_are_all_one_case() -> None:
    for contract in CONTRACTS.values():
        for column in contract.columns:
            if column.allowed:
                lower = all(v == v.lower() for v in column.allowed)
                upper = all(v == v.upper() for v in column.allowed)
                assert lower or upper, f"{contract.name}.{column.name}"


def test_code_system_patterns_compile() -> None:
    for contract in CONTRACTS.values():
        for column in contract.submitted_columns:
            if column.code_system:
                re.compile(column.code_system.pattern)


@pytest.mark.parametrize(
    ("npi", "valid"),
    [("1234567893", True), ("1245319599", True), ("1234567890", False), ("1245319598", False)],
)
def test_npi_check_digit_follows_the_cms_luhn_rule(npi: str, valid: bool) -> None:
    assert ibis.duckdb.connect().execute(npi_check_digit_ok(ibis.literal(npi))) is valid
