"""CMS2 Preventive Care and Screening: Screening for Depression and Follow-Up Plan: people 12+
at the start of the period with a qualifying encounter, whose most recent depression screen (14
days before to the day a qualifying encounter starts) is negative, or positive with a follow-up.
CQL: PCSDepressionScreenAndFollowUpFHIR 0.2.000 (ecqm-2025/cql).

Hybrid: a screen is an observation (LOINC, with a result) or a claim's QPP result code; a
follow-up is a procedure (or claim) during the encounter, or a medication ordered from its last
day to two days after. Diagnoses count from every source (the CQL reads problem-list and
health-concern entries only). Not read yet: referrals (ServiceRequest has no canonical table)
and encounter status (the canonical encounter has none: every encounter counts as finished).

Test deck 23/24: the case left (ccf464f9) is followed up by a referral (ServiceRequest).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from commontable.measures.codes import CodeList, code_of, direct, valueset
from commontable.measures.definition import PROPORTION, Measure
from commontable.measures.period import age_at, during
from commontable.measures.records import Records

CQL = "CQL direct-reference code"
ENCOUNTER_TO_SCREEN = valueset("2.16.840.1.113883.3.600.1916")
PHYSICAL_THERAPY_EVALUATION = valueset("2.16.840.1.113883.3.526.3.1022")
TELEPHONE_VISITS = valueset("2.16.840.1.113883.3.464.1003.101.12.1080")
BIPOLAR_DISORDER = valueset("2.16.840.1.113883.3.67.1.101.1.128")
ADOLESCENT_SCREEN = direct("Adolescent depression screening assessment", "loinc", ["73831-0"], CQL)
ADULT_SCREEN = direct("Adult depression screening assessment", "loinc", ["73832-8"], CQL)
POSITIVE = "428181000124104"  # SNOMED CT Depression screening positive (finding), CQL code
NEGATIVE = "428171000124102"  # SNOMED CT Depression screening negative (finding), CQL code
ADOLESCENT_MEDICATIONS = valueset("2.16.840.1.113883.3.526.3.1567")
ADULT_MEDICATIONS = valueset("2.16.840.1.113883.3.526.3.1566")
ADOLESCENT_FOLLOW_UP = valueset("2.16.840.1.113883.3.526.3.1569")
ADULT_FOLLOW_UP = valueset("2.16.840.1.113883.3.526.3.1568")
# Reasons for not screening, compared with the reason of a screen recorded as not done.
DECLINED = "720834000"  # SNOMED CT Depression screening declined (situation), CQL code
MEDICAL_REASON = valueset("2.16.840.1.113883.3.526.3.1007")
# Screening results reported on claims (CMS QPP Quality ID #134, the claims form of this
# measure): G8510 negative screen, G8431 positive screen with a follow-up plan (met); G8433
# screening not done for a documented patient or medical reason (exception).
QPP_134 = "CMS Quality Payment Program, Quality ID #134 (2025), https://qpp.cms.gov"
SCREENED_BILLED = direct("Depression screen negative, or positive with plan", "hcpcs",
                         ["G8510", "G8431"], QPP_134)  # fmt: skip
NOT_SCREENED_BILLED = direct("Depression screen not done, reason", "hcpcs", ["G8433"], QPP_134)
MIN_AGE = 12  # "AgeInYearsAt(date from start of "Measurement Period") >= 12"
ADOLESCENT_AGES = (12, 17)  # 12-16 adolescent screens only, 17 either, 18+ adult screens only
ADULT_FROM = 17
SCREEN_DAYS = 14  # "14 days or less on or before day of start of QualifyingEncounter.period"
ORDER_DAYS = 2  # "authoredOn 2 days or less on or after day of end of QualifyingEncounter"
# FollowUp MedicationRequest: status in {'active', 'completed'} and intent = 'order'.
ORDER_STATUSES, ORDER = ("active", "completed"), "order"


def qualifying_visits(records: Records) -> ir.Table:
    """Qualifying encounters wholly within the period: person_id, start_date, end_date."""
    period = records.period
    visits = records.services_in(ENCOUNTER_TO_SCREEN, PHYSICAL_THERAPY_EVALUATION, TELEPHONE_VISITS)
    within = during(visits.start_date, period.start, period.end) & during(
        visits.end_date, period.start, period.end
    )
    return visits.filter(within).select("person_id", "start_date", "end_date")


def _age_at_start(records: Records) -> ir.Table:
    persons = records.persons
    return persons.select("person_id", age=age_at(persons.birth_date, records.period.start))


def initial_population(records: Records) -> ir.Table:
    aged = _age_at_start(records)
    aged = aged.filter(aged.age >= MIN_AGE)
    return aged.filter(aged.person_id.isin(qualifying_visits(records).person_id))


def denominator_exclusion(records: Records) -> ir.Table:
    """Bipolar disorder whose prevalence starts on or before the day of a qualifying encounter."""
    bipolar = records.conditions_in(BIPOLAR_DISORDER).select("person_id", "start_date")
    visits = qualifying_visits(records).select("person_id", visit_start="start_date")
    joined = bipolar.join(visits, "person_id")
    before = joined.filter(joined.start_date.isnull() | (joined.start_date <= joined.visit_start))
    return before.select("person_id")


def _before_visit(when: ir.DateValue, visit_start: ir.DateValue) -> ir.BooleanValue:
    """True where a date is 14 days or less on or before the day a visit starts."""
    return (when <= visit_start) & (when >= visit_start - ibis.interval(days=SCREEN_DAYS))


def screens(records: Records, screen: CodeList) -> ir.Table:
    """Screens with a result, each with a qualifying encounter it precedes by 14 days or less:
    person_id, date, positive, negative, start_date and end_date of the encounter."""
    found = records.results_in(screen)
    found = found.filter(
        found.value.notnull() | found.value_code.notnull() | found.value_text.notnull()
    )
    joined = found.join(qualifying_visits(records), "person_id")
    joined = joined.filter(_before_visit(joined.date, joined.start_date))
    return joined.select(
        "person_id",
        "date",
        "start_date",
        "end_date",
        positive=joined.value_code.fill_null("") == POSITIVE,
        negative=joined.value_code.fill_null("") == NEGATIVE,
    )


def most_recent(found: ir.Table) -> ir.Table:
    """Each person's most recent screen (on a day with several, a positive one): person_id,
    date, positive, negative."""
    screened = found.select("person_id", "date", "positive", "negative").distinct()
    ranked = screened.mutate(
        rank=ibis.row_number().over(
            group_by="person_id",
            order_by=[ibis.desc(screened.date), ibis.desc(screened.positive)],
        )
    )
    return ranked.filter(ranked.rank == 0).drop("rank")


def follow_ups(records: Records, medications: CodeList, procedures: CodeList) -> ir.Table:
    """Follow-up interventions: person_id, date, ordered (a medication order, timed by when it
    was written; otherwise a procedure, by when it was performed)."""
    orders = records.medications_in(medications)
    orders = orders.filter(
        (orders.status.isnull() | orders.status.isin(ORDER_STATUSES))
        & (orders.intent.isnull() | (orders.intent == ORDER))
    )
    done = records.services_in(procedures)
    return ibis.union(
        orders.select("person_id", date=orders.start_date, ordered=ibis.literal(True)),
        done.select("person_id", date=done.start_date, ordered=ibis.literal(False)),
        distinct=False,
    )


def screened(
    records: Records, screen: CodeList, medications: CodeList, procedures: CodeList
) -> ir.Table:
    """People whose most recent screen of one kind is negative, or positive with a follow-up
    performed during a qualifying encounter it precedes, or ordered 0-2 days after its end."""
    period = records.period
    latest = most_recent(screens(records, screen))
    negative = latest.filter(latest.negative)
    positive = latest.filter(latest.positive)
    visits = qualifying_visits(records)
    with_visit = positive.join(visits, "person_id")
    with_visit = with_visit.filter(_before_visit(with_visit.date, with_visit.start_date))
    follow = follow_ups(records, medications, procedures).rename(follow_date="date")
    joined = with_visit.join(follow, "person_id")
    last_day = joined.end_date
    timely = ibis.ifelse(
        joined.ordered,
        (joined.follow_date >= last_day)
        & (joined.follow_date <= last_day + ibis.interval(days=ORDER_DAYS)),
        (joined.follow_date >= joined.start_date) & (joined.follow_date <= last_day),
    )
    followed = joined.filter(timely & during(joined.follow_date, period.start, period.end))
    return ibis.union(negative.select("person_id"), followed.select("person_id"), distinct=False)


def _billed(records: Records, codes: CodeList) -> ir.Table:
    period = records.period
    billed = records.services_in(codes)
    return billed.filter(during(billed.start_date, period.start, period.end)).select("person_id")


def numerator(records: Records) -> ir.Table:
    """Screened by the screen of one's age (12-16 adolescent, 17 either, 18+ adult), or billed."""
    aged = _age_at_start(records)
    adolescents = aged.filter(aged.age.between(*ADOLESCENT_AGES))
    adults = aged.filter(aged.age >= ADULT_FROM)
    young = screened(records, ADOLESCENT_SCREEN, ADOLESCENT_MEDICATIONS, ADOLESCENT_FOLLOW_UP)
    grown = screened(records, ADULT_SCREEN, ADULT_MEDICATIONS, ADULT_FOLLOW_UP)
    return ibis.union(
        adolescents.filter(adolescents.person_id.isin(young.person_id)).select("person_id"),
        adults.filter(adults.person_id.isin(grown.person_id)).select("person_id"),
        _billed(records, SCREENED_BILLED),
        distinct=False,
    )


def _not_screened(records: Records, screen: CodeList) -> ir.Table:
    """A screen of one kind recorded as not done, for a reason, during a qualifying encounter,
    for people with no screen of that kind with a result."""
    reasons = [DECLINED, *(code for _, code in MEDICAL_REASON.codes)]
    skipped = records.not_done_in(screen)
    skipped = skipped.filter(
        (skipped.kind == "observation") & code_of(skipped.reason_code).isin(reasons)
    )
    joined = skipped.join(qualifying_visits(records), "person_id")
    during_visit = joined.filter(
        (joined.date >= joined.start_date) & (joined.date <= joined.end_date)
    )
    return during_visit.anti_join(screens(records, screen), "person_id").select("person_id")


def denominator_exception(records: Records) -> ir.Table:
    return ibis.union(
        _not_screened(records, ADOLESCENT_SCREEN),
        _not_screened(records, ADULT_SCREEN),
        _billed(records, NOT_SCREENED_BILLED),
        distinct=False,
    )


MEASURE = Measure(
    id="CMS2",
    title="Preventive Care and Screening: Screening for Depression and Follow-Up Plan",
    steward="Centers for Medicare & Medicaid Services (CMS)",
    version="CMS2v14 (PCSDepressionScreenAndFollowUpFHIR 0.2.000), 2025 performance period",
    source="https://ecqi.healthit.gov/ecqm/ec/2025/cms0002v14",
    type=PROPORTION,
    higher_is_better=True,  # the FHIR Measure says "decrease" (as for every measure): a slip
    codes=(
        ENCOUNTER_TO_SCREEN,
        PHYSICAL_THERAPY_EVALUATION,
        TELEPHONE_VISITS,
        BIPOLAR_DISORDER,
        ADOLESCENT_SCREEN,
        ADULT_SCREEN,
        ADOLESCENT_MEDICATIONS,
        ADULT_MEDICATIONS,
        ADOLESCENT_FOLLOW_UP,
        ADULT_FOLLOW_UP,
        SCREENED_BILLED,
        NOT_SCREENED_BILLED,
    ),
    initial_population=initial_population,
    denominator_exclusion=denominator_exclusion,
    numerator=numerator,
    denominator_exception=denominator_exception,
)
