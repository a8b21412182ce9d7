"""CMS347 Statin Therapy for the Prevention and Treatment of Cardiovascular Disease: people at
high risk of cardiovascular events ordered or on a statin during the period. CQL:
StatinTherapyforthePreventionandTreatmentofCardiovascularDiseaseFHIR 0.2.000 (ecqm-2025/cql).

The CQL has four population groups, each with a qualifying encounter in the period: (1) ASCVD
diagnosed or treated by the period's end, at any age; (2) 20-75 at the period's start with an
LDL >= 190 mg/dL or familial hypercholesterolemia, without ASCVD; (3) 40-75 with diabetes,
without the above; (4) 40-75 with a 10-year cardiovascular risk >= 20% in the period, without
any of the above. They exclude one another and share their exclusions, exceptions and numerator,
so the measure is scored, as its rate aggregation says, as one proportion over their union
(`population_groups` tells each person's group).

Diagnoses count from every source (the CQL reads problem-list and health-concern entries only).
A statin counts when its order runs into the period (the CQL: written in the period, or dosage
bounds overlapping it). LDL values are taken as mg/dL (the value set's tests are mass/volume).
Not read yet: statin allergies and adverse events (AllergyIntolerance and AdverseEvent have no
canonical table), hospice orders (ServiceRequest), pharmacy claims (NDCs, no RxNorm map) and
encounter status (every encounter counts as finished).

Test deck 113/126. The 13 cases left are exceptions the data cannot reach yet: statin
allergies (16082e3d, 4120512a, afd6fd51), adverse reactions (4a0c6648, 5d926cc3, f3fd3dca),
hospice orders (3e09af44, 5b37b5a5, 9e01f70e, e4547b2c, f6a5913b), a hospice procedure whose
performedPeriod starts the day before the period (74499ca5; `procedure` keeps the start only);
and 695b64d8, an inactive rhabdomyolysis without abatement whose onset is the period's last day
(its description says the prior year's): `Records` takes such a diagnosis as known on its
onset day, the CQL leaves its end unknown, so it never overlaps the period.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from commontable.measures.codes import code_of, direct, valueset
from commontable.measures.definition import PROPORTION, Measure
from commontable.measures.library import exclusions
from commontable.measures.period import age_at, day, during, overlaps, prevalent
from commontable.measures.records import Records

CQL = "CQL direct-reference code"
# "Qualifying Encounter during day of Measurement Period" (VSAC value sets, 2025 expansions).
QUALIFYING = tuple(
    valueset(oid)
    for oid in (
        "2.16.840.1.113883.3.526.3.1240",  # Annual Wellness Visit
        "2.16.840.1.113883.3.464.1003.101.12.1001",  # Office Visit
        "2.16.840.1.113883.3.464.1003.101.12.1008",  # Outpatient Consultation
        "2.16.840.1.113883.3.526.3.1576",  # Outpatient Encounters for Preventive Care
        "2.16.840.1.113883.3.464.1003.101.12.1025",  # Preventive Care Established, 18 and Up
        "2.16.840.1.113883.3.464.1003.101.12.1026",  # Preventive Care Individual Counseling
        "2.16.840.1.113883.3.464.1003.101.12.1023",  # Preventive Care Initial, 18 and Up
        "2.16.840.1.113883.3.464.1003.101.11.1150",  # Preventive Care Services Other
    )
)
ASCVD_DIAGNOSES = (
    valueset("2.16.840.1.113883.3.526.3.403"),  # Myocardial Infarction
    valueset("2.16.840.1.113762.1.4.1047.44"),  # Cerebrovascular Disease Stroke or TIA
    valueset("2.16.840.1.113762.1.4.1047.21"),  # Atherosclerosis and Peripheral Arterial Disease
    valueset("2.16.840.1.113762.1.4.1047.46"),  # Ischemic Heart Disease or Other Related Dx
    valueset("2.16.840.1.113762.1.4.1047.47"),  # Stable and Unstable Angina
    direct("Subsequent NSTEMI myocardial infarction", "icd-10-cm", ["I22.2"], CQL),
)
ASCVD_PROCEDURES = (
    valueset("2.16.840.1.113762.1.4.1045.67"),  # PCI
    valueset("2.16.840.1.113883.3.666.5.694"),  # CABG Surgeries
    valueset("2.16.840.1.113883.3.117.1.7.1.204"),  # Carotid Intervention
    valueset("2.16.840.1.113762.1.4.1138.566"),  # CABG or PCI Procedure
)
LDL_CHOLESTEROL = valueset("2.16.840.1.113883.3.526.3.1573")
FAMILIAL_HYPERCHOLESTEROLEMIA = valueset("2.16.840.1.113762.1.4.1047.100")
DIABETES = valueset("2.16.840.1.113883.3.464.1003.103.12.1001")
TEN_YEAR_RISK = direct(
    "Cardiovascular disease 10Y risk", "loinc", ["99055-6", "79423-0"], CQL
)  # [Likelihood], and ACC-AHA Pooled Cohort by Goff 2013
BREASTFEEDING = valueset("2.16.840.1.113762.1.4.1047.73")
RHABDOMYOLYSIS = valueset("2.16.840.1.113762.1.4.1047.102")
EXCEPTED_DIAGNOSES = (
    valueset("2.16.840.1.113883.3.464.1003.110.12.1024"),  # Hepatitis A
    valueset("2.16.840.1.113883.3.67.1.101.1.269"),  # Hepatitis B
    valueset("2.16.840.1.113762.1.4.1047.42"),  # Liver Disease
    valueset("2.16.840.1.113762.1.4.1108.85"),  # Statin Associated Muscle Symptoms
    valueset("2.16.840.1.113883.3.526.3.353"),  # End Stage Renal Disease
)
STATINS = (
    valueset("2.16.840.1.113883.3.526.3.1574"),  # Low Intensity Statin Therapy
    valueset("2.16.840.1.113883.3.526.3.1575"),  # Moderate Intensity Statin Therapy
    valueset("2.16.840.1.113883.3.526.3.1572"),  # High Intensity Statin Therapy
)
# Compared with the reason of a statin recorded as not ordered (MedicationNotRequested).
MEDICAL_REASON = valueset("2.16.840.1.113883.3.526.3.1007")
HIGH_LDL = 190.0  # "LDL190.value as Quantity >= 190 'mg/dL'"
HIGH_RISK = 20.0  # "AtRiskCVD.value as Quantity >= 20 '%'"
LDL_AGES, DIABETES_AGES, RISK_AGES = (20, 75), (40, 75), (40, 75)  # at the period's start
# StatinPrescribed: status in {'active', 'completed'} and intent ~ 'order'.
ORDER_STATUSES, ORDER = ("active", "completed"), "order"


def qualifying_visits(records: Records) -> ir.Table:
    """Qualifying encounters wholly within the period: person_id, start_date, end_date."""
    period = records.period
    visits = records.services_in(*QUALIFYING)
    within = during(visits.start_date, period.start, period.end) & during(
        visits.end_date, period.start, period.end
    )
    return visits.filter(within).select("person_id", "start_date", "end_date")


def ascvd(records: Records) -> ir.Table:
    """An ASCVD diagnosis starting, or a completed ASCVD procedure, by the period's end."""
    end = day(records.period.end)
    diagnosed = records.conditions_in(*ASCVD_DIAGNOSES)
    diagnosed = diagnosed.filter(diagnosed.start_date.isnull() | (diagnosed.start_date <= end))
    treated = records.services_in(*ASCVD_PROCEDURES)
    treated = treated.filter(treated.start_date <= end)
    return ibis.union(diagnosed.select("person_id"), treated.select("person_id"), distinct=False)


def high_ldl(records: Records) -> ir.Table:
    """An LDL cholesterol of 190 mg/dL or more by the period's end."""
    ldl = records.results_in(LDL_CHOLESTEROL)
    ldl = ldl.filter((ldl.value >= HIGH_LDL) & (ldl.date <= day(records.period.end)))
    return ldl.select("person_id")


def hypercholesterolemia(records: Records) -> ir.Table:
    """Familial hypercholesterolemia starting by the period's end."""
    found = records.conditions_in(FAMILIAL_HYPERCHOLESTEROLEMIA)
    end = day(records.period.end)
    return found.filter(found.start_date.isnull() | (found.start_date <= end)).select("person_id")


def diabetes(records: Records) -> ir.Table:
    """Diabetes prevalent on a day of the period."""
    period = records.period
    found = records.conditions_in(DIABETES)
    found = found.filter(prevalent(found.start_date, found.end_date, period.start, period.end))
    return found.select("person_id")


def high_risk(records: Records) -> ir.Table:
    """A 10-year cardiovascular risk of 20% or more assessed in the period."""
    period = records.period
    risk = records.results_in(TEN_YEAR_RISK)
    risk = risk.filter((risk.value >= HIGH_RISK) & during(risk.date, period.start, period.end))
    return risk.select("person_id")


def population_groups(records: Records) -> ir.Table:
    """person_id and population (1-4): the CQL's initial population each person falls in."""
    persons = records.persons
    seen = persons.filter(persons.person_id.isin(qualifying_visits(records).person_id))
    people = seen.select("person_id", age=age_at(seen.birth_date, records.period.start))
    has_ascvd = people.person_id.isin(ascvd(records).person_id)
    has_ldl = people.person_id.isin(high_ldl(records).person_id)
    has_fh = people.person_id.isin(hypercholesterolemia(records).person_id)
    has_diabetes = people.person_id.isin(diabetes(records).person_id)
    has_risk = people.person_id.isin(high_risk(records).person_id)
    group = ibis.cases(
        (has_ascvd, 1),
        (people.age.between(*LDL_AGES) & (has_ldl | has_fh), 2),
        (people.age.between(*DIABETES_AGES) & has_diabetes & ~has_ldl & ~has_fh, 3),
        (people.age.between(*RISK_AGES) & has_risk & ~has_ldl & ~has_fh & ~has_diabetes, 4),
        else_=ibis.null("int64"),
    )
    grouped = people.select("person_id", population=group)
    return grouped.filter(grouped.population.notnull())


def initial_population(records: Records) -> ir.Table:
    return population_groups(records).select("person_id")


def denominator_exclusion(records: Records) -> ir.Table:
    """Breastfeeding or rhabdomyolysis on a day of the period."""
    period = records.period
    found = records.conditions_in(BREASTFEEDING, RHABDOMYOLYSIS)
    found = found.filter(prevalent(found.start_date, found.end_date, period.start, period.end))
    return found.select("person_id")


def not_ordered_for_a_medical_reason(records: Records) -> ir.Table:
    """A statin recorded as not ordered, for a medical reason, during a qualifying encounter."""
    reasons = [code for _, code in MEDICAL_REASON.codes]
    skipped = records.not_done_in(*STATINS)
    skipped = skipped.filter(
        (skipped.kind == "medication") & code_of(skipped.reason_code).isin(reasons)
    )
    joined = skipped.join(qualifying_visits(records), "person_id")
    return joined.filter(
        (joined.date >= joined.start_date) & (joined.date <= joined.end_date)
    ).select("person_id")


def denominator_exception(records: Records) -> ir.Table:
    period = records.period
    diagnosed = records.conditions_in(*EXCEPTED_DIAGNOSES)
    diagnosed = diagnosed.filter(
        prevalent(diagnosed.start_date, diagnosed.end_date, period.start, period.end)
    )
    return ibis.union(
        exclusions.has_hospice(records),
        exclusions.has_palliative_care(records),
        diagnosed.select("person_id"),
        not_ordered_for_a_medical_reason(records),
        distinct=False,
    )


def numerator(records: Records) -> ir.Table:
    """A statin order (active or completed) running into the period."""
    period = records.period
    orders = records.medications_in(*STATINS)
    orders = orders.filter(
        (orders.status.isnull() | orders.status.isin(ORDER_STATUSES))
        & (orders.intent.isnull() | (orders.intent == ORDER))
        & overlaps(orders.start_date, orders.end_date, period.start, period.end)
    )
    return orders.select("person_id")


MEASURE = Measure(
    id="CMS347",
    title="Statin Therapy for the Prevention and Treatment of Cardiovascular Disease",
    steward="Centers for Medicare & Medicaid Services (CMS)",
    version=(
        "CMS347v8 (StatinTherapyforthePreventionandTreatmentofCardiovascularDiseaseFHIR "
        "0.2.000), 2025"
    ),
    source="https://ecqi.healthit.gov/ecqm/ec/2025/cms0347v8",
    type=PROPORTION,
    higher_is_better=True,  # the FHIR Measure says "decrease" (as for every measure): a slip
    codes=(
        *QUALIFYING,
        *exclusions.CODES,
        *ASCVD_DIAGNOSES,
        *ASCVD_PROCEDURES,
        LDL_CHOLESTEROL,
        FAMILIAL_HYPERCHOLESTEROLEMIA,
        DIABETES,
        TEN_YEAR_RISK,
        BREASTFEEDING,
        RHABDOMYOLYSIS,
        *EXCEPTED_DIAGNOSES,
        *STATINS,
    ),
    initial_population=initial_population,
    denominator_exclusion=denominator_exclusion,
    numerator=numerator,
    denominator_exception=denominator_exception,
)
