"""ED visits per 1,000 member-years: emergency department visits of the members, from claims.

A visit is a member's day with an emergency department claim: a facility claim line with an
emergency room revenue code, or a professional ED evaluation and management service in the
emergency room. Visits that end in an admission count too. One visit per member per day, however
many claims tell of it.
"""

from __future__ import annotations

import ibis.expr.types as ir

from commontable.measures.codes import valueset
from commontable.measures.definition import RATE_PER_1000, Measure
from commontable.measures.library.membership import member_years
from commontable.measures.period import during
from commontable.measures.records import Records

# Revenue centers 0450-0452, 0456, 0459 (emergency room) and 0981 (professional fees, emergency
# room): ResDAC, "How to Identify Hospital Claims for Emergency Room Visits in the Medicare
# Claims Data" (resdac.org/articles), after the NUBC UB-04 revenue code list.
ED_REVENUE = ("0450", "0451", "0452", "0456", "0459", "0981")
# CMS Place of Service code 23: Emergency Room - Hospital (cms.gov POS code set).
ED_PLACE = "23"
# CPT 99281-99285 from the eCQM value set Emergency Department Evaluation and Management Visit.
ED_VISIT = valueset("2.16.840.1.113883.3.464.1003.101.12.1010")
ED_CODES = tuple(code for system, code in ED_VISIT.codes if system == "hcpcs")


def ed_visit_days(records: Records) -> ir.Table:
    """person_id, visit_date: one row per member and day with an ED claim in the period."""
    period = records.period
    claims = records.claims
    when = claims.claim_line_start_date.fill_null(claims.claim_start_date)
    revenue = claims.revenue_center_code.lpad(4, "0")
    by_facility = revenue.isin(ED_REVENUE)
    by_physician = (claims.place_of_service_code == ED_PLACE) & claims.hcpcs_code.isin(ED_CODES)
    visits = claims.filter((by_facility | by_physician) & during(when, period.start, period.end))
    return visits.select("person_id", visit_date=when).distinct()


def numerator(records: Records) -> ir.Table:
    return ed_visit_days(records).select("person_id")


MEASURE = Measure(
    id="ED-VISITS",
    title="Emergency department visits per 1,000 member-years",
    steward="CommonTable (claims definition after ResDAC and CMS place-of-service codes)",
    version="1 (2025)",
    source="https://resdac.org/articles/how-identify-hospital-claims-emergency-room-visits-medicare-claims-data",
    type=RATE_PER_1000,
    higher_is_better=False,
    codes=(ED_VISIT,),
    initial_population=member_years,
    numerator=numerator,
)
