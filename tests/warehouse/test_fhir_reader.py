"""FHIR R4 intake: Bulk NDJSON and Bundles mapped to canonical tables, problems and refusals."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import orjson
import pytest

from commontable.errors import InvalidSubmission
from commontable.warehouse.contracts import CONTRACTS
from commontable.warehouse.readers import fhir_common
from commontable.warehouse.readers.base import ROW_REF, Reading
from commontable.warehouse.readers.fhir import read_fhir
from commontable.warehouse.readers.fhir_common import code_type, number

DATA = Path(__file__).parent.parent / "data" / "fhir"
REGION = DATA / "region.ndjson"
BUNDLE = DATA / "transaction-bundle.json"
REGION_RESOURCES = [orjson.loads(line) for line in REGION.read_bytes().splitlines()]


def rows(reading: Reading, table: str) -> dict[str, dict[str, Any]]:
    """The rows of one table, keyed by their row reference (plus `#n` for component rows)."""
    found: dict[str, dict[str, Any]] = {}
    for batch in reading.batches:
        if batch.table == table:
            for row in batch.rows.to_pylist():
                key = row[ROW_REF]
                while key in found:
                    key += "+"
                found[key] = row
    return found


def write_ndjson(tmp_path: Path, *resources: Any, name: str = "export.ndjson") -> Path:
    path = tmp_path / name
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in resources))
    return path


@pytest.fixture(scope="module")
def region() -> Reading:
    return read_fhir([REGION, BUNDLE])


def _patient(**fields: Any) -> dict[str, Any]:
    return {"resourceType": "Patient", "id": "px", "gender": "female", **fields}


# Fixtures are real FHIR R4: checked with fhir.resources (R4B models; R5 is its default).


@pytest.mark.parametrize(
    "resource", REGION_RESOURCES, ids=lambda r: f"{r['resourceType']}/{r['id']}"
)
def test_fixture_resource_is_valid_fhir_r4(resource: dict[str, Any]) -> None:
    from fhir.resources.R4B import get_fhir_model_class

    get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def test_fixture_bundle_is_valid_fhir_r4() -> None:
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(orjson.loads(BUNDLE.read_bytes()))


# The contract


def test_every_emitted_column_is_in_the_contract(region: Reading) -> None:
    for batch in region.batches:
        allowed = {c.name for c in CONTRACTS[batch.table].submitted_columns} | {ROW_REF}
        assert set(batch.rows.column_names) <= allowed, batch.table


def test_every_batch_carries_its_tables_required_columns(region: Reading) -> None:
    for batch in region.batches:
        assert set(CONTRACTS[batch.table].required_columns) <= set(batch.rows.column_names)


def test_every_value_is_text(region: Reading) -> None:
    for batch in region.batches:
        assert {str(f.type) for f in batch.rows.schema} == {"string"}


def test_reads_one_batch_per_file_and_table(region: Reading) -> None:
    keys = [(b.file_name, b.table) for b in region.batches]
    assert len(keys) == len(set(keys))
    assert ("transaction-bundle.json", "patient") in keys


# Patient


def test_patient_names_birth_date_and_address_map_to_patient_columns(region: Reading) -> None:
    jane = rows(region, "patient")["Patient/p1"]
    assert (jane["person_id"], jane["first_name"], jane["last_name"]) == ("p1", "Jane", "Doe")
    assert (jane["sex"], jane["birth_date"]) == ("female", "1980-01-15")
    assert jane["address"] == "12 Elm St, Apt 3"
    assert (jane["city"], jane["state"], jane["zip_code"]) == ("Springfield", "IL", "62701")
    assert jane["county"] == "Sangamon"


def test_patient_race_extension_maps_to_omb_category(region: Reading) -> None:
    jane = rows(region, "patient")["Patient/p1"]
    assert (jane["race"], jane["ethnicity"]) == ("white", "not hispanic or latino")


def test_patient_with_several_omb_races_is_other_race(region: Reading) -> None:
    john = rows(region, "patient")["Patient/p2"]
    assert (john["race"], john["ethnicity"]) == ("other race", "hispanic or latino")


def test_patient_ssn_phone_digits_and_pcp_npi_are_read(region: Reading) -> None:
    jane = rows(region, "patient")["Patient/p1"]
    assert jane["social_security_number"] == "123-45-6789"
    assert jane["phone"] == "2175550100"  # "+1 (217) 555-0100": digits, country code dropped
    assert jane["primary_care_npi"] == "1234567893"


def test_deceased_datetime_gives_death_date_and_flag(region: Reading) -> None:
    john = rows(region, "patient")["Patient/p2"]
    assert (john["death_date"], john["death_flag"]) == ("2023-06-01", "true")
    assert rows(region, "patient")["Patient/p1"]["death_flag"] == "false"


def test_official_name_wins_over_an_old_name(region: Reading) -> None:
    john = rows(region, "patient")["Patient/p2"]
    assert (john["first_name"], john["last_name"]) == ("John", "Roe")


# Practitioner and Location


def test_practitioner_gives_npi_and_name(region: Reading) -> None:
    doctor = rows(region, "practitioner")["Practitioner/dr1"]
    assert (doctor["npi"], doctor["first_name"], doctor["last_name"]) == (
        "1234567893",
        "John",
        "Smith",
    )


def test_location_gives_npi_name_type_owner_and_address(region: Reading) -> None:
    site = rows(region, "location")["Location/loc1"]
    assert (site["npi"], site["name"], site["facility_type"]) == (
        "1245319599",
        "Springfield General",
        "Hospital",
    )
    assert (site["parent_organization"], site["zip_code"], site["county"]) == (
        "org3",
        "62769",
        "Sangamon",
    )


# Coverage -> eligibility


def test_coverage_takes_demographics_from_its_patient(region: Reading) -> None:
    span = rows(region, "eligibility")["Coverage/cov1"]
    assert (span["person_id"], span["gender"], span["birth_date"]) == ("p1", "female", "1980-01-15")
    assert (span["first_name"], span["last_name"], span["zip_code"]) == ("Jane", "Doe", "62701")


def test_coverage_finds_its_patient_in_another_file(tmp_path: Path) -> None:
    coverage = next(r for r in REGION_RESOURCES if r["id"] == "cov1")
    patient = next(r for r in REGION_RESOURCES if r["id"] == "p1")
    first = write_ndjson(tmp_path, coverage, name="Coverage.ndjson")
    second = write_ndjson(tmp_path, patient, name="Patient.ndjson")
    batch = next(b for b in read_fhir([first, second]).batches if b.table == "eligibility")
    assert batch.file_name == "Coverage.ndjson"
    assert batch.rows.to_pylist()[0]["birth_date"] == "1980-01-15"


def test_coverage_maps_period_member_plan_and_group(region: Reading) -> None:
    span = rows(region, "eligibility")["Coverage/cov1"]
    assert (span["enrollment_start_date"], span["enrollment_end_date"]) == (
        "2023-01-01",
        "2023-12-31",
    )
    assert (span["member_id"], span["subscriber_id"]) == ("M0001", "SUB123")
    assert (span["plan"], span["employer_group"], span["subscriber_relation"]) == (
        "Gold PPO",
        "Acme Corp",
        "self",
    )


def test_coverage_payer_type_comes_from_source_of_payment_typology(region: Reading) -> None:
    spans = rows(region, "eligibility")
    assert spans["Coverage/cov1"]["payer_type"] == "commercial"  # SOPT 5
    assert spans["Coverage/cov2"]["payer_type"] == "medicare advantage"  # SOPT 111


def test_coverage_payer_without_display_takes_the_organization_name(region: Reading) -> None:
    assert rows(region, "eligibility")["Coverage/cov2"]["payer"] == "Heartland Medicare Advantage"


def test_coverage_whose_patient_is_missing_is_reported(tmp_path: Path) -> None:
    coverage = next(r for r in REGION_RESOURCES if r["id"] == "cov1")
    reading = read_fhir([write_ndjson(tmp_path, coverage)])
    assert not rows(reading, "eligibility")
    (problem,) = reading.problems
    assert (problem.row_ref, problem.table) == ("Coverage/cov1", "eligibility")
    assert problem.reason.startswith("its beneficiary Patient/p1 is not in the submission")


def test_coverage_payer_type_falls_back_on_the_type_text(tmp_path: Path) -> None:
    coverage = {
        "resourceType": "Coverage",
        "id": "c9",
        "status": "active",
        "type": {"text": "Medicaid managed care"},
        "beneficiary": {"reference": "Patient/px"},
        "payor": [{"display": "State Plan"}],
    }
    reading = read_fhir([write_ndjson(tmp_path, _patient(), coverage)])
    span = rows(reading, "eligibility")["Coverage/c9"]
    assert span["payer_type"] == "medicaid"


# Encounter


@pytest.mark.parametrize(
    ("code", "kind"),
    [("AMB", "office visit"), ("EMER", "emergency department"), ("IMP", "acute inpatient"),
     ("OBSENC", "observation"), ("VR", "telehealth"), ("HH", "home health"), ("XYZ", "other")],
)  # fmt: skip
def test_encounter_class_maps_to_encounter_type(tmp_path: Path, code: str, kind: str) -> None:
    encounter = {"resourceType": "Encounter", "id": "e", "status": "finished",
                 "class": {"code": code}, "subject": {"reference": "Patient/p"}}  # fmt: skip
    row = rows(read_fhir([write_ndjson(tmp_path, encounter)]), "encounter")["Encounter/e"]
    assert row["encounter_type"] == kind


def test_encounter_type_prefers_the_cpt_code_and_period_gives_dates(region: Reading) -> None:
    visit = rows(region, "encounter")["Encounter/enc1"]
    assert (visit["encounter_code_type"], visit["encounter_code"]) == ("cpt", "99213")
    assert (visit["encounter_start_date"], visit["encounter_end_date"]) == (
        "2023-03-01",
        "2023-03-01",
    )


def test_encounter_discharge_disposition_and_admit_source_map_to_nubc(region: Reading) -> None:
    stay = rows(region, "encounter")["Encounter/enc2"]
    assert stay["discharge_disposition_code"] == "03"  # HL7 "snf" -> NUBC 03
    assert stay["admit_source_code"] == "4"  # HL7 "hosp-trans" -> NUBC point of origin 4


def test_encounter_attending_npi_and_facility(region: Reading) -> None:
    visit, stay = (
        rows(region, "encounter")["Encounter/enc1"],
        rows(region, "encounter")["Encounter/enc2"],
    )
    assert visit["attending_provider_id"] == "1234567893"
    assert (visit["facility_id"], visit["facility_name"]) == ("org2", "Springfield Clinic")
    assert (stay["facility_id"], stay["facility_name"]) == ("loc1", "Springfield General")


# Condition


def test_condition_prefers_icd10cm_over_snomed(region: Reading) -> None:
    diagnosis = rows(region, "condition")["Condition/c1"]
    assert (diagnosis["source_code_type"], diagnosis["source_code"]) == ("icd-10-cm", "E11.9")
    assert (diagnosis["encounter_id"], diagnosis["recorded_date"]) == ("enc1", "2023-03-01")


def test_condition_keeps_snomed_when_it_is_the_only_code(region: Reading) -> None:
    problem = rows(region, "condition")["Condition/c2"]
    assert (problem["source_code_type"], problem["source_code"]) == ("snomed-ct", "38341003")


def test_condition_without_recorded_date_is_dated_by_its_onset(region: Reading) -> None:
    problem = rows(region, "condition")["Condition/c2"]
    assert (problem["recorded_date"], problem["onset_date"]) == ("2015-05-05", "2015-05-05")


def test_condition_category_and_clinical_status(region: Reading) -> None:
    conditions = rows(region, "condition")
    assert conditions["Condition/c1"]["condition_type"] == "encounter diagnosis"
    assert conditions["Condition/c2"]["condition_type"] == "problem"
    assert conditions["Condition/c2"]["status"] == "active"


# Observation and lab_result


def test_blood_pressure_panel_becomes_two_observation_rows(region: Reading) -> None:
    panel = [r for r in rows(region, "observation").values() if r["panel_id"] == "bp1"]
    assert [(r["source_code"], r["result_numeric"], r["source_units"]) for r in panel] == [
        ("8480-6", "128", "mmHg"),
        ("8462-4", "82", "mmHg"),
    ]
    assert {r["observation_id"] for r in panel} == {"bp1#1", "bp1#2"}
    assert {r[ROW_REF] for r in panel} == {"Observation/bp1"}


def test_laboratory_observation_goes_to_lab_result(region: Reading) -> None:
    assert "Observation/a1c1" not in rows(region, "observation")
    a1c = rows(region, "lab_result")["Observation/a1c1"]
    assert (a1c["source_code_type"], a1c["source_code"], a1c["result"]) == (
        "loinc",
        "4548-4",
        "7.2",
    )
    assert (a1c["result_date"], a1c["collection_date"]) == ("2023-03-02", "2023-03-01")
    assert (a1c["source_reference_range_low"], a1c["source_reference_range_high"]) == ("4", "5.6")
    assert (a1c["abnormal_flag"], a1c["status"]) == ("H", "final")


def test_coded_answer_fills_result_code(region: Reading) -> None:
    answer = rows(region, "observation")["Observation/food1"]
    assert (answer["result_code"], answer["result"]) == ("LA28397-0", "Often true")
    assert (answer["observation_type"], answer["result_numeric"]) == ("survey", None)


def test_quantity_with_comparator_is_kept_as_text_only(tmp_path: Path) -> None:
    result = {"resourceType": "Observation", "id": "o", "status": "final", "code": {"text": "x"},
              "valueQuantity": {"value": 5, "comparator": "<", "unit": "mg/dL"}}  # fmt: skip
    row = rows(read_fhir([write_ndjson(tmp_path, result)]), "observation")["Observation/o"]
    assert (row["result"], row["result_numeric"]) == ("<5", None)


# Procedure, medication, immunization


def test_procedure_prefers_cpt_and_is_dated_by_performed_period_start(region: Reading) -> None:
    done = rows(region, "procedure")["Procedure/pr1"]
    assert (done["source_code_type"], done["source_code"]) == ("cpt", "83036")
    assert (done["procedure_date"], done["status"]) == ("2023-03-01", "completed")
    assert done["practitioner_id"] == "1234567893"  # from a conditional NPI reference


def test_medication_request_gives_rxnorm_quantity_and_days_supply(region: Reading) -> None:
    order = rows(region, "medication")["MedicationRequest/mr1"]
    assert (order["rxnorm_code"], order["source_code_type"], order["source_code"]) == (
        "860975",
        "rxnorm",
        "860975",
    )
    assert (order["prescribing_date"], order["quantity"], order["days_supply"]) == (
        "2023-03-01",
        "60",
        "30",
    )


def test_medication_reference_resolves_to_a_medication_of_the_submission(region: Reading) -> None:
    assert rows(region, "medication")["MedicationRequest/mr2"]["rxnorm_code"] == "197361"


def test_medication_reference_to_a_missing_medication_is_reported(tmp_path: Path) -> None:
    order = {"resourceType": "MedicationRequest", "id": "m", "status": "active", "intent": "order",
             "medicationReference": {"reference": "Medication/gone"},
             "subject": {"reference": "Patient/p"}}  # fmt: skip
    reading = read_fhir([write_ndjson(tmp_path, order)])
    assert not rows(reading, "medication")
    assert reading.problems[0].row_ref == "MedicationRequest/m"
    assert "gone" in reading.problems[0].reason


def _order(**fields: Any) -> dict[str, Any]:
    rxnorm = {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "617311"}
    return {"resourceType": "MedicationRequest", "id": "m", "status": "active", "intent": "order",
            "medicationCodeableConcept": {"coding": [rxnorm]}, "authoredOn": "2025-03-01",
            "subject": {"reference": "Patient/p"}, **fields}  # fmt: skip


def test_medication_request_keeps_its_intent_and_reason(tmp_path: Path) -> None:
    why = {"coding": [{"system": "http://snomed.info/sct", "code": "22298006"}]}
    order = _order(intent="plan", reasonCode=[why])
    row = rows(read_fhir([write_ndjson(tmp_path, order)]), "medication")["MedicationRequest/m"]
    assert (row["status"], row["intent"], row["reason_code"]) == ("active", "plan", "22298006")


def test_medication_request_not_to_give_has_status_not_done_and_its_reason(
    tmp_path: Path,
) -> None:
    contraindicated = {"coding": [{"system": "http://snomed.info/sct", "code": "183932001"}]}
    order = _order(status="completed", doNotPerform=True, reasonCode=[contraindicated])
    row = rows(read_fhir([write_ndjson(tmp_path, order)]), "medication")["MedicationRequest/m"]
    assert (row["status"], row["reason_code"]) == ("not-done", "183932001")


def test_observation_not_done_keeps_its_reason(tmp_path: Path) -> None:
    declined = {"coding": [{"system": "http://snomed.info/sct", "code": "720834000"}]}
    url = "http://hl7.org/fhir/us/qicore/StructureDefinition/qicore-notDoneReason"
    screen = {"resourceType": "Observation", "id": "o", "status": "cancelled",
              "extension": [{"url": url, "valueCodeableConcept": declined}],
              "code": {"coding": [{"system": "http://loinc.org", "code": "73832-8"}]},
              "subject": {"reference": "Patient/p"}, "issued": "2025-06-28T08:00:00Z"}  # fmt: skip
    row = rows(read_fhir([write_ndjson(tmp_path, screen)]), "observation")["Observation/o"]
    assert (row["status"], row["reason_code"], row["observation_date"]) == (
        "cancelled",
        "720834000",
        "2025-06-28",
    )


def test_immunization_takes_cvx_date_status_and_lot(region: Reading) -> None:
    shot = rows(region, "immunization")["Immunization/imm1"]
    assert (shot["source_code_type"], shot["source_code"]) == ("cvx", "140")
    assert (shot["occurrence_date"], shot["status"], shot["lot_number"]) == (
        "2023-10-02",
        "completed",
        "FLU-2023-A7",
    )


# ExplanationOfBenefit -> claims


def _claim_lines(reading: Reading, claim_id: str) -> list[dict[str, Any]]:
    return [r for r in rows(reading, "medical_claim").values() if r["claim_id"] == claim_id]


def test_eob_gives_one_medical_claim_row_per_item(region: Reading) -> None:
    lines = _claim_lines(region, "CLM-1001")  # the CARIN unique claim id
    assert [(r["claim_line_number"], r["revenue_center_code"], r["hcpcs_code"]) for r in lines] == [
        ("1", "0120", "99223"),
        ("2", "0300", "G0480"),
    ]
    assert {(r["claim_type"], r["claim_start_date"], r["claim_end_date"]) for r in lines} == {
        ("institutional", "2023-04-01", "2023-04-05")
    }
    assert lines[1]["hcpcs_modifier_1"] == "QW"


def test_eob_diagnoses_fill_wide_columns_in_sequence(region: Reading) -> None:
    line = _claim_lines(region, "CLM-1001")[0]
    codes = [line[f"diagnosis_code_{n}"] for n in (1, 2, 3)]
    assert codes == ["I50.9", "E11.9", "N18.3"]  # listed 2, 1, 3; placed by sequence
    assert (line["diagnosis_poa_1"], line["diagnosis_code_type"]) == ("Y", "icd-10-cm")
    assert (line["procedure_code_1"], line["procedure_date_1"]) == ("02HV33Z", "2023-04-02")


def test_eob_line_amounts_come_from_item_adjudication(region: Reading) -> None:
    first, second = _claim_lines(region, "CLM-1001")
    assert (first["charge_amount"], first["allowed_amount"], first["paid_amount"]) == (
        "12000",
        "8000",
        "7500.5",
    )
    assert (second["paid_amount"], second["paid_date"]) == ("120", "2023-05-01")


def test_eob_without_line_amounts_puts_its_totals_on_the_first_line(region: Reading) -> None:
    (line,) = _claim_lines(region, "eob2")
    assert (line["paid_amount"], line["allowed_amount"], line["charge_amount"]) == (
        "90",
        "110",
        "180",
    )
    assert (line["place_of_service_code"], line["rendering_npi"]) == ("11", "1234567893")


def test_eob_supporting_info_fills_bill_type_drg_discharge_and_stay(region: Reading) -> None:
    line = _claim_lines(region, "CLM-1001")[0]
    assert (line["bill_type_code"], line["drg_code"], line["discharge_disposition_code"]) == (
        "111",
        "291",
        "03",
    )
    assert (line["admission_date"], line["discharge_date"]) == ("2023-04-01", "2023-04-05")
    assert (line["billing_npi"], line["facility_npi"]) == ("1245319599", "1245319599")


def test_pharmacy_eob_becomes_a_pharmacy_claim(region: Reading) -> None:
    fill = rows(region, "pharmacy_claim")["ExplanationOfBenefit/eob3"]
    assert (fill["ndc_code"], fill["quantity"], fill["days_supply"]) == ("00093721401", "60", "30")
    assert (fill["dispensing_date"], fill["prescribing_provider_npi"]) == (
        "2023-03-02",
        "1234567893",
    )
    assert (fill["paid_amount"], fill["copayment_amount"]) == ("15", "10")
    assert "eob3" not in {r["claim_id"] for r in rows(region, "medical_claim").values()}


def test_eob_diagnosis_beyond_slot_25_is_reported(tmp_path: Path) -> None:
    eob = next(r for r in REGION_RESOURCES if r["id"] == "eob2")
    eob = {**eob, "diagnosis": [{"sequence": 26, "diagnosisCodeableConcept": {"coding": [
        {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "R51.9"}]}}]}  # fmt: skip
    reading = read_fhir([write_ndjson(tmp_path, eob)])
    assert "diagnosis sequence 26" in reading.problems[0].reason
    assert len(rows(reading, "medical_claim")) == 1


# Bundles


def test_urn_uuid_references_resolve_in_a_transaction_bundle(region: Reading) -> None:
    patient_id = "5a2c8f1e-0b7d-4c1e-9d7a-3f6b2a1c0e01"
    diagnosis = rows(region, "condition")["Condition/5a2c8f1e-0b7d-4c1e-9d7a-3f6b2a1c0e03"]
    assert (diagnosis["person_id"], diagnosis["encounter_id"]) == (patient_id, "visit-77")


def test_bundle_entry_without_id_takes_the_uuid_of_its_full_url(region: Reading) -> None:
    heart_rate = rows(region, "observation")["Observation/5a2c8f1e-0b7d-4c1e-9d7a-3f6b2a1c0e04"]
    assert heart_rate["result_numeric"] == "96"


def test_bundle_and_ndjson_give_the_same_rows(tmp_path: Path) -> None:
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": r} for r in REGION_RESOURCES]}  # fmt: skip
    (tmp_path / "region.json").write_text(json.dumps(bundle, indent=2))
    from_bundle = read_fhir([tmp_path / "region.json"])
    from_ndjson = read_fhir([REGION])
    assert {b.table: b.rows for b in from_bundle.batches} == {
        b.table: b.rows for b in from_ndjson.batches
    }


def test_json_file_with_a_single_resource_is_read(tmp_path: Path) -> None:
    (tmp_path / "patient.json").write_bytes(orjson.dumps(_patient(birthDate="2001-02-03")))
    assert rows(read_fhir([tmp_path / "patient.json"]), "patient")["Patient/px"]["birth_date"] == (
        "2001-02-03"
    )


def test_pretty_printed_json_in_an_ndjson_file_is_read_as_one_document(tmp_path: Path) -> None:
    (tmp_path / "patient.ndjson").write_text(json.dumps(_patient(), indent=2))
    reading = read_fhir([tmp_path / "patient.ndjson"])
    assert list(rows(reading, "patient")) == ["Patient/px"]
    assert not reading.problems


# Problems: per row


def test_invalid_json_line_is_quarantined_with_its_line_number(tmp_path: Path) -> None:
    path = tmp_path / "Patient.ndjson"
    path.write_bytes(orjson.dumps(_patient()) + b"\n" + b'{"resourceType": "Patient", "id": \n')
    reading = read_fhir([path])
    (problem,) = reading.problems
    assert (problem.file_name, problem.row_ref) == ("Patient.ndjson", "line 2")
    assert problem.reason.startswith("not valid JSON (")
    assert list(rows(reading, "patient")) == ["Patient/px"]


def test_resource_without_id_is_reported_with_its_line(tmp_path: Path) -> None:
    no_id = {
        "resourceType": "Condition",
        "code": {"text": "x"},
        "subject": {"reference": "Patient/p"},
    }
    reading = read_fhir([write_ndjson(tmp_path, _patient(), no_id)])
    (problem,) = reading.problems
    assert (problem.row_ref, problem.reason) == (
        "Condition at line 2",
        "has no id; every resource needs one so its rows can be traced",
    )


def test_resource_without_resource_type_is_reported(tmp_path: Path) -> None:
    reading = read_fhir([write_ndjson(tmp_path, {"id": "x"})])
    assert (reading.problems[0].row_ref, reading.problems[0].reason) == (
        "line 1",
        "has no resourceType; every FHIR resource needs one",
    )


def test_line_that_is_not_a_json_object_is_reported(tmp_path: Path) -> None:
    reading = read_fhir([write_ndjson(tmp_path, _patient(), [1, 2])])
    assert reading.problems[0].row_ref == "line 2"
    assert "not an object" in reading.problems[0].reason


def test_unsupported_resource_type_is_reported_once_with_its_count(region: Reading) -> None:
    (problem,) = [p for p in region.problems if p.row_ref == "Provenance"]
    assert problem.reason == "resource type Provenance is not read; 2 resource(s) skipped"


def test_resource_with_a_wrongly_shaped_element_is_quarantined_alone(tmp_path: Path) -> None:
    broken = _patient(id="bad", name="Jane Doe")  # name must be a list of HumanName
    reading = read_fhir([write_ndjson(tmp_path, _patient(), broken)])
    assert [p.row_ref for p in reading.problems] == ["Patient/bad"]
    assert list(rows(reading, "patient")) == ["Patient/px"]


def test_blank_lines_and_a_complete_last_line_without_newline_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "Patient.ndjson"
    path.write_bytes(b"\n" + orjson.dumps(_patient()) + b"\n\n" + orjson.dumps(_patient(id="p2")))
    reading = read_fhir([path])
    assert (list(rows(reading, "patient")), reading.problems) == (["Patient/px", "Patient/p2"], [])


def test_byte_order_mark_and_crlf_line_ends_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "Patient.ndjson"
    path.write_bytes(
        b"\xef\xbb\xbf" + orjson.dumps(_patient()) + b"\r\n" + orjson.dumps(_patient(id="p2"))
    )
    reading = read_fhir([path])
    assert (list(rows(reading, "patient")), reading.problems) == (["Patient/px", "Patient/p2"], [])


# Refusals: the whole file


def test_truncated_ndjson_is_rejected_whole(tmp_path: Path) -> None:
    path = tmp_path / "Observation.ndjson"
    whole = orjson.dumps(_patient()) + b"\n"
    path.write_bytes(whole * 3 + whole[:40])
    with pytest.raises(InvalidSubmission, match="line 4; it looks truncated — export it again"):
        read_fhir([path])


@pytest.mark.parametrize("content", [b"", b"\n  \n"])
def test_empty_file_is_rejected(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "Patient.ndjson").write_bytes(content)
    with pytest.raises(InvalidSubmission, match="the file is empty"):
        read_fhir([tmp_path / "Patient.ndjson"])


def test_file_that_is_not_json_at_all_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "patients.ndjson").write_text("person_id,sex\n1,female\n")
    with pytest.raises(InvalidSubmission, match="is not FHIR JSON"):
        read_fhir([tmp_path / "patients.ndjson"])


def test_bundle_that_is_not_valid_json_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "bundle.json").write_text('{"resourceType": "Bundle", "entry": [}')
    with pytest.raises(InvalidSubmission, match="is not valid JSON") as refused:
        read_fhir([tmp_path / "bundle.json"])
    assert refused.value.file_name == "bundle.json"


def test_json_document_without_resource_type_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "data.json").write_text('{"patients": []}')
    with pytest.raises(InvalidSubmission, match="no resourceType"):
        read_fhir([tmp_path / "data.json"])


def test_compressed_file_is_rejected_with_a_hint(tmp_path: Path) -> None:
    (tmp_path / "Patient.ndjson").write_bytes(gzip.compress(orjson.dumps(_patient())))
    with pytest.raises(InvalidSubmission, match="unzip"):
        read_fhir([tmp_path / "Patient.ndjson"])


# Helpers


@pytest.mark.parametrize(
    ("system", "word"),
    [
        ("http://hl7.org/fhir/sid/icd-10-cm", "icd-10-cm"),
        ("http://www.ama-assn.org/go/cpt", "cpt"),
        ("http://snomed.info/sct", "snomed-ct"),
        ("http://loinc.org", "loinc"),
        ("http://www.nlm.nih.gov/research/umls/rxnorm", "rxnorm"),
        ("http://hl7.org/fhir/sid/cvx", "cvx"),
        ("https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets", "hcpcs"),
        ("http://hl7.org/fhir/sid/ndc", "ndc"),
        ("http://example.org/local", "http://example.org/local"),
    ],
)
def test_code_system_uri_maps_to_the_contracts_code_type(system: str, word: str) -> None:
    assert code_type(system) == word


@pytest.mark.parametrize(
    ("value", "text"), [(1e-7, "0.0000001"), (2.50, "2.5"), (120.0, "120"), (3, "3")]
)
def test_numbers_become_plain_decimal_text(value: float, text: str) -> None:
    assert number(value) == text


def test_rows_beyond_one_chunk_are_all_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fhir_common, "CHUNK_ROWS", 2)
    path = write_ndjson(tmp_path, *[_patient(id=f"p{n}") for n in range(5)])
    (batch,) = read_fhir([path]).batches
    assert batch.rows.column("person_id").to_pylist() == [f"p{n}" for n in range(5)]
