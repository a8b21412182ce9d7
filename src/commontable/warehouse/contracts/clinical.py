"""Clinical contracts: the EHR side of a member's data (Tuva Project input layer)."""

from commontable.warehouse.contracts import codes, vocab
from commontable.warehouse.contracts.model import Column, Contract

TUVA = "Tuva Project input layer (thetuvaproject.com/data-dictionaries)"

_person = (Column("person_id", required=True, description="the submitter's own id for the person"),)
_encounter = Column("encounter_id", description="the encounter this record belongs to")
_practitioner = Column("practitioner_id", description="the clinician (NPI where known)")


def _code(required: bool = True) -> tuple[Column, ...]:
    return (
        Column("source_code_type", required=required, description="code system of source_code"),
        Column("source_code", required=required, description="code as recorded"),
        Column("source_description", description="description as recorded"),
    )


PATIENT = Contract(
    "patient",
    "One row per person known to a clinical submitter, with demographics.",
    (
        *_person,
        Column("first_name", description="given name"),
        Column("last_name", description="family name"),
        Column("sex", allowed=vocab.SEX, required=True, description="administrative sex"),
        Column("race", allowed=vocab.RACE, description="OMB race category"),
        Column("ethnicity", allowed=vocab.ETHNICITY, description="OMB ethnicity"),
        Column("birth_date", "date", required=True, description="date of birth"),
        Column("death_date", "date", description="date of death"),
        Column("death_flag", "boolean", description="true when the person has died"),
        Column("social_security_number", code_system=codes.SSN, description="SSN"),
        Column("address", description="street address"),
        Column("city", description="city"),
        Column("state", code_system=codes.STATE, description="state"),
        Column("zip_code", code_system=codes.ZIP, description="ZIP code"),
        Column("county", description="county name"),
        Column("phone", code_system=codes.PHONE, description="phone number"),
        Column("primary_care_npi", code_system=codes.NPI, description="the person's PCP"),
    ),
    key=("person_id",),
    ordered=(("birth_date", "death_date"),),
    source=TUVA,
)

ENCOUNTER = Contract(
    "encounter",
    "One row per visit, stay or contact.",
    (
        Column("encounter_id", required=True, description="encounter id"),
        *_person,
        Column("encounter_type", allowed=vocab.ENCOUNTER_TYPE, required=True, description="kind"),
        Column("encounter_start_date", "date", required=True, description="start"),
        Column("encounter_end_date", "date", description="end"),
        Column("encounter_code_type", description="code system of encounter_code (cpt, snomed-ct)"),
        Column("encounter_code", description="the visit's type code (CPT E&M, SNOMED CT)"),
        Column("admit_source_code", code_system=codes.ADMIT_SOURCE, description="point of origin"),
        Column("admit_type_code", code_system=codes.ADMIT_TYPE, description="priority"),
        Column(
            "discharge_disposition_code",
            code_system=codes.DISCHARGE_DISPOSITION,
            description="patient discharge status",
        ),
        Column("attending_provider_id", description="attending clinician (NPI)"),
        Column("facility_id", description="facility (NPI or location id)"),
        Column("facility_name", description="facility name"),
        Column("primary_diagnosis_code_type", description="code system of the primary diagnosis"),
        Column("primary_diagnosis_code", description="primary diagnosis"),
        Column("ms_drg_code", code_system=codes.MS_DRG, description="MS-DRG"),
        Column("paid_amount", "decimal", description="paid amount where known"),
    ),
    key=("encounter_id",),
    ordered=(("encounter_start_date", "encounter_end_date"),),
    source=TUVA,
)

CONDITION = Contract(
    "condition",
    "One row per diagnosis or problem-list entry.",
    (
        Column("condition_id", required=True, description="condition id"),
        *_person,
        _encounter,
        Column("recorded_date", "date", required=True, description="date recorded"),
        Column("onset_date", "date", description="onset"),
        Column("resolved_date", "date", description="abatement"),
        Column("status", allowed=vocab.CONDITION_STATUS, description="clinical status"),
        Column("condition_type", allowed=vocab.CONDITION_TYPE, description="kind of entry"),
        *_code(),
    ),
    key=("condition_id",),
    source=TUVA,
)

PROCEDURE = Contract(
    "procedure",
    "One row per procedure performed.",
    (
        Column("procedure_id", required=True, description="procedure id"),
        *_person,
        _encounter,
        Column("procedure_date", "date", required=True, description="date performed"),
        *_code(),
        Column("status", description="FHIR Procedure.status (completed, not-done...)"),
        _practitioner,
    ),
    key=("procedure_id",),
    source=TUVA,
)

LAB_RESULT = Contract(
    "lab_result",
    "One row per laboratory result.",
    (
        Column("lab_result_id", required=True, description="result id"),
        *_person,
        _encounter,
        *_code(),
        Column("status", description="final, amended, preliminary, cancelled"),
        Column("result", description="the value as reported"),
        Column("result_numeric", "decimal", description="the value as a number, when numeric"),
        Column("result_date", "date", required=True, description="date resulted"),
        Column("collection_date", "date", description="date collected"),
        Column("source_units", description="units (UCUM)"),
        Column("source_reference_range_low", description="reference range low"),
        Column("source_reference_range_high", description="reference range high"),
        Column("abnormal_flag", description="abnormal flag"),
        Column("ordering_practitioner_id", description="orderer"),
    ),
    key=("lab_result_id",),
    source=TUVA,
)

OBSERVATION = Contract(
    "observation",
    "One row per vital sign, assessment or other observation.",
    (
        Column("observation_id", required=True, description="observation id"),
        *_person,
        _encounter,
        Column("panel_id", description="panel the observation belongs to (blood pressure)"),
        Column("observation_date", "date", required=True, description="date observed"),
        Column("observation_type", description="vital-signs, survey, exam, social-history..."),
        *_code(),
        Column("result", description="the value as recorded"),
        Column("result_numeric", "decimal", description="the value as a number, when numeric"),
        Column("result_code", description="coded answer (LOINC LA, SNOMED CT)"),
        Column("source_units", description="units (UCUM)"),
        Column("status", description="final, amended, cancelled, entered-in-error"),
        Column("reason_code", description="why not done (status cancelled), SNOMED CT"),
    ),
    key=("observation_id",),
    source=TUVA,
)

MEDICATION = Contract(
    "medication",
    "One row per medication order or administration.",
    (
        Column("medication_id", required=True, description="medication record id"),
        *_person,
        _encounter,
        Column("prescribing_date", "date", required=True, description="date prescribed"),
        Column("dispensing_date", "date", description="date dispensed"),
        *_code(),
        Column("ndc_code", code_system=codes.NDC, description="NDC"),
        Column("rxnorm_code", code_system=codes.RXNORM, description="RxNorm RXCUI"),
        Column("status", description="active, completed, stopped...; not-done: do not give"),
        Column("intent", description="order, plan, proposal (FHIR MedicationRequest.intent)"),
        Column("reason_code", description="why ordered, or (not-done) why not, SNOMED CT"),
        Column("quantity", "decimal", description="quantity"),
        Column("days_supply", "integer", description="days supply"),
        _practitioner,
    ),
    key=("medication_id",),
    source=TUVA,
)

IMMUNIZATION = Contract(
    "immunization",
    "One row per vaccine given (or recorded as not given).",
    (
        Column("immunization_id", required=True, description="immunization id"),
        *_person,
        _encounter,
        *_code(),
        Column("status", allowed=vocab.IMMUNIZATION_STATUS, description="FHIR status"),
        Column("occurrence_date", "date", required=True, description="date given"),
        Column("lot_number", description="lot number"),
        _practitioner,
    ),
    key=("immunization_id",),
    source=TUVA,
)
