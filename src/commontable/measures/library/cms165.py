"""CMS165 Controlling High Blood Pressure: adults 18-85 with essential hypertension whose most
recent blood pressure of the period is below 140/90. CQL: ControllingHighBloodPressureFHIR
0.1.000 (ecqm-2025/cql).

Hybrid: a reading is a systolic or diastolic observation (LOINC) or a claim's result code (CPT
Category II, or the QPP G-codes). Readings taken in an emergency department or inpatient stay
do not count. The latest day with both a systolic and a diastolic reading decides, by its
lowest of each.
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir

from commontable.measures.codes import CodeList, direct, valueset
from commontable.measures.definition import PROPORTION, Measure
from commontable.measures.library import encounters, exclusions
from commontable.measures.period import Period, day, during, prevalent
from commontable.measures.records import Records

CQL = "CQL direct-reference code"
ESSENTIAL_HYPERTENSION = valueset("2.16.840.1.113883.3.464.1003.104.12.1011")
PREGNANCY = valueset("2.16.840.1.113883.3.526.3.378")
END_STAGE_RENAL_DISEASE = valueset("2.16.840.1.113883.3.526.3.353")
KIDNEY_TRANSPLANT_RECIPIENT = valueset("2.16.840.1.113883.3.464.1003.109.12.1029")
CKD_STAGE_5 = valueset("2.16.840.1.113883.3.526.3.1002")
KIDNEY_TRANSPLANT = valueset("2.16.840.1.113883.3.464.1003.109.12.1012")
DIALYSIS_SERVICES = valueset("2.16.840.1.113883.3.464.1003.109.12.1013")
ESRD_MONTHLY_SERVICES = valueset("2.16.840.1.113883.3.464.1003.109.12.1014")
SYSTOLIC = direct("Systolic blood pressure", "loinc", ["8480-6"], CQL)
DIASTOLIC = direct("Diastolic blood pressure", "loinc", ["8462-4"], CQL)
# Blood pressure on claims, each code read as the bound of its range nearest to 140/90:
# CPT Category II 3074F (<130), 3075F (130-139), 3077F (>=140) systolic and 3078F (<80), 3079F
# (80-89), 3080F (>=90) diastolic (AMA CPT descriptors, as NCQA HEDIS CBP takes them); HCPCS
# G8752/G8753 systolic <140/>=140, G8754/G8755 diastolic <90/>=90 (CMS QPP Quality ID #236).
CPT_II = "AMA CPT Category II descriptors (NCQA HEDIS Controlling High Blood Pressure)"
QPP_236 = "CMS Quality Payment Program, Quality ID #236 (2025), https://qpp.cms.gov"
SYSTOLIC_BILLED = {
    direct("Systolic < 130", "hcpcs", ["3074F"], CPT_II): 129.0,
    direct("Systolic 130-139", "hcpcs", ["3075F"], CPT_II): 139.0,
    direct("Systolic >= 140", "hcpcs", ["3077F"], CPT_II): 140.0,
    direct("Systolic < 140 (QPP)", "hcpcs", ["G8752"], QPP_236): 139.0,
    direct("Systolic >= 140 (QPP)", "hcpcs", ["G8753"], QPP_236): 140.0,
}
DIASTOLIC_BILLED = {
    direct("Diastolic < 80", "hcpcs", ["3078F"], CPT_II): 79.0,
    direct("Diastolic 80-89", "hcpcs", ["3079F"], CPT_II): 89.0,
    direct("Diastolic >= 90", "hcpcs", ["3080F"], CPT_II): 90.0,
    direct("Diastolic < 90 (QPP)", "hcpcs", ["G8754"], QPP_236): 89.0,
    direct("Diastolic >= 90 (QPP)", "hcpcs", ["G8755"], QPP_236): 90.0,
}
# Encounter classes whose readings the CQL leaves out (EMER, IMP, ACUTE, NONAC, PRENC, SS), as
# canonical encounter types (HL7 v3 ActEncounterCode).
ACUTE_SETTINGS = ("emergency department", "acute inpatient", "observation", "skilled nursing")
AGES = (18, 85)
SYSTOLIC_BELOW, DIASTOLIC_BELOW = 140.0, 90.0


def first_half(period: Period) -> tuple[date, date]:
    """CQL Interval[start of "Measurement Period", start + 6 months), as days."""
    return period.start, date(period.year, 6, 30)


def initial_population(records: Records) -> ir.Table:
    persons = records.persons
    adults = persons.filter(persons.age.between(*AGES))
    first, last = first_half(records.period)
    hypertension = records.conditions_in(ESSENTIAL_HYPERTENSION)
    hypertension = hypertension.filter(
        prevalent(hypertension.start_date, hypertension.end_date, first, last)
    )
    seen = adults.filter(adults.person_id.isin(encounters.qualifying_encounters(records).person_id))
    return seen.filter(seen.person_id.isin(hypertension.person_id))


def denominator_exclusion(records: Records) -> ir.Table:
    period = records.period
    end = day(period.end)
    diagnosed = records.conditions_in(
        PREGNANCY, END_STAGE_RENAL_DISEASE, KIDNEY_TRANSPLANT_RECIPIENT, CKD_STAGE_5
    )
    diagnosed = diagnosed.filter(
        prevalent(diagnosed.start_date, diagnosed.end_date, period.start, period.end)
    )
    treated = records.services_in(KIDNEY_TRANSPLANT, DIALYSIS_SERVICES)
    treated = treated.filter(treated.end_date <= end)
    monthly = records.services_in(ESRD_MONTHLY_SERVICES)
    monthly = monthly.filter(monthly.start_date <= end)
    return ibis.union(
        exclusions.has_hospice(records),
        diagnosed.select("person_id"),
        treated.select("person_id"),
        monthly.select("person_id"),
        exclusions.frail_66_to_80_with_advanced_illness_or_frail_81_plus(records),
        exclusions.in_nursing_home(records),
        exclusions.has_palliative_care(records),
        distinct=False,
    )


def _readings(records: Records, coded: CodeList, billed: dict[CodeList, float]) -> ir.Table:
    """person_id, date, value of one component in the period, outside acute settings."""
    period = records.period
    found = records.results_in(coded)
    found = found.filter(during(found.date, period.start, period.end))
    visits = records.encounters
    acute = visits.filter(visits.encounter_type.isin(ACUTE_SETTINGS)).select(
        _source="data_source", _encounter="encounter_id"
    )
    found = found.anti_join(
        acute, [found.data_source == acute._source, found.encounter_id == acute._encounter]
    )
    parts = [found.select("person_id", "date", "value")]
    for codes, value in billed.items():
        claims = records.services_in(codes)
        claims = claims.filter(during(claims.end_date, period.start, period.end))
        parts.append(
            claims.select("person_id", date=claims.end_date, value=ibis.literal(value, "float64"))
        )
    return ibis.union(*parts, distinct=False)


def _lowest_by_day(readings: ir.Table, name: str) -> ir.Table:
    """Per person and day: the lowest value, and whether a reading had no value (sorted first)."""
    return readings.group_by(["person_id", "date"]).aggregate(
        **{name: readings.value.min(), f"{name}_missing": readings.value.isnull().any()}
    )


def numerator(records: Records) -> ir.Table:
    """The latest day with both readings has its lowest systolic < 140 and diastolic < 90."""
    systolic = _lowest_by_day(_readings(records, SYSTOLIC, SYSTOLIC_BILLED), "systolic")
    diastolic = _lowest_by_day(_readings(records, DIASTOLIC, DIASTOLIC_BILLED), "diastolic")
    days = systolic.join(diastolic, ["person_id", "date"])
    ranked = days.mutate(
        rank=ibis.row_number().over(group_by="person_id", order_by=ibis.desc(days.date))
    )
    latest = ranked.filter(ranked.rank == 0)
    controlled = latest.filter(
        ~latest.systolic_missing
        & ~latest.diastolic_missing
        & (latest.systolic < SYSTOLIC_BELOW)
        & (latest.diastolic < DIASTOLIC_BELOW)
    )
    return controlled.select("person_id")


MEASURE = Measure(
    id="CMS165",
    title="Controlling High Blood Pressure",
    steward="National Committee for Quality Assurance (NCQA)",
    version="CMS165v13 (ControllingHighBloodPressureFHIR 0.1.000), 2025 performance period",
    source="https://ecqi.healthit.gov/ecqm/ec/2025/cms0165v13",
    type=PROPORTION,
    higher_is_better=True,
    codes=(
        *encounters.QUALIFYING,
        *exclusions.CODES,
        ESSENTIAL_HYPERTENSION,
        PREGNANCY,
        END_STAGE_RENAL_DISEASE,
        KIDNEY_TRANSPLANT_RECIPIENT,
        CKD_STAGE_5,
        KIDNEY_TRANSPLANT,
        DIALYSIS_SERVICES,
        ESRD_MONTHLY_SERVICES,
        SYSTOLIC,
        DIASTOLIC,
        *SYSTOLIC_BILLED,
        *DIASTOLIC_BILLED,
    ),
    initial_population=initial_population,
    denominator_exclusion=denominator_exclusion,
    numerator=numerator,
)
