"""All-cause unplanned 30-day readmission, hospital-wide: index stays and their first return.

An approximation of the CMS/Yale Hospital-Wide All-Cause Unplanned Readmission measure (HWR;
QualityNet methodology, Planned Readmission Algorithm v4.0), applied to every member plan's
claims. It is an approximation, and says so in its title, because the algorithm is defined on
CMS's Yale-modified AHRQ CCS categories of every ICD-10 code, which are not shipped here: the
planned-readmission lists (PR1-PR4) and the cohort exclusions are a representative subset of
codes (data/readmission.csv, data/README.md); it is one model, not HWR's five specialty-cohort
models; and its comorbidities are condition categories from any claim of the year before.

* initial population: stays at short-term acute care hospitals (stays.py: type of bill 11x, not
  an inpatient rehabilitation, psychiatric or long-term care stay) of adults, 18+ at admission,
  discharged 1 January to 1 December, so that each index stay's 30 days lie within the period
  (HEDIS Plan All-Cause Readmissions' index window; the HWR runs July-June with claims 30 days
  past it).
* denominator: discharged alive, not against medical advice, not transferred to another acute
  hospital (by discharge status, or by an admission elsewhere that day or the next), and
  covered from discharge through day 30 (or until death), so a readmission would be in claims.
* exclusions (HWR cohort exclusions, by principal diagnosis): psychiatric, rehabilitation,
  medical treatment of cancer (a cancer diagnosis without a surgical procedure); and, as this
  is all-payer, pregnancy and perinatal stays (as HEDIS Plan All-Cause Readmissions).
* numerator: the person's first admission to a short-term acute care hospital (any, not only
  the discharging one) 1-30 days after discharge is not planned. Planned (PRA v4.0): an
  always-planned procedure (PR1: transplants, deliveries) or principal diagnosis (PR2:
  maintenance chemotherapy, rehabilitation), or a potentially planned procedure (PR3) whose
  principal diagnosis is not acute (PR4). A planned first readmission leaves the index stay
  without one, whatever follows (CMS FY 2014 IPPS final rule).
* one row per index stay; results by discharging hospital too; risk adjusted by indirect
  standardisation (age, sex, principal diagnosis chapter, condition categories in claims of the
  365 days before admission: comorbidities present before the stay, never the index stay's own
  diagnoses, which may be complications of its care). The model is hierarchical, with a random
  intercept per hospital, as CMS's: hospitals are reported as predicted/expected (shrunk towards
  the average hospital as their stays are few), other entities as observed/expected.

The complete PRA v4.0 lists as CMS published them for 2021 reporting exist in open form (the
Tuva Project's history, Apache-2.0) but rest on AHRQ's CCS maps, whose licence is not stated, and
not on CMS's current Yale-modified maps; adopting them is a decision for the collaborative
(data/README.md).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from commontable.measures.definition import EVENT, PROPORTION, Measure, RiskAdjustment
from commontable.measures.entities import CLINIC, COUNTY, HEALTH_PLAN, HOSPITAL, MEDICAL_GROUP
from commontable.measures.library.code_lists import ClaimCodes
from commontable.measures.library.stays import (
    EXPIRED,
    LEFT_AGAINST_ADVICE,
    PROCEDURE,
    covered_through,
    having,
    principal_in,
    stays,
    transferred,
)
from commontable.measures.period import day, days_after
from commontable.measures.records import Records

FILE = "readmission.csv"
WINDOW_DAYS = 30  # HWR: an unplanned readmission within 30 days of discharge
ADULT = 18  # all-payer HWR: adults (the Medicare measure: 65 and older)
LOOKBACK_DAYS = 365  # condition categories: claims of the year before admission
PR1 = ClaimCodes.named(FILE, "PR1_ALWAYS_PLANNED_PROCEDURE")
PR2 = ClaimCodes.named(FILE, "PR2_ALWAYS_PLANNED_DIAGNOSIS")
PR3 = ClaimCodes.named(FILE, "PR3_POTENTIALLY_PLANNED_PROCEDURE")
PR4 = ClaimCodes.named(FILE, "PR4_ACUTE_DIAGNOSIS")
EXCLUDED = tuple(
    ClaimCodes.named(FILE, name)
    for name in ("EXCLUDED_PSYCHIATRIC", "EXCLUDED_REHABILITATION", "EXCLUDED_OBSTETRIC")
)
CANCER = ClaimCodes.named(FILE, "EXCLUDED_CANCER")
# ICD-10-PCS section 0, Medical and Surgical: a cancer stay with one is surgical, not medical.
SURGICAL = ClaimCodes("SURGICAL", PROCEDURE, (), ("0",), "ICD-10-PCS section 0 (CMS)")
CONDITIONS = tuple(
    ClaimCodes.named("risk_conditions.csv", name)
    for name in (
        "CC_HEART_FAILURE",
        "CC_COPD",
        "CC_DIABETES",
        "CC_KIDNEY_DISEASE",
        "CC_CANCER",
        "CC_DEMENTIA",
        "CC_ISCHEMIC_HEART",
        "CC_ARRHYTHMIA",
        "CC_STROKE",
        "CC_LIVER",
        "CC_SUBSTANCE_USE",
        "CC_MALNUTRITION",
    )
)


def _discharged(records: Records) -> ir.Table:
    """Adult stays discharged between 1 January and 30 days before the period's end."""
    period = records.period
    found = stays(records)
    last = day(period.end) - ibis.interval(days=WINDOW_DAYS)
    return found.filter(
        (found.discharge_date >= day(period.start))
        & (found.discharge_date <= last)
        & (found.age >= ADULT)
    )


def initial_population(records: Records) -> ir.Table:
    found = _discharged(records)
    return found.select(
        "person_id", "facility_npi", event_id=found.stay_id, event_date=found.discharge_date
    )


def _died_within(records: Records, events: ir.Table, days: int) -> ir.Table:
    persons = records.persons.select(_person="person_id", _death="death_date")
    joined = events.join(persons, events.person_id == persons._person)
    died = joined.filter(
        (joined._death >= joined.event_date)
        & (joined._death <= days_after(joined.event_date, days))
    )
    return died.select("event_id")


def denominator(records: Records) -> ir.Table:
    """Alive, not against advice, not transferred, and covered for the 30 days after."""
    found = _discharged(records)
    kept = found.filter(
        ~found.disposition.isin((*EXPIRED, LEFT_AGAINST_ADVICE)).fill_null(False)
        & ~transferred(found)
    )
    events = kept.select("person_id", event_id=kept.stay_id, event_date=kept.discharge_date)
    followed = ibis.union(
        covered_through(records, events, WINDOW_DAYS),
        _died_within(records, events, WINDOW_DAYS),
    )
    return events.filter(events.event_id.isin(followed.event_id))


def denominator_exclusion(records: Records) -> ir.Table:
    """Psychiatric, rehabilitation, medical cancer treatment, pregnancy and perinatal stays."""
    found = _discharged(records)
    by_diagnosis = ibis.or_(*(principal_in(found, codes) for codes in EXCLUDED))
    medical_cancer = principal_in(found, CANCER) & ~found.stay_id.isin(
        having(records, SURGICAL).stay_id
    )
    excluded = found.filter(by_diagnosis | medical_cancer)
    return excluded.select("person_id", event_id=excluded.stay_id)


def planned_stays(records: Records) -> ir.Table:
    """stay_id of the planned stays (Planned Readmission Algorithm v4.0, flowchart order)."""
    found = stays(records)
    always = found.stay_id.isin(having(records, PR1).stay_id) | principal_in(found, PR2)
    potentially = found.stay_id.isin(having(records, PR3).stay_id) & ~principal_in(found, PR4)
    return found.filter(always | potentially).select("stay_id")


def numerator(records: Records) -> ir.Table:
    """Index stays whose first readmission (1-30 days after discharge) is not planned."""
    found = _discharged(records)
    gap = found.next_admission_date.delta(found.discharge_date, unit="day")
    back = found.filter(
        gap.between(1, WINDOW_DAYS) & ~found.next_stay_id.isin(planned_stays(records).stay_id)
    )
    return back.select("person_id", event_id=back.stay_id)


def _claim_diagnoses_with_dates(records: Records, people: ir.Table) -> ir.Table:
    """person_id, date, code of the claim diagnoses of some people (all claims, any position)."""
    claims = records.claims
    claims = claims.filter(claims.person_id.isin(people.person_id))
    dated = claims.group_by(["data_source", "claim_id", "person_id"]).aggregate(
        date=claims.claim_start_date.min()
    )
    diagnoses = records.claim_diagnoses
    if diagnoses is None:
        raise ValueError("the run's records carry no claim diagnoses")
    mine = diagnoses.filter(diagnoses.person_id.isin(people.person_id))
    joined = mine.join(dated, ["data_source", "claim_id", "person_id"])
    return joined.select("person_id", "date", code=joined.diagnosis_code)


def risk_factors(records: Records) -> ir.Table:
    """event_id, age, sex, chapter (of the principal diagnosis) and a 0/1 per condition category
    found in claims of the year before admission (claims starting before the admission date)."""
    found = _discharged(records)
    diagnoses = _claim_diagnoses_with_dates(records, found)
    window = found.select("person_id", "admission_date", "discharge_date", _event="stay_id").join(
        diagnoses, "person_id"
    )
    window = window.filter(
        (window.date >= days_after(window.admission_date, -LOOKBACK_DAYS))
        & (window.date < window.admission_date)
    )
    flags = window.group_by("_event").aggregate(
        **{
            codes.name.lower(): ibis.ifelse(codes.matches(window.code), 1, 0).max()
            for codes in CONDITIONS
        }
    )
    persons = records.persons.select(_person="person_id", sex="sex")
    base = found.join(persons, found.person_id == persons._person)
    joined = base.left_join(flags, base.stay_id == flags._event)
    return joined.select(
        event_id=joined.stay_id,
        age=joined.age.cast("float64"),
        sex=joined.sex,
        chapter=joined.principal_diagnosis.substr(0, 1).fill_null("?"),
        **{
            codes.name.lower(): joined[codes.name.lower()].fill_null(0).cast("int64")
            for codes in CONDITIONS
        },
    )


RISK = RiskAdjustment(
    factors=risk_factors,
    numeric=("age", *(codes.name.lower() for codes in CONDITIONS)),
    categorical=("sex", "chapter"),
    random_intercept=HOSPITAL,
)

MEASURE = Measure(
    id="HWR-30",
    title="All-cause unplanned 30-day readmission (hospital-wide; approximation of CMS HWR)",
    steward=(
        "CommonTable, after CMS / Yale CORE (Hospital-Wide All-Cause Unplanned Readmission; "
        "all-payer approximation, not the CMS measure)"
    ),
    version=(
        "Approximation of HWR with a representative subset of the Planned Readmission Algorithm "
        "v4.0 lists; CommonTable 2 (2025)"
    ),
    source="https://qualitynet.cms.gov/inpatient/measures/readmission/methodology",
    type=PROPORTION,
    higher_is_better=False,
    codes=(),
    initial_population=initial_population,
    denominator=denominator,
    denominator_exclusion=denominator_exclusion,
    numerator=numerator,
    reports=(HOSPITAL, HEALTH_PLAN, CLINIC, MEDICAL_GROUP, COUNTY),
    unit=EVENT,
    risk_adjustment=RISK,
)
