"""FHIR R4 resources validate, HL7 v2 messages parse, codes come from the eCQM value sets."""

from __future__ import annotations

import json
from pathlib import Path

import hl7
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pytest

from commontable.measures.valuesets import codes
from commontable.synth.clinical import RECORDS, VACCINES
from commontable.synth.medications import STATINS

FHIR = "flower-city-medical-group"


@pytest.mark.parametrize(
    "resource",
    [
        "Patient",
        "Encounter",
        "Condition",
        "Observation",
        "Procedure",
        "MedicationRequest",
        "Immunization",
    ],
)
def test_fhir_resources_are_valid_r4(sources: Path, resource: str) -> None:
    from fhir.resources.R4B import get_fhir_model_class

    model = get_fhir_model_class(resource)
    lines = (sources / FHIR / f"{resource}.ndjson").read_text().splitlines()
    assert lines
    step = max(1, len(lines) // 150)
    for line in lines[::step]:
        model.model_validate(json.loads(line))


def test_observations_cover_every_category(sources: Path) -> None:
    found = set()
    for line in (sources / FHIR / "Observation.ndjson").read_text().splitlines():
        for category in json.loads(line)["category"]:
            found.add(category["coding"][0]["code"])
    assert {"laboratory", "vital-signs", "survey", "social-history"} <= found


def test_adt_messages_parse_with_python_hl7(sources: Path) -> None:
    raw = (sources / "lakeside-general-hospital" / "adt.hl7").read_bytes().decode()
    messages = [m for m in raw.split("\n") if m]
    assert len(messages) > 100
    control_ids = set()
    events = set()
    for text in messages:
        assert text.endswith("\r")
        message = hl7.parse(text)
        control_ids.add(str(message.segment("MSH")[10]))
        events.add(str(message.segment("EVN")[1]))
        pid, pv1 = message.segment("PID"), message.segment("PV1")
        assert str(pid[3][0][0]).startswith("H")
        assert len(str(pid[7])) == 8
        assert str(pv1[2]) in ("E", "I")
        assert str(pv1[19])
        assert str(message.segment("DG1")[3][0][0])
    assert len(control_ids) == len(messages)
    assert {"A01", "A03", "A04"} <= events


def test_codes_come_from_the_official_value_sets() -> None:
    for valueset, _, code, _ in RECORDS.values():
        assert code in {c for _, c in codes(valueset)}, (valueset, code)
    for valueset, cvx, _ in VACCINES:
        assert cvx in {c for _, c in codes(valueset)}, valueset
    statins = {
        c
        for name in ("High Intensity Statin Therapy", "Moderate Intensity Statin Therapy")
        for _, c in codes(name)
    }
    assert {s.rxnorm for s in STATINS} <= statins
    assert "I10" in {c for _, c in codes("Essential Hypertension")}
    office = {c for _, c in codes("Office Visit")}
    assert {"99202", "99213", "99215"} <= office


def test_clinic_records_use_value_set_codes(sources: Path) -> None:
    labs = pacsv.read_csv(sources / "lake-country-physicians" / "lab_result.csv")
    hba1c = labs.filter(pc.equal(labs["source_code"], "4548-4"))
    assert hba1c.num_rows > 0
    values = hba1c["result_numeric"].to_pylist()
    assert min(values) > 4
    assert max(values) < 15


def test_claims_bill_office_ed_and_inpatient_care(sources: Path) -> None:
    claims = pacsv.read_csv(
        sources / "finger-lakes-health-plan" / "medical_claim.csv",
        convert_options=pacsv.ConvertOptions(
            strings_can_be_null=True,
            column_types={
                "drg_code": "string",
                "revenue_center_code": "string",
                "bill_type_code": "string",
                "hcpcs_code": "string",
            },
        ),
    )
    hcpcs = set(claims["hcpcs_code"].to_pylist())
    assert {"99213", "99283"} <= hcpcs
    assert "0450" in set(claims["revenue_center_code"].to_pylist())
    inpatient = claims.filter(pc.equal(claims["bill_type_code"], "111"))
    assert inpatient.num_rows > 0
    assert pc.all(pc.is_valid(inpatient["drg_code"])).as_py()
    assert pc.all(pc.is_valid(inpatient["discharge_date"])).as_py()


def test_vendored_value_sets_cover_the_eight_measures() -> None:
    from commontable.measures.valuesets import valuesets

    found = {m for v in valuesets().values() for m in v.measures}
    assert found == {"CMS2", "CMS117", "CMS122", "CMS124", "CMS125", "CMS130", "CMS165", "CMS347"}
    assert all(v.version and v.source for v in valuesets().values())
