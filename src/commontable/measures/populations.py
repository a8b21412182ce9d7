"""One row per patient and measure: population flags, attributed entities and strata.

The engine composes a measure's population functions here. Proportion measures follow the
eCQM proportion scoring (CMS eCQM Logic and Implementation Guidance, "Proportion"): the
denominator lies within the initial population; exclusions within the denominator; the numerator
is only counted for denominator patients not excluded; exceptions only for those not in the
numerator. The performance denominator is denominator - exclusions - exceptions.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from commontable.measures.attribution import attribution
from commontable.measures.definition import Measure
from commontable.measures.records import Records
from commontable.measures.strata import demographics, text

ENTITY_COLUMNS = ("clinic", "medical_group", "health_plan", "county", "zip_code")
STRATUM_COLUMNS = ("age_band", "sex", "race", "ethnicity", "payer_type")


def people(records: Records) -> ir.Table:
    """Every person with attributed entities and strata (county is both)."""
    attributed = attribution(records)
    strata = demographics(records.persons).rename(_person="person_id")
    joined = attributed.join(strata, attributed.person_id == strata._person)
    return joined.select(
        "person_id",
        *ENTITY_COLUMNS,
        "age_band",
        "sex",
        "race",
        "ethnicity",
        payer_type=text(joined.payer_type),
    )


def _member(people_in: ir.Table, base: ir.Table) -> ir.BooleanValue:
    return base.person_id.isin(people_in.person_id)


def proportion_rows(measure: Measure, records: Records) -> ir.Table:
    """person_id and the five population flags of a proportion measure."""
    base = measure.initial_population(records).select("person_id").distinct()
    false = ibis.literal(False)
    in_denominator = (
        _member(measure.denominator(records), base) if measure.denominator else ibis.literal(True)
    )
    excluded = in_denominator & (
        _member(measure.denominator_exclusion(records), base)
        if measure.denominator_exclusion
        else false
    )
    met = in_denominator & ~excluded & _member(measure.numerator(records), base)
    excepted = (
        in_denominator & ~excluded & ~met & _member(measure.denominator_exception(records), base)
        if measure.denominator_exception
        else false
    )
    return base.select(
        "person_id",
        initial_population=ibis.literal(True),
        denominator=in_denominator,
        denominator_exclusion=excluded,
        denominator_exception=excepted,
        numerator=met,
        numerator_count=met.cast("int64"),
        member_years=ibis.null("float64"),
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
    return joined.select(
        "person_id",
        initial_population=ibis.literal(True),
        denominator=ibis.literal(True),
        denominator_exclusion=ibis.literal(False),
        denominator_exception=ibis.literal(False),
        numerator=count > 0,
        numerator_count=count,
        member_years="member_years",
    )


def patient_rows(measure: Measure, records: Records, everyone: ir.Table) -> ir.Table:
    """A measure's `measure_patient` rows for the run's period."""
    flags = rate_rows(measure, records) if measure.is_rate else proportion_rows(measure, records)
    who = everyone.rename(_person="person_id")
    joined = flags.left_join(who, flags.person_id == who._person)
    return joined.select(
        "person_id",
        measure_id=ibis.literal(measure.id),
        period=ibis.literal(records.period.year, "int64"),
        initial_population="initial_population",
        denominator="denominator",
        denominator_exclusion="denominator_exclusion",
        denominator_exception="denominator_exception",
        numerator="numerator",
        numerator_count="numerator_count",
        member_years="member_years",
        **{c: c for c in ENTITY_COLUMNS},
        **{c: c for c in STRATUM_COLUMNS},
    )
