"""Strata results are broken down by: age band, sex, race, ethnicity, payer type, county, SDOH risk.

Age band, sex, race and ethnicity come from the person's demographics (`person` table); payer
type and county from attribution; SDOH risk from members' social needs screenings. A missing
value is its own stratum ("unknown", or "not screened"), so the strata of a result always add
up to the whole.
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir

from commontable.measures.period import Period
from commontable.measures.social_needs import screened_domains

UNKNOWN = "unknown"
# Age groups of AHRQ HCUP statistics (HCUPnet: <18, 18-44, 45-64, 65-84, 85+), by age on the
# last day of the period.
AGE_BANDS = ((0, 17, "0-17"), (18, 44, "18-44"), (45, 64, "45-64"), (65, 84, "65-84"))
OLDEST_BAND = (85, "85+")


# Five-year age groups by sex: the cells of AHRQ's area-level risk adjustment (AHRQ QI Prevention
# Quality Indicators Risk Adjustment Coefficients, v4.3, 2011: sex by 5-year age group), finer
# than the HCUP bands above.
AGE_GROUP_YEARS, OLDEST_GROUP = 5, 85


def age_group(age: ir.IntegerValue) -> ir.StringValue:
    """The 5-year age group of an age in years ("0-4" ... "80-84", "85+"; "unknown" if missing),
    the cells indirect standardisation compares like with like in."""
    low = (age // AGE_GROUP_YEARS) * AGE_GROUP_YEARS
    label = low.cast("string") + "-" + (low + AGE_GROUP_YEARS - 1).cast("string")
    return ibis.cases(
        (age.isnull() | (age < 0), UNKNOWN),
        (age >= OLDEST_GROUP, f"{OLDEST_GROUP}+"),
        else_=label,
    )


def age_band(age: ir.IntegerValue) -> ir.StringValue:
    """The HCUP age group of an age in years ("unknown" when the age is missing)."""
    cases = [(age.between(low, high), label) for low, high, label in AGE_BANDS]
    cases.append((age >= OLDEST_BAND[0], OLDEST_BAND[1]))
    return ibis.cases(*cases, else_=UNKNOWN)


def text(column: ir.StringValue) -> ir.StringValue:
    """A stratum value: trimmed lower-case text, "unknown" when missing or blank."""
    value = column.lower()
    return ibis.ifelse(value.isnull() | (value == ""), UNKNOWN, value)


def demographics(persons: ir.Table) -> ir.Table:
    """person_id with the demographic strata (age_band, sex, race, ethnicity) and the 5-year
    age_group that standardisation compares in."""
    return persons.select(
        "person_id",
        age_group=age_group(persons.age),
        age_band=age_band(persons.age),
        sex=text(persons.sex),
        race=text(persons.race),
        ethnicity=text(persons.ethnicity),
    )


# SDOH risk: how many social needs (distinct screening domains answered positive, as in CMS's
# Screen Positive Rate for Social Drivers of Health, SDOH-2, FY 2023 IPPS final rule) the
# person's screenings found in the period or the year before. Collaborative conventions, not a
# published standard: the one-year look-back (the AHC HRSN screening is yearly) and the bands.
SDOH_LOOKBACK_YEARS = 1
NOT_SCREENED = "not screened"
SDOH_BANDS = ((0, "no social needs"), (1, "1 social need"))
MOST_NEEDS = "2+ social needs"


def sdoh_risk(screenings: ir.Table, period: Period) -> ir.Table:
    """person_id, sdoh_risk for every person screened in the look-back (others: "not screened")."""
    since = date(period.year - SDOH_LOOKBACK_YEARS, 1, 1)
    window = screenings.filter(screenings.screening_date.between(since, period.end))
    screened = window.select("person_id").distinct()
    domains = screened_domains(window)
    positive = domains.filter(domains.positive)
    needs = positive.group_by(_person=positive.person_id).aggregate(needs=positive.domain.nunique())
    joined = screened.left_join(needs, screened.person_id == needs._person)
    count = joined.needs.fill_null(0)
    bands = [(count == low, label) for low, label in SDOH_BANDS]
    return joined.select("person_id", sdoh_risk=ibis.cases(*bands, else_=MOST_NEEDS))
