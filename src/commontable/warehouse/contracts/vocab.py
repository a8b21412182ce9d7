"""Allowed values shared by several contracts (Tuva Project input layer conventions)."""

# Tuva input layer: eligibility.gender / patient.sex
SEX = ("male", "female", "other", "unknown")
# OMB race categories as spelled in the Tuva Project terminology
RACE = (
    "american indian or alaska native",
    "asian",
    "black or african american",
    "native hawaiian or other pacific islander",
    "white",
    "other race",
    "unknown",
)
ETHNICITY = ("hispanic or latino", "not hispanic or latino", "unknown")
PAYER_TYPE = ("commercial", "medicare", "medicare advantage", "medicaid", "self-pay", "other")
CLAIM_TYPE = ("professional", "institutional", "dental", "vision")
ENCOUNTER_TYPE = (
    "acute inpatient",
    "emergency department",
    "observation",
    "office visit",
    "telehealth",
    "outpatient",
    "urgent care",
    "home health",
    "skilled nursing",
    "lab",
    "other",
)
CODE_TYPE_DIAGNOSIS = ("icd-10-cm", "icd-9-cm", "snomed-ct")
CODE_TYPE_PROCEDURE = ("icd-10-pcs", "hcpcs", "cpt", "snomed-ct", "loinc")
CONDITION_STATUS = ("active", "recurrence", "relapse", "inactive", "remission", "resolved")
CONDITION_TYPE = ("problem", "encounter diagnosis", "admitting diagnosis", "billing")
# HL7 table 0004 patient class
PATIENT_CLASS = ("E", "I", "O", "P", "R", "B", "C", "N", "U")
# ADT trigger events CommonTable reads (HL7 v2.5.1 chapter 3, Table 0003): A01 admit, A02
# transfer, A03 discharge, A04 register (ED, outpatient), A08 update, A11 cancel admit / visit
# notification, A13 cancel discharge. A reader of adt_event honours the cancellations.
ADT_EVENTS = ("A01", "A02", "A03", "A04", "A08", "A11", "A13")
IMMUNIZATION_STATUS = ("completed", "entered-in-error", "not-done")
SDOH_DOMAINS = (
    "food insecurity",
    "housing instability",
    "housing quality",
    "transportation",
    "utilities",
    "interpersonal safety",
    "financial strain",
    "social isolation",
)
ORGANIZATION_TYPE = (
    "health plan",
    "hospital",
    "clinic",
    "medical group",
    "cbo",
    "employer",
    "public health",
    "consumer advocate",
    "collaborative",
    "other",
)
