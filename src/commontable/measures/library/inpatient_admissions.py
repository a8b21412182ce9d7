"""Inpatient admissions per 1,000 member-years: acute hospital stays of the members, from claims.

An admission is a member's hospital inpatient claim (type of bill 11x) admitted in the period;
claims of one stay (interim bills, the facility's lines) count once, by member and admission day.
"""

from __future__ import annotations

import ibis.expr.types as ir

from commontable.measures.definition import RATE_PER_1000, Measure
from commontable.measures.library.exclusions import inpatient_bill
from commontable.measures.library.membership import member_years
from commontable.measures.period import during
from commontable.measures.records import Records


def admissions(records: Records) -> ir.Table:
    """person_id, admission_date: one row per member and day admitted in the period."""
    period = records.period
    claims = records.claims
    admitted = claims.admission_date.fill_null(claims.claim_start_date)
    stays = claims.filter(
        inpatient_bill(claims.bill_type_code) & during(admitted, period.start, period.end)
    )
    return stays.select("person_id", admission_date=admitted).distinct()


def numerator(records: Records) -> ir.Table:
    return admissions(records).select("person_id")


MEASURE = Measure(
    id="IP-ADMISSIONS",
    title="Inpatient admissions per 1,000 member-years",
    steward="CommonTable (claims definition after the NUBC UB-04 type of bill)",
    version="1 (2025)",
    # UB-04 type of bill 11x, hospital inpatient: CMS Medicare Claims Processing Manual,
    # chapter 25, section 75.1 (form locator 4, type of bill).
    source="https://www.cms.gov/regulations-and-guidance/guidance/manuals/downloads/clm104c25.pdf",
    type=RATE_PER_1000,
    higher_is_better=False,
    codes=(),
    initial_population=member_years,
    numerator=numerator,
)
