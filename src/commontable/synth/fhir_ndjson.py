"""FHIR R4 Bulk Data NDJSON (US Core style) built in bulk: JSON text assembled column-wise."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from commontable.synth.frame import Frame, text

US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/"
NPI = "http://hl7.org/fhir/sid/us-npi"
SYSTEMS = {
    "loinc": "http://loinc.org",
    "snomed-ct": "http://snomed.info/sct",
    "cpt": "http://www.ama-assn.org/go/cpt",
    "icd-10-cm": "http://hl7.org/fhir/sid/icd-10-cm",
    "rxnorm": "http://www.nlm.nih.gov/research/umls/rxnorm",
    "cvx": "http://hl7.org/fhir/sid/cvx",
    "hcpcs": "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
}
# CDC Race & Ethnicity code set (urn:oid:2.16.840.1.113883.6.238) OMB categories, v3 NullFlavor.
RACE_CODES = {
    "white": ("2106-3", "White"),
    "black or african american": ("2054-5", "Black or African American"),
    "asian": ("2028-9", "Asian"),
    "american indian or alaska native": ("1002-5", "American Indian or Alaska Native"),
    "native hawaiian or other pacific islander": (
        "2076-8",
        "Native Hawaiian or Other Pacific Islander",
    ),
    "other race": ("2131-1", "Other Race"),
    "unknown": ("UNK", "Unknown"),
    "hispanic or latino": ("2135-2", "Hispanic or Latino"),
    "not hispanic or latino": ("2186-5", "Not Hispanic or Latino"),
}
CDC_RACE = "urn:oid:2.16.840.1.113883.6.238"
NULL_FLAVOR = "http://terminology.hl7.org/CodeSystem/v3-NullFlavor"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"


def _s(values: object) -> pa.Array:
    """Text safe inside a JSON string."""
    array = text(values)
    array = pc.replace_substring(array, "\\", "\\\\")
    return pc.replace_substring(array, '"', '\\"')


def _j(*parts: object) -> pa.Array:
    """Concatenate literals and columns; a null column makes the whole piece null."""
    return pc.binary_join_element_wise(*[p if isinstance(p, str) else p for p in parts], "")


def _opt(piece: pa.Array) -> pa.Array:
    return pc.fill_null(piece, "")


def _map(values: np.ndarray, table: dict[str, str]) -> np.ndarray:
    return np.vectorize(table.get, otypes=[object])(values) if len(values) else values


def _coding(system: np.ndarray, code: object, display: object) -> pa.Array:
    uri = pa.array(_map(np.asarray(system), SYSTEMS), type=pa.string())
    return _j('{"system":"', uri, '","code":"', _s(code), '","display":"', _s(display), '"}')


def _subject(person_id: pa.Array, field: str = "subject") -> pa.Array:
    return _j(f'"{field}":{{"reference":"Patient/', person_id, '"}')


def patients(t: Frame, system: str) -> pa.Array:
    race = np.asarray(t["race"])
    ethnicity = np.asarray(t["ethnicity"])
    race_code = _map(race, {k: v[0] for k, v in RACE_CODES.items()})
    race_text = _map(race, {k: v[1] for k, v in RACE_CODES.items()})
    race_system = np.where(race == "unknown", NULL_FLAVOR, CDC_RACE)
    eth_code = _map(ethnicity, {k: v[0] for k, v in RACE_CODES.items()})
    eth_text = _map(ethnicity, {k: v[1] for k, v in RACE_CODES.items()})
    eth_system = np.where(ethnicity == "unknown", NULL_FLAVOR, CDC_RACE)
    ext = lambda url, s, c, d: _j(  # noqa: E731
        f'{{"url":"{US_CORE}{url}","extension":[{{"url":"ombCategory","valueCoding":{{"system":"',
        pa.array(s),
        '","code":"',
        pa.array(c, pa.string()),
        '","display":"',
        pa.array(d, pa.string()),
        '"}},{"url":"text","valueString":"',
        pa.array(d, pa.string()),
        '"}]}',
    )
    ssn = _opt(
        _j(
            ',{"system":"http://hl7.org/fhir/sid/us-ssn","value":"',
            t["social_security_number"],
            '"}',
        )
    )
    phone = _opt(_j(',"telecom":[{"system":"phone","value":"', t["phone"], '","use":"home"}]'))
    died = _opt(_j(',"deceasedDateTime":"', text(t["death_date"]), '"'))
    pcp = _opt(
        _j(
            f',"generalPractitioner":[{{"identifier":{{"system":"{NPI}","value":"',
            text(t["primary_care_npi"]),
            '"}}]',
        )
    )
    return _j(
        '{"resourceType":"Patient","id":"',
        t["person_id"],
        f'","meta":{{"profile":["{US_CORE}us-core-patient"]}},"extension":[',
        ext("us-core-race", race_system, race_code, race_text),
        ",",
        ext("us-core-ethnicity", eth_system, eth_code, eth_text),
        '],"identifier":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/'
        f'v2-0203","code":"MR"}}]}},"system":"{system}","value":"',
        t["person_id"],
        '"}',
        ssn,
        '],"name":[{"family":"',
        _s(t["last_name"]),
        '","given":["',
        _s(t["first_name"]),
        '"]}]',
        phone,
        ',"gender":"',
        text(t["sex"]),
        '","birthDate":"',
        text(t["birth_date"]),
        '"',
        died,
        ',"address":[{"line":["',
        _s(t["address"]),
        '"],"city":"',
        _s(t["city"]),
        '","district":"',
        _s(t["county"]),
        ' County","state":"NY","postalCode":"',
        text(t["zip_code"]),
        '"}]',
        pcp,
        "}",
    )


def encounters(t: Frame) -> pa.Array:
    return _j(
        '{"resourceType":"Encounter","id":"',
        t["encounter_id"],
        '","status":"finished",'
        '"class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB",'
        '"display":"ambulatory"},"type":[{"coding":[',
        _coding(t["encounter_code_type"], t["encounter_code"], t["encounter_code"]),
        "]}],",
        _subject(t["person_id"]),
        f',"participant":[{{"individual":{{"identifier":{{"system":"{NPI}","value":"',
        text(t["attending_provider_id"]),
        '"}}}],"period":{"start":"',
        text(t["encounter_start_date"]),
        '","end":"',
        text(t["encounter_end_date"]),
        '"},"reasonCode":[{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"',
        text(t["primary_diagnosis_code"]),
        f'"}}]}}],"serviceProvider":{{"identifier":{{"system":"{NPI}","value":"',
        text(t["facility_id"]),
        '"},"display":"',
        _s(t["facility_name"]),
        '"}}',
    )


def conditions(t: Frame) -> pa.Array:
    n = len(t["condition_id"])
    return _j(
        '{"resourceType":"Condition","id":"',
        t["condition_id"],
        '","clinicalStatus":{"coding":[{'
        '"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},'
        '"verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/'
        'condition-ver-status","code":"confirmed"}]},"category":[{"coding":[{"system":"'
        'http://terminology.hl7.org/CodeSystem/condition-category","code":"problem-list-item"}]}],'
        '"code":{"coding":[',
        _coding(t["source_code_type"], t["source_code"], t["source_description"]),
        ",",
        _coding(np.full(n, "snomed-ct"), t["snomed"], t["source_description"]),
        '],"text":"',
        _s(t["source_description"]),
        '"},',
        _subject(t["person_id"]),
        ',"onsetDateTime":"',
        text(t["onset_date"]),
        '","recordedDate":"',
        text(t["recorded_date"]),
        '"}',
    )


def _category(code: object) -> pa.Array:
    return _j('"category":[{"coding":[{"system":"' + CATEGORY + '","code":"', code, '"}]}]')


def labs(t: Frame) -> pa.Array:
    numeric = ~np.isnan(t["result_numeric"])
    quantity = _j(
        ',"valueQuantity":{"value":',
        text(t["result_numeric"]),
        ',"unit":"',
        text(t["source_units"]),
        '","system":"http://unitsofmeasure.org","code":"',
        text(t["source_units"]),
        '"}',
    )
    string = _j(',"valueString":"', _s(t["result"]), '"')
    value = pc.if_else(pa.array(numeric), _opt(quantity), _opt(string))
    return _j(
        '{"resourceType":"Observation","id":"',
        t["lab_result_id"],
        '","status":"final",',
        _category(pa.array(["laboratory"] * len(numeric))),
        ',"code":{"coding":[',
        _coding(t["source_code_type"], t["source_code"], t["source_description"]),
        "]},",
        _subject(t["person_id"]),
        ',"effectiveDateTime":"',
        text(t["result_date"]),
        '"',
        value,
        "}",
    )


def observations(t: Frame) -> pa.Array:
    """Blood pressure panels (85354-9 with components), PHQ screens, mammography reports."""
    from commontable.synth.clinical import BP_PANEL, DIASTOLIC, SYSTOLIC

    code = np.asarray(t["source_code"])
    sys_rows, dia_rows = np.flatnonzero(code == SYSTOLIC[0]), np.flatnonzero(code == DIASTOLIC[0])
    pick = lambda col, rows: col.take(pa.array(rows)) if isinstance(col, pa.Array) else col[rows]  # noqa: E731
    component = lambda loinc, name, rows: _j(  # noqa: E731
        '{"code":{"coding":[{"system":"http://loinc.org","code":"'
        + loinc
        + '","display":"'
        + name
        + '"}]},"valueQuantity":{"value":',
        text(pick(t["result_numeric"], rows)),
        ',"unit":"mmHg","system":"http://unitsofmeasure.org","code":"mm[Hg]"}}',
    )
    bp = _j(
        '{"resourceType":"Observation","id":"',
        pick(t["panel_id"], sys_rows),
        '","status":"final",',
        _category(pa.array(["vital-signs"] * len(sys_rows))),
        ',"code":{"coding":[{"system":"http://loinc.org","code":"'
        + BP_PANEL[0]
        + '","display":"'
        + BP_PANEL[1]
        + '"}]},',
        _subject(pick(t["person_id"], sys_rows)),
        ',"effectiveDateTime":"',
        text(pick(t["observation_date"], sys_rows)),
        '","component":[',
        component(*SYSTOLIC, sys_rows),
        ",",
        component(*DIASTOLIC, dia_rows),
        "]}",
    )
    rest = np.flatnonzero((code != SYSTOLIC[0]) & (code != DIASTOLIC[0]))
    survey = np.asarray(t["observation_type"])[rest] == "survey"
    screen_value = _j(
        ',"valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"',
        text(pick(t["result_code"], rest)),
        '","display":"',
        _s(pick(t["result"], rest)),
        '"}]},"component":[{"code":{"coding":[{"system":"http://loinc.org","code":"44261-6"}]},'
        '"valueInteger":',
        pc.cast(pa.array(np.nan_to_num(pick(t["result_numeric"], rest)).astype(int)), pa.string()),
        "}]",
    )
    other = _j(
        '{"resourceType":"Observation","id":"',
        pick(t["observation_id"], rest),
        '","status":"final",',
        _category(pa.array(np.where(survey, "survey", "imaging"))),
        ',"code":{"coding":[',
        _coding(
            np.asarray(t["source_code_type"])[rest],
            pick(t["source_code"], rest),
            pick(t["source_description"], rest),
        ),
        "]},",
        _subject(pick(t["person_id"], rest)),
        ',"effectiveDateTime":"',
        text(pick(t["observation_date"], rest)),
        '"',
        pc.if_else(pa.array(survey), _opt(screen_value), pa.array([""] * len(rest))),
        "}",
    )
    return pa.concat_arrays([bp, other])


def social_needs(t: Frame) -> pa.Array:
    """SDOH screening answers as Observations (categories social-history and survey)."""
    n = len(t["screening_id"])
    return _j(
        '{"resourceType":"Observation","id":"',
        t["screening_id"],
        "-",
        pc.replace_substring(text(t["question_code"]), "-", ""),
        '","status":"final","category":[{"coding":[{"system":"'
        + CATEGORY
        + '","code":"social-history"}]},{"coding":[{"system":"'
        + CATEGORY
        + '","code":"survey"}]}],"code":{"coding":[',
        _coding(np.full(n, "loinc"), t["question_code"], t["question"]),
        "]},",
        _subject(t["person_id"]),
        ',"effectiveDateTime":"',
        text(t["screening_date"]),
        '","valueCodeableConcept":{"coding":[',
        _coding(np.full(n, "loinc"), t["answer_code"], t["answer"]),
        "]}}",
    )


def procedures(t: Frame) -> pa.Array:
    return _j(
        '{"resourceType":"Procedure","id":"',
        t["procedure_id"],
        '","status":"completed","code":{"coding":[',
        _coding(t["source_code_type"], t["source_code"], t["source_description"]),
        "]},",
        _subject(t["person_id"]),
        ',"performedDateTime":"',
        text(t["procedure_date"]),
        '"}',
    )


def medication_requests(t: Frame) -> pa.Array:
    return _j(
        '{"resourceType":"MedicationRequest","id":"',
        t["medication_id"],
        '","status":"',
        text(t["status"]),
        '","intent":"order","medicationCodeableConcept":{"coding":[',
        _coding(t["source_code_type"], t["source_code"], t["source_description"]),
        "]},",
        _subject(t["person_id"]),
        ',"authoredOn":"',
        text(t["prescribing_date"]),
        '"',
        _opt(
            _j(
                f',"requester":{{"identifier":{{"system":"{NPI}","value":"',
                text(t["practitioner_id"]),
                '"}}',
            )
        ),
        ',"dispenseRequest":{"quantity":{"value":',
        text(t["days_supply"]),
        '},"expectedSupplyDuration":{"value":',
        text(t["days_supply"]),
        ',"unit":"days","system":"http://unitsofmeasure.org","code":"d"}}}',
    )


def immunizations(t: Frame) -> pa.Array:
    return _j(
        '{"resourceType":"Immunization","id":"',
        t["immunization_id"],
        '","status":"completed","vaccineCode":{"coding":[',
        _coding(t["source_code_type"], t["source_code"], t["source_description"]),
        "]},",
        _subject(t["person_id"], "patient"),
        ',"occurrenceDateTime":"',
        text(t["occurrence_date"]),
        '","primarySource":true,"lotNumber":"',
        text(t["lot_number"]),
        '"}',
    )
