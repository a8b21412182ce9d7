"""Strata results are broken down by: age band, sex, race, ethnicity, payer type, county.

Age band, sex, race and ethnicity come from the person's demographics (`person` table); payer
type and county from attribution. A missing value is its own stratum, "unknown", so the strata
of a result always add up to the whole. SDOH risk is not a stratum yet (see issue 4).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

UNKNOWN = "unknown"
ALL = "all"
STRATA = ("age_band", "sex", "race", "ethnicity", "payer_type", "county")
# Age groups of AHRQ HCUP statistics (HCUPnet: <18, 18-44, 45-64, 65-84, 85+), by age on the
# last day of the period.
AGE_BANDS = ((0, 17, "0-17"), (18, 44, "18-44"), (45, 64, "45-64"), (65, 84, "65-84"))
OLDEST_BAND = (85, "85+")


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
    """person_id with the demographic strata: age_band, sex, race, ethnicity."""
    return persons.select(
        "person_id",
        age_band=age_band(persons.age),
        sex=text(persons.sex),
        race=text(persons.race),
        ethnicity=text(persons.ethnicity),
    )
