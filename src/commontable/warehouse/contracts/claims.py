"""Claims contracts: eligibility, medical and pharmacy claims (Tuva Project input layer)."""

from commontable.warehouse.contracts import codes, vocab
from commontable.warehouse.contracts.model import Column, Contract, RepeatingGroup

TUVA = "Tuva Project input layer (thetuvaproject.com/data-dictionaries)"

_person = (
    Column("person_id", required=True, description="the submitter's own id for the person"),
    Column("member_id", description="the plan's member id"),
)

ELIGIBILITY = Contract(
    "eligibility",
    "One row per enrollment span of a member in a plan.",
    (
        *_person,
        Column("subscriber_id", description="id of the subscriber the member is covered under"),
        Column("gender", allowed=vocab.SEX, required=True, description="sex of the member"),
        Column("race", allowed=vocab.RACE, description="OMB race category"),
        Column("ethnicity", allowed=vocab.ETHNICITY, description="OMB ethnicity"),
        Column("birth_date", "date", required=True, description="date of birth"),
        Column("death_date", "date", description="date of death"),
        Column("death_flag", "boolean", description="true when the member has died"),
        Column("enrollment_start_date", "date", required=True, description="span start"),
        Column("enrollment_end_date", "date", description="span end (inclusive); empty if ongoing"),
        Column("payer", required=True, description="the health plan organization"),
        Column(
            "payer_type", allowed=vocab.PAYER_TYPE, required=True, description="line of business"
        ),
        Column("plan", description="the benefit plan or product"),
        Column("employer_group", description="employer group (purchaser) of a commercial member"),
        Column("original_reason_entitlement_code", description="Medicare OREC"),
        Column("dual_status_code", description="Medicare-Medicaid dual status code"),
        Column("medicare_status_code", description="Medicare status code"),
        Column("first_name", description="given name"),
        Column("last_name", description="family name"),
        Column("social_security_number", code_system=codes.SSN, description="SSN"),
        Column(
            "subscriber_relation", description="relation to the subscriber (self, spouse, child)"
        ),
        Column("address", description="street address"),
        Column("city", description="city"),
        Column("state", code_system=codes.STATE, description="state"),
        Column("zip_code", code_system=codes.ZIP, description="ZIP code"),
        Column("phone", code_system=codes.PHONE, description="phone number"),
        Column("attributed_npi", code_system=codes.NPI, description="plan-assigned PCP NPI"),
    ),
    key=("person_id", "payer", "plan", "enrollment_start_date"),
    ordered=(("enrollment_start_date", "enrollment_end_date"), ("birth_date", "death_date")),
    source=TUVA,
)

_diagnosis_group = RepeatingGroup(
    prefix_fields=(
        Column("diagnosis_code", code_system=codes.ICD10CM, description="ICD-10-CM diagnosis"),
        Column(
            "diagnosis_poa", allowed=("Y", "N", "U", "W", "1"), description="present on admission"
        ),
    ),
    count=25,
    stored_as="claim_diagnosis",
    sequence_column="diagnosis_sequence",
    key=("claim_id", "person_id"),
)
_procedure_group = RepeatingGroup(
    prefix_fields=(
        Column("procedure_code", code_system=codes.ICD10PCS, description="ICD-10-PCS procedure"),
        Column("procedure_date", "date", description="date of the ICD-10-PCS procedure"),
    ),
    count=25,
    stored_as="claim_procedure",
    sequence_column="procedure_sequence",
    key=("claim_id", "person_id"),
)

MEDICAL_CLAIM = Contract(
    "medical_claim",
    "One row per claim line of a professional or institutional claim.",
    (
        Column("claim_id", required=True, description="claim id, unique within the payer"),
        Column("claim_line_number", "integer", required=True, description="line number"),
        Column("claim_type", allowed=vocab.CLAIM_TYPE, required=True, description="claim form"),
        *_person,
        Column("payer", required=True, description="the paying health plan"),
        Column("plan", description="the benefit plan"),
        Column("claim_start_date", "date", required=True, description="first date of service"),
        Column("claim_end_date", "date", required=True, description="last date of service"),
        Column("claim_line_start_date", "date", description="line first date of service"),
        Column("claim_line_end_date", "date", description="line last date of service"),
        Column("admission_date", "date", description="inpatient admission date"),
        Column("discharge_date", "date", description="inpatient discharge date"),
        Column("admit_source_code", code_system=codes.ADMIT_SOURCE, description="point of origin"),
        Column(
            "admit_type_code", code_system=codes.ADMIT_TYPE, description="priority of admission"
        ),
        Column(
            "discharge_disposition_code",
            code_system=codes.DISCHARGE_DISPOSITION,
            description="patient discharge status",
        ),
        Column("place_of_service_code", code_system=codes.PLACE_OF_SERVICE, description="CMS POS"),
        Column("bill_type_code", code_system=codes.BILL_TYPE, description="UB-04 type of bill"),
        Column("drg_code", code_system=codes.MS_DRG, description="MS-DRG"),
        Column("revenue_center_code", code_system=codes.REVENUE, description="UB-04 revenue code"),
        Column("service_unit_quantity", "decimal", description="units of service"),
        Column("hcpcs_code", code_system=codes.HCPCS, description="CPT/HCPCS procedure"),
        Column("hcpcs_modifier_1", description="first modifier"),
        Column("hcpcs_modifier_2", description="second modifier"),
        Column("rendering_npi", code_system=codes.NPI, description="rendering clinician"),
        Column("billing_npi", code_system=codes.NPI, description="billing provider"),
        Column("facility_npi", code_system=codes.NPI, description="facility"),
        Column("paid_date", "date", description="date the claim was paid"),
        Column("paid_amount", "decimal", required=True, description="amount the plan paid"),
        Column("allowed_amount", "decimal", description="allowed amount"),
        Column("charge_amount", "decimal", description="billed charges"),
        Column("diagnosis_code_type", allowed=vocab.CODE_TYPE_DIAGNOSIS, description="code system"),
        Column(
            "procedure_code_type", allowed=("icd-10-pcs", "icd-9-pcs"), description="code system"
        ),
    ),
    key=("claim_id", "claim_line_number"),
    source=TUVA,
    repeating=(_diagnosis_group, _procedure_group),
    ordered=(("claim_start_date", "claim_end_date"), ("admission_date", "discharge_date")),
)

PHARMACY_CLAIM = Contract(
    "pharmacy_claim",
    "One row per dispensed prescription line.",
    (
        Column("claim_id", required=True, description="claim id"),
        Column("claim_line_number", "integer", required=True, description="line number"),
        *_person,
        Column("payer", required=True, description="the paying health plan"),
        Column("plan", description="the benefit plan"),
        Column("prescribing_provider_npi", code_system=codes.NPI, description="prescriber"),
        Column("dispensing_provider_npi", code_system=codes.NPI, description="pharmacy"),
        Column("dispensing_date", "date", required=True, description="date dispensed"),
        Column("ndc_code", code_system=codes.NDC, required=True, description="drug dispensed"),
        Column("quantity", "decimal", description="quantity dispensed"),
        Column("days_supply", "integer", description="days supply"),
        Column("refills", "integer", description="refill number"),
        Column("paid_date", "date", description="date paid"),
        Column("paid_amount", "decimal", required=True, description="amount the plan paid"),
        Column("allowed_amount", "decimal", description="allowed amount"),
        Column("charge_amount", "decimal", description="billed amount"),
        Column("copayment_amount", "decimal", description="member copay"),
    ),
    key=("claim_id", "claim_line_number"),
    source=TUVA,
)
