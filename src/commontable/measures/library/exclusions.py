"""Shared denominator exclusions of the CMS eCQMs (2025 libraries, CQL in ecqm-2025/cql):

* Hospice 6.12.000 "Has Hospice Services"
* PalliativeCare 1.11.000 "Has Palliative Care in the Measurement Period"
* AdvancedIllnessandFrailty 1.16.000: frailty with advanced illness (66+), nursing home (66+)

Each function returns the people it applies to (a `person_id` column). Not read yet, because the
canonical model has no table for them: ServiceRequest (hospice orders) and DeviceRequest
(frailty device orders); the other criteria are read from records and from claims alike.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from commontable.measures.codes import CodeList, direct, valueset
from commontable.measures.period import day, during, overlaps, prevalent
from commontable.measures.records import Records

CQL = "CMS eCQM 2025 CQL (ecqm-2025/cql)"
ENCOUNTER_INPATIENT = valueset("2.16.840.1.113883.3.666.5.307")
HOSPICE_ENCOUNTER = valueset("2.16.840.1.113883.3.464.1003.1003")
HOSPICE_CARE_AMBULATORY = valueset("2.16.840.1.113883.3.526.3.1584")
HOSPICE_DIAGNOSIS = valueset("2.16.840.1.113883.3.464.1003.1165")
# Hospice.cql direct-reference codes: the MDS hospice item answered "Yes".
HOSPICE_ASSESSMENT = direct("Hospice care [Minimum Data Set]", "loinc", ["45755-6"], CQL)
YES = "373066001"
# Hospice.cql discharge dispositions (SNOMED CT), and the same on claims and ADT: NUBC UB-04
# patient discharge status 50 (hospice - home) and 51 (hospice - medical facility).
HOSPICE_DISCHARGES = ("428361000124107", "428371000124100", "50", "51")
# UB-04 type of bill 11x: hospital inpatient (NUBC Official UB-04 Data Specifications, FL 4;
# sent as 3 digits, or 4 with a leading 0).
INPATIENT_BILL = ("11", "011")

PALLIATIVE_ASSESSMENT = direct("FACIT-Pal", "loinc", ["71007-9"], CQL)
PALLIATIVE_DIAGNOSIS = valueset("2.16.840.1.113883.3.464.1003.1167")
PALLIATIVE_ENCOUNTER = valueset("2.16.840.1.113883.3.464.1003.101.12.1090")
PALLIATIVE_INTERVENTION = valueset("2.16.840.1.113883.3.464.1003.198.12.1135")

ADVANCED_ILLNESS = valueset("2.16.840.1.113883.3.464.1003.110.12.1082")
DEMENTIA_MEDICATIONS = valueset("2.16.840.1.113883.3.464.1003.196.12.1510")
FRAILTY_DEVICE = valueset("2.16.840.1.113883.3.464.1003.118.12.1300")
FRAILTY_DIAGNOSIS = valueset("2.16.840.1.113883.3.464.1003.113.12.1074")
FRAILTY_ENCOUNTER = valueset("2.16.840.1.113883.3.464.1003.101.12.1088")
FRAILTY_SYMPTOM = valueset("2.16.840.1.113883.3.464.1003.113.12.1075")
EQUIPMENT_USED = direct("Medical equipment used", "loinc", ["98181-1"], CQL)
HOUSING_STATUS = direct("Housing status", "loinc", ["71802-3"], CQL)
LIVES_IN_NURSING_HOME = "160734000"
# Inpatient encounters carrying a discharge disposition (canonical encounter_type).
INPATIENT = "acute inpatient"
# QI-Core isMedicationActive (Status.cql): status active; a source without status counts.
ACTIVE = "active"

CODES: tuple[CodeList, ...] = (
    ENCOUNTER_INPATIENT,
    HOSPICE_ENCOUNTER,
    HOSPICE_CARE_AMBULATORY,
    HOSPICE_DIAGNOSIS,
    HOSPICE_ASSESSMENT,
    PALLIATIVE_ASSESSMENT,
    PALLIATIVE_DIAGNOSIS,
    PALLIATIVE_ENCOUNTER,
    PALLIATIVE_INTERVENTION,
    ADVANCED_ILLNESS,
    DEMENTIA_MEDICATIONS,
    FRAILTY_DIAGNOSIS,
    FRAILTY_ENCOUNTER,
    FRAILTY_SYMPTOM,
    EQUIPMENT_USED,
    HOUSING_STATUS,
)


def inpatient_bill(bill_type: ir.StringValue) -> ir.BooleanValue:
    """True for a hospital inpatient type of bill (11x)."""
    code = bill_type
    return code.startswith(INPATIENT_BILL[0]) | code.startswith(INPATIENT_BILL[1])


def _people(*tables: ir.Table) -> ir.Table:
    return ibis.union(*(t.select("person_id") for t in tables), distinct=False)


def has_hospice(records: Records) -> ir.Table:
    """Hospice.cql "Has Hospice Services", from encounters, claims, assessments and diagnoses."""
    first, last = records.period.start, records.period.end
    coded_stay = records.services_in(ENCOUNTER_INPATIENT)
    coded_stay = coded_stay.filter(
        coded_stay.discharge_disposition.isin(HOSPICE_DISCHARGES)
        & during(coded_stay.end_date, first, last)
    )
    visits = records.encounters
    end = visits.encounter_end_date.fill_null(visits.encounter_start_date)
    stay = visits.filter(
        (visits.encounter_type == INPATIENT)
        & visits.discharge_disposition_code.isin(HOSPICE_DISCHARGES)
        & during(end, first, last)
    )
    claims = records.claims
    discharged = claims.discharge_date.fill_null(claims.claim_end_date)
    billed_stay = claims.filter(
        inpatient_bill(claims.bill_type_code)
        & claims.discharge_disposition_code.isin(HOSPICE_DISCHARGES)
        & during(discharged, first, last)
    )
    hospice = records.services_in(HOSPICE_ENCOUNTER, HOSPICE_CARE_AMBULATORY)
    hospice = hospice.filter(overlaps(hospice.start_date, hospice.end_date, first, last))
    assessed = records.results_in(HOSPICE_ASSESSMENT)
    assessed = assessed.filter((assessed.value_code == YES) & during(assessed.date, first, last))
    diagnosed = records.conditions_in(HOSPICE_DIAGNOSIS)
    diagnosed = diagnosed.filter(prevalent(diagnosed.start_date, diagnosed.end_date, first, last))
    return _people(coded_stay, stay, billed_stay, hospice, assessed, diagnosed)


def has_palliative_care(records: Records) -> ir.Table:
    """PalliativeCare.cql: an assessment, diagnosis, encounter or intervention in the period."""
    first, last = records.period.start, records.period.end
    assessed = records.results_in(PALLIATIVE_ASSESSMENT)
    assessed = assessed.filter(during(assessed.date, first, last))
    diagnosed = records.conditions_in(PALLIATIVE_DIAGNOSIS)
    diagnosed = diagnosed.filter(prevalent(diagnosed.start_date, diagnosed.end_date, first, last))
    cared = records.services_in(PALLIATIVE_ENCOUNTER, PALLIATIVE_INTERVENTION)
    cared = cared.filter(overlaps(cared.start_date, cared.end_date, first, last))
    return _people(assessed, diagnosed, cared)


def has_frailty(records: Records) -> ir.Table:
    """AdvancedIllnessandFrailty "Has Criteria Indicating Frailty" in the period.

    Frailty symptoms are read from observations (as the CQL does) and from claim diagnoses,
    which is how claims carry them.
    """
    first, last = records.period.start, records.period.end
    devices = [code for _, code in FRAILTY_DEVICE.codes]
    equipment = records.results_in(EQUIPMENT_USED)
    equipment = equipment.filter(
        equipment.value_code.isin(devices) & during(equipment.date, first, last)
    )
    diagnosed = records.conditions_in(FRAILTY_DIAGNOSIS)
    diagnosed = diagnosed.filter(prevalent(diagnosed.start_date, diagnosed.end_date, first, last))
    seen = records.services_in(FRAILTY_ENCOUNTER)
    seen = seen.filter(overlaps(seen.start_date, seen.end_date, first, last))
    symptom = records.results_in(FRAILTY_SYMPTOM)
    symptom = symptom.filter(during(symptom.date, first, last))
    billed = records.conditions_in(FRAILTY_SYMPTOM)
    billed = billed.filter(
        (billed.source == "claim") & prevalent(billed.start_date, billed.end_date, first, last)
    )
    return _people(equipment, diagnosed, seen, symptom, billed)


def has_advanced_illness(records: Records) -> ir.Table:
    """Advanced illness starting in the year before or during the period, or dementia drugs."""
    period = records.period
    first, last = period.years_before(1), period.end
    ill = records.conditions_in(ADVANCED_ILLNESS)
    ill = ill.filter(ill.start_date.notnull() & during(ill.start_date, first, last))
    drugs = records.medications_in(DEMENTIA_MEDICATIONS)
    drugs = drugs.filter(
        (drugs.status.isnull() | (drugs.status == ACTIVE))
        & overlaps(drugs.start_date, drugs.end_date, first, last)
    )
    return _people(ill, drugs)


def _aged(records: Records, low: int, high: int | None = None) -> ir.Table:
    persons = records.persons
    old = persons.age >= low if high is None else persons.age.between(low, high)
    return persons.filter(old).select("person_id")


def frail_with_advanced_illness(
    records: Records, low: int = 66, high: int | None = None
) -> ir.Table:
    """Age `low` (to `high`) or older, frail, and with advanced illness or dementia drugs."""
    aged = _aged(records, low, high)
    frail = aged.filter(aged.person_id.isin(has_frailty(records).person_id))
    return frail.filter(frail.person_id.isin(has_advanced_illness(records).person_id))


def frail_66_to_80_with_advanced_illness_or_frail_81_plus(records: Records) -> ir.Table:
    """AdvancedIllnessandFrailty "Is Age 66 to 80 with Advanced Illness and Frailty or Is Age
    81 or Older with Frailty" (CMS165)."""
    older = _aged(records, 81)
    older = older.filter(older.person_id.isin(has_frailty(records).person_id))
    return _people(frail_with_advanced_illness(records, 66, 80), older)


def in_nursing_home(records: Records) -> ir.Table:
    """Age 66+ whose last housing status on or before the period's end is "nursing home"."""
    answers = records.results_in(HOUSING_STATUS)
    answers = answers.filter(answers.date <= day(records.period.end))
    ranked = answers.mutate(
        rank=ibis.row_number().over(
            group_by="person_id", order_by=[ibis.desc(answers.date), answers.value_code]
        )
    )
    last = ranked.filter((ranked.rank == 0) & (ranked.value_code == LIVES_IN_NURSING_HOME))
    aged = _aged(records, 66)
    return aged.filter(aged.person_id.isin(last.person_id))
