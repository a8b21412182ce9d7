"""One row per patient (or counted event) and measure: population flags, entities and strata.

The engine composes a measure's population functions here. Proportion measures follow the
eCQM proportion scoring (CMS eCQM Logic and Implementation Guidance, "Proportion"): the
denominator lies within the initial population; exclusions within the denominator; the numerator
is only counted for denominator patients not excluded; exceptions only for those not in the
numerator. The performance denominator is denominator - exclusions - exceptions. A measure
counted per event (an index stay) applies the same rules to each event, keyed by `event_id`.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from commontable.measures.attribution import attribution, hospital_of_npi
from commontable.measures.definition import Measure
from commontable.measures.records import Records
from commontable.measures.strata import NOT_SCREENED, demographics, sdoh_risk, text

ENTITY_COLUMNS = ("clinic", "medical_group", "health_plan", "county", "zip_code")
STRATUM_COLUMNS = ("age_band", "sex", "race", "ethnicity", "payer_type", "sdoh_risk")
EVENT_COLUMNS = ("event_id", "event_date", "facility_npi")
# The flags every measure's rows carry, whatever its type.
FLAG_COLUMNS = (
    "initial_population",
    "denominator",
    "denominator_exclusion",
    "denominator_exception",
    "numerator",
    "numerator_count",
)


def people(records: Records) -> ir.Table:
    """Every person with attributed entities and strata (county is both)."""
    attributed = attribution(records)
    strata = demographics(records.persons).rename(_person="person_id")
    risk = sdoh_risk(records.screenings, records.period).rename(_screened="person_id")
    joined = attributed.join(strata, attributed.person_id == strata._person)
    joined = joined.left_join(risk, joined.person_id == risk._screened)
    return joined.select(
        "person_id",
        *ENTITY_COLUMNS,
        "age_group",
        "age_band",
        "sex",
        "race",
        "ethnicity",
        payer_type=text(joined.payer_type),
        sdoh_risk=joined.sdoh_risk.fill_null(NOT_SCREENED),
    )


def _no_event() -> dict[str, ir.Value]:
    return {
        "event_id": ibis.null("string"),
        "event_date": ibis.null("date"),
        "facility_npi": ibis.null("string"),
    }


def _no_amounts() -> dict[str, ir.Value]:
    return {
        "member_years": ibis.null("float64"),
        "member_months": ibis.null("float64"),
        "paid_amount": ibis.null("float64"),
    }


def proportion_rows(measure: Measure, records: Records) -> ir.Table:
    """person_id (and event), with the five population flags of a proportion measure."""
    key = "event_id" if measure.per_event else "person_id"
    found = measure.initial_population(records)
    if measure.per_event:
        base = found.select("person_id", *EVENT_COLUMNS).distinct()
    else:
        base = found.select("person_id").distinct().mutate(**_no_event())

    def member(population: ir.Table) -> ir.BooleanValue:
        return base[key].isin(population[key])

    false = ibis.literal(False)
    in_denominator = (
        member(measure.denominator(records)) if measure.denominator else ibis.literal(True)
    )
    excluded = in_denominator & (
        member(measure.denominator_exclusion(records)) if measure.denominator_exclusion else false
    )
    met = in_denominator & ~excluded & member(measure.numerator(records))
    excepted = (
        in_denominator & ~excluded & ~met & member(measure.denominator_exception(records))
        if measure.denominator_exception
        else false
    )
    return base.select(
        "person_id",
        *EVENT_COLUMNS,
        initial_population=ibis.literal(True),
        denominator=in_denominator,
        denominator_exclusion=excluded,
        denominator_exception=excepted,
        numerator=met,
        numerator_count=met.cast("int64"),
        **_no_amounts(),
    )


def rate_rows(measure: Measure, records: Records) -> ir.Table:
    """person_id with exposure (member-years) and events of a rate measure."""
    exposure = measure.initial_population(records)
    exposure = exposure.group_by("person_id").aggregate(member_years=exposure.member_years.max())
    exposure = exposure.filter(exposure.member_years > 0)
    events = measure.numerator(records)
    counted = events.group_by(_person=events.person_id).aggregate(_events=events.count())
    joined = exposure.left_join(counted, exposure.person_id == counted._person)
    count = joined._events.fill_null(0).cast("int64")
    flags = joined.select(
        "person_id",
        initial_population=ibis.literal(True),
        denominator=ibis.literal(True),
        denominator_exclusion=ibis.literal(False),
        denominator_exception=ibis.literal(False),
        numerator=count > 0,
        numerator_count=count,
        member_years="member_years",
        member_months=ibis.null("float64"),
        paid_amount=ibis.null("float64"),
    )
    # Added on top of the join (a literal column inside it cannot be joined on later).
    return flags.mutate(**_no_event())


def cost_rows(measure: Measure, records: Records) -> ir.Table:
    """person_id with exposure (member-months) and paid amount of a cost measure.

    Payments are summed as decimals and only then made floats, so every engine gets the same
    cents; a member without a payment counts with 0 (the numerator flags those with any).
    """
    exposure = measure.initial_population(records)
    exposure = exposure.group_by("person_id").aggregate(member_months=exposure.member_months.max())
    exposure = exposure.filter(exposure.member_months > 0)
    paid = measure.numerator(records)
    summed = paid.group_by(_person=paid.person_id).aggregate(
        _paid=paid.paid_amount.cast("decimal(18, 2)").sum()
    )
    joined = exposure.left_join(summed, exposure.person_id == summed._person)
    amount = joined._paid.cast("float64").fill_null(0.0)
    flags = joined.select(
        "person_id",
        initial_population=ibis.literal(True),
        denominator=ibis.literal(True),
        denominator_exclusion=ibis.literal(False),
        denominator_exception=ibis.literal(False),
        numerator=amount > 0,
        numerator_count=(amount > 0).cast("int64"),
        member_years=ibis.null("float64"),
        member_months="member_months",
        paid_amount=amount,
    )
    return flags.mutate(**_no_event())


def flag_rows(measure: Measure, records: Records) -> ir.Table:
    """A measure's flags and amounts by its type (see definition.py)."""
    if measure.is_rate:
        return rate_rows(measure, records)
    if measure.is_cost:
        return cost_rows(measure, records)
    return proportion_rows(measure, records)


def patient_rows(measure: Measure, records: Records, everyone: ir.Table) -> ir.Table:
    """A measure's `measure_patient` rows for the run's period (`expected` left null), with the
    person's 5-year `age_group` for standardisation."""
    flags = flag_rows(measure, records)
    who = everyone.rename(_person="person_id")
    hospitals = hospital_of_npi(records).rename(_npi="npi")
    joined = flags.left_join(hospitals, [("facility_npi", "_npi")]).left_join(
        who, [("person_id", "_person")]
    )
    return joined.select(
        "person_id",
        measure_id=ibis.literal(measure.id),
        period=ibis.literal(records.period.year, "int64"),
        **{c: c for c in FLAG_COLUMNS},
        member_years="member_years",
        **{c: c for c in ENTITY_COLUMNS},
        **{c: c for c in STRATUM_COLUMNS},
        event_id="event_id",
        event_date="event_date",
        hospital="hospital",
        expected=ibis.null("float64"),
        member_months="member_months",
        paid_amount="paid_amount",
        # Filled by adjustment.py: the standardised expected amount by age, sex and payer type
        # (health plans' comparisons), and a hierarchical model's predicted probability.
        expected_payer_mix=ibis.null("float64"),
        predicted=ibis.null("float64"),
        age_group="age_group",  # the 5-year age group standardisation uses (not stored)
    )
