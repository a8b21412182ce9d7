"""FHIR clinical resources mapped to canonical tables, as text: conditions, observations, labs,
procedures, medications and immunizations."""

from __future__ import annotations

from commontable.warehouse.readers.base import ROW_REF, RowProblem
from commontable.warehouse.readers.fhir_common import (
    Resource,
    Row,
    Sink,
    clinician,
    code_columns,
    code_of,
    day,
    number,
    period_start,
    ref_id,
    row_ref,
)

_CODE = ("source_code_type", "source_code", "source_description")
CONDITION_COLUMNS = (
    "condition_id", "person_id", "encounter_id", "recorded_date", "onset_date", "resolved_date",
    "status", "condition_type", *_CODE, ROW_REF,
)  # fmt: skip
OBSERVATION_COLUMNS = (
    "observation_id", "person_id", "encounter_id", "panel_id", "observation_date",
    "observation_type", *_CODE, "result", "result_numeric", "result_code", "source_units",
    "status", "reason_code", ROW_REF,
)  # fmt: skip
LAB_RESULT_COLUMNS = (
    "lab_result_id", "person_id", "encounter_id", *_CODE, "status", "result", "result_numeric",
    "result_date", "collection_date", "source_units", "source_reference_range_low",
    "source_reference_range_high", "abnormal_flag", ROW_REF,
)  # fmt: skip
PROCEDURE_COLUMNS = (
    "procedure_id", "person_id", "encounter_id", "procedure_date", *_CODE, "status",
    "practitioner_id", ROW_REF,
)  # fmt: skip
MEDICATION_COLUMNS = (
    "medication_id", "person_id", "encounter_id", "prescribing_date", *_CODE, "ndc_code",
    "rxnorm_code", "status", "intent", "reason_code", "quantity", "days_supply", "practitioner_id",
    ROW_REF,
)  # fmt: skip
IMMUNIZATION_COLUMNS = (
    "immunization_id", "person_id", "encounter_id", *_CODE, "status", "occurrence_date",
    "lot_number", "practitioner_id", ROW_REF,
)  # fmt: skip

# hl7.org/fhir/R4/valueset-condition-category.html (US Core adds health-concern)
CONDITION_CATEGORIES = {
    "problem-list-item": "problem",
    "encounter-diagnosis": "encounter diagnosis",
    "health-concern": "problem",
}
DIAGNOSIS_CODE_TYPES = ("icd-10-cm", "snomed-ct")
PROCEDURE_CODE_TYPES = ("cpt", "hcpcs", "icd-10-pcs", "snomed-ct")
OBSERVATION_CODE_TYPES = ("loinc", "snomed-ct")
MEDICATION_CODE_TYPES = ("rxnorm", "ndc")
# Observation.value[x] (hl7.org/fhir/R4/observation-definitions.html#Observation.value_x_)
VALUE_KEYS = frozenset(
    "value" + kind
    for kind in (
        "Quantity",
        "CodeableConcept",
        "String",
        "Boolean",
        "Integer",
        "Range",
        "Ratio",
        "SampledData",
        "Time",
        "DateTime",
        "Period",
    )
)
# UCUM units of expectedSupplyDuration -> days
DAYS_PER_UNIT = {"d": 1, "wk": 7}
# QI-Core 4.1.1 negation: ObservationNotDone's reason extension; a MedicationRequest with
# doNotPerform (MedicationNotRequested) is kept with status NOT_DONE, as FHIR words it for
# Procedure and Immunization, so no reader of the table takes it for an order.
NOT_DONE_REASON_URL = "http://hl7.org/fhir/us/qicore/StructureDefinition/qicore-notDoneReason"
NOT_DONE = "not-done"


def condition(res: Resource, sink: Sink) -> None:
    aliases = sink.aliases
    onset = period_start(res, "onset")
    category = None
    for concept in res.get("category") or ():
        code = code_of(concept)
        category = category or CONDITION_CATEGORIES.get(code or "", code)
    abatement = res.get("abatementDateTime") or (res.get("abatementPeriod") or {}).get("start")
    row: Row = {
        "condition_id": res["id"],
        "person_id": ref_id(res.get("subject"), aliases),
        "encounter_id": ref_id(res.get("encounter"), aliases),
        "recorded_date": day(res.get("recordedDate")) or onset,
        "onset_date": onset,
        "resolved_date": day(abatement),
        "status": code_of(res.get("clinicalStatus")),
        "condition_type": category,
        ROW_REF: row_ref(res),
    }
    row.update(code_columns(res.get("code"), DIAGNOSIS_CODE_TYPES))
    sink.table("condition", CONDITION_COLUMNS).add(row)


def _value(holder: Resource) -> Row:
    """result, result_numeric, result_code and source_units of an Observation (or component)."""
    quantity = holder.get("valueQuantity")
    if quantity is not None:
        value = number(quantity.get("value"))
        comparator = quantity.get("comparator")
        return {
            "result": (comparator or "") + value if value is not None else None,
            "result_numeric": None if comparator else value,
            "source_units": quantity.get("unit") or quantity.get("code"),
        }
    concept = holder.get("valueCodeableConcept")
    if concept is not None:
        codings: list[Resource] = concept.get("coding") or [{}]
        return {
            "result": codings[0].get("display") or concept.get("text") or codings[0].get("code"),
            "result_code": codings[0].get("code"),
        }
    if "valueString" in holder:
        return {"result": holder["valueString"]}
    if "valueInteger" in holder:
        return {
            "result": number(holder["valueInteger"]),
            "result_numeric": number(holder["valueInteger"]),
        }
    if "valueBoolean" in holder:
        return {"result": "true" if holder["valueBoolean"] else "false"}
    for key in ("valueDateTime", "valueTime", "valuePeriod"):
        if key in holder:
            value = holder[key]
            return {"result": value if isinstance(value, str) else value.get("start")}
    return {}


def _has_value(holder: Resource) -> bool:
    return not VALUE_KEYS.isdisjoint(holder)


def _not_done_reason(res: Resource) -> str | None:
    """The code of a QI-Core notDoneReason extension (an Observation recorded as not done)."""
    for extension in res.get("extension") or ():
        if extension.get("url") == NOT_DONE_REASON_URL:
            return code_of(extension.get("valueCodeableConcept"))
    return None


def observation(res: Resource, sink: Sink) -> None:
    aliases = sink.aliases
    categories = [code_of(c) for c in res.get("category") or ()]
    effective = period_start(res, "effective")
    issued = day(res.get("issued"))
    common: Row = {
        "person_id": ref_id(res.get("subject"), aliases),
        "encounter_id": ref_id(res.get("encounter"), aliases),
        "status": res.get("status"),
        ROW_REF: row_ref(res),
    }
    components = res.get("component") or ()
    parts: list[tuple[str, Resource]] = []
    if _has_value(res) or not components:
        parts.append((res["id"], res))
    # One row per component; position keeps ids unique ('#' cannot occur in a FHIR id).
    parts += [(f"{res['id']}#{n}", c) for n, c in enumerate(components, start=1)]
    rows = []
    if "laboratory" in categories:
        ranges = res.get("referenceRange")
        low_high = ranges[0] if ranges else {}
        interpretation = res.get("interpretation")
        for part_id, part in parts:
            row = dict(common)
            row.update(code_columns(part.get("code"), OBSERVATION_CODE_TYPES))
            row.update(_value(part))
            row["lab_result_id"] = part_id
            row["result_date"] = issued or effective
            row["collection_date"] = effective
            row["source_reference_range_low"] = number((low_high.get("low") or {}).get("value"))
            row["source_reference_range_high"] = number((low_high.get("high") or {}).get("value"))
            row["abnormal_flag"] = code_of(interpretation[0]) if interpretation else None
            rows.append(row)
        table = sink.table("lab_result", LAB_RESULT_COLUMNS)
    else:
        for part_id, part in parts:
            row = dict(common)
            row.update(code_columns(part.get("code"), OBSERVATION_CODE_TYPES))
            row.update(_value(part))
            row["observation_id"] = part_id
            row["panel_id"] = res["id"] if part is not res else None
            row["observation_date"] = effective or issued
            row["observation_type"] = categories[0] if categories else None
            row["reason_code"] = _not_done_reason(res)
            rows.append(row)
        table = sink.table("observation", OBSERVATION_COLUMNS)
    for row in rows:  # added only once the whole resource was read
        table.add(row)


def procedure(res: Resource, sink: Sink) -> None:
    aliases = sink.aliases
    performers = res.get("performer")
    row: Row = {
        "procedure_id": res["id"],
        "person_id": ref_id(res.get("subject"), aliases),
        "encounter_id": ref_id(res.get("encounter"), aliases),
        "procedure_date": period_start(res, "performed"),
        "status": res.get("status"),
        "practitioner_id": clinician(performers[0].get("actor"), aliases) if performers else None,
        ROW_REF: row_ref(res),
    }
    row.update(code_columns(res.get("code"), PROCEDURE_CODE_TYPES))
    sink.table("procedure", PROCEDURE_COLUMNS).add(row)


def medication_code(row: Row, concept: Resource | None) -> None:
    """Fill a medication row's code columns from a medication CodeableConcept."""
    row.update(code_columns(concept, MEDICATION_CODE_TYPES))
    row["rxnorm_code"] = code_of(concept, "rxnorm")
    row["ndc_code"] = code_of(concept, "ndc")


def medication_request(res: Resource, sink: Sink) -> None:
    aliases = sink.aliases
    supply = res.get("dispenseRequest") or {}
    duration = supply.get("expectedSupplyDuration") or {}
    per_unit = DAYS_PER_UNIT.get(duration.get("code") or "d")
    days = duration.get("value")
    reasons = res.get("reasonCode")
    row: Row = {
        "medication_id": res["id"],
        "person_id": ref_id(res.get("subject"), aliases),
        "encounter_id": ref_id(res.get("encounter"), aliases),
        "prescribing_date": day(res.get("authoredOn")),
        "status": NOT_DONE if res.get("doNotPerform") is True else res.get("status"),
        "intent": res.get("intent"),
        "reason_code": code_of(reasons[0]) if reasons else None,
        "quantity": number((supply.get("quantity") or {}).get("value")),
        "days_supply": number(days * per_unit) if days is not None and per_unit else None,
        "practitioner_id": clinician(res.get("requester"), aliases),
        ROW_REF: row_ref(res),
    }
    concept = res.get("medicationCodeableConcept")
    reference = res.get("medicationReference")
    if concept is None and reference:
        target = reference.get("reference") or ""
        if target.startswith("#"):
            contained = [c for c in res.get("contained") or () if c.get("id") == target[1:]]
            concept = contained[0].get("code") if contained else None
        else:  # a Medication elsewhere in the submission: resolved once every file is read
            sink.medication_requests.append((sink.file_name, row, ref_id(reference, aliases)))
            return
    medication_code(row, concept)
    sink.table("medication", MEDICATION_COLUMNS).add(row)


def immunization(res: Resource, sink: Sink) -> None:
    aliases = sink.aliases
    performers = res.get("performer")
    row: Row = {
        "immunization_id": res["id"],
        "person_id": ref_id(res.get("patient"), aliases),
        "encounter_id": ref_id(res.get("encounter"), aliases),
        "status": res.get("status"),
        "occurrence_date": day(res.get("occurrenceDateTime")),
        "lot_number": res.get("lotNumber"),
        "practitioner_id": clinician(performers[0].get("actor"), aliases) if performers else None,
        ROW_REF: row_ref(res),
    }
    row.update(code_columns(res.get("vaccineCode"), ("cvx", "ndc")))
    sink.table("immunization", IMMUNIZATION_COLUMNS).add(row)


def finish_medication_requests(sink: Sink) -> None:
    """Medication rows whose code is on a Medication resource read elsewhere in the submission."""
    for file_name, row, medication_id in sink.medication_requests:
        sink.file_name = file_name
        concept = sink.medications.get(medication_id or "")
        if concept is None:
            reason = (
                f"its medication {medication_id} is neither contained nor in the submission; "
                "send the Medication resources too"
            )
            sink.problems.append(RowProblem(file_name, row[ROW_REF] or "", reason, "medication"))
            continue
        medication_code(row, concept)
        sink.table("medication", MEDICATION_COLUMNS).add(row)
    sink.medication_requests.clear()
