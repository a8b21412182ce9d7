"""Event feeds: hospital ADT notifications and social-needs (SDOH) screenings."""

from commontable.warehouse.contracts import codes, vocab
from commontable.warehouse.contracts.model import Column, Contract

ADT_EVENT = Contract(
    "adt_event",
    "One row per HL7v2 ADT message: who, where, and what happened (admit, transfer, discharge...).",
    (
        Column("message_control_id", required=True, description="MSH-10"),
        Column(
            "event_type", allowed=vocab.ADT_EVENTS, required=True, description="MSH-9.2 trigger"
        ),
        Column("event_datetime", "timestamp", required=True, description="EVN-2, else MSH-7"),
        Column("sending_facility", description="MSH-4"),
        Column("person_id", required=True, description="PID-3 first identifier (the MRN)"),
        Column("first_name", description="PID-5.2"),
        Column("last_name", description="PID-5.1"),
        Column("birth_date", "date", description="PID-7"),
        Column("sex", allowed=vocab.SEX, description="PID-8 mapped to male/female/other/unknown"),
        Column("address", description="PID-11.1"),
        Column("city", description="PID-11.3"),
        Column("state", code_system=codes.STATE, description="PID-11.4"),
        Column("zip_code", code_system=codes.ZIP, description="PID-11.5"),
        Column("phone", code_system=codes.PHONE, description="PID-13"),
        Column("social_security_number", code_system=codes.SSN, description="PID-19"),
        Column("patient_class", allowed=vocab.PATIENT_CLASS, description="PV1-2"),
        Column("visit_number", description="PV1-19"),
        Column("location", description="PV1-3 point of care"),
        Column("attending_npi", code_system=codes.NPI, description="PV1-7"),
        Column("admit_source_code", code_system=codes.ADMIT_SOURCE, description="PV1-14"),
        Column(
            "discharge_disposition_code",
            code_system=codes.DISCHARGE_DISPOSITION,
            description="PV1-36",
        ),
        Column("admit_datetime", "timestamp", description="PV1-44"),
        Column("discharge_datetime", "timestamp", description="PV1-45"),
        Column("diagnosis_code", code_system=codes.ICD10CM, description="DG1-3 first diagnosis"),
        Column("facility_npi", code_system=codes.NPI, description="the facility's NPI"),
    ),
    key=("message_control_id",),
    ordered=(("admit_datetime", "discharge_datetime"),),
)

SDOH_SCREENING = Contract(
    "sdoh_screening",
    "One row per answered question of a health-related social needs screening.",
    (
        Column(
            "screening_id", required=True, description="id of the screening (one questionnaire)"
        ),
        Column("person_id", required=True, description="the submitter's own id for the person"),
        Column("screening_date", "date", required=True, description="date answered"),
        Column("instrument", required=True, description="AHC HRSN, PRAPARE, or another tool"),
        Column("question_code", code_system=codes.LOINC, required=True, description="LOINC item"),
        Column("question", description="question text"),
        Column("answer_code", description="LOINC answer (LA) code"),
        Column("answer", description="answer text"),
        Column(
            "domain", allowed=vocab.SDOH_DOMAINS, description="social need the item screens for"
        ),
        Column(
            "positive_flag",
            "boolean",
            description="true when the answer indicates a need (listed instruments are scored "
            "by their own rules instead)",
        ),
    ),
    key=("screening_id", "question_code"),
)
