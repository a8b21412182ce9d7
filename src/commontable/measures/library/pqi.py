"""AHRQ Prevention Quality Indicators: admissions for ambulatory care sensitive conditions, per
100,000 adult member-years. One family module: the shared admission rules, each indicator's
numerator and exclusions, and the seven measures (PQI 01, 05, 07, 08, 14, 15, 90).

AHRQ QI PQI technical specifications (indicator set and logic of v2023, code lists as
published in v2021 with ICD-10-CM FY2022; data/pqi.csv and data/README.md):

* numerator events: acute inpatient stays (stays.py) discharged in the period, of members 18 or
  older at admission, with the indicator's principal diagnosis; never a transfer in (point of
  origin 4, 5 or 6: from a hospital, a SNF/ICF, another health care facility) nor an obstetric
  stay (MDC 14, by MS-DRG or, without one, an O00-O9A principal diagnosis).
* denominator: member-years of the population the indicator covers (AHRQ: the area's
  population; here the collaborative's members), counted only while of the indicator's ages:
  18+, 40+ for PQI 05, 18-39 for PQI 15.
* PQI 14 (uncontrolled diabetes) is in the v2023 indicator set and in its PQI 90; whether a
  later release retires it could not be confirmed here: check before public reporting.
* PQI 90 counts a stay once when it meets any of PQI 01, 03, 05, 07, 08, 11, 12, 14, 15, 16
  (the v2023 overall composite; PQI 03, 11, 12 and 16 are computed here for it, not reported
  on their own).
* reported for areas and populations, never providers: the collaborative, its counties and its
  health plans. AHRQ designs the PQIs as area-level indicators (AHRQ QI PQI technical
  specifications: admissions per 100,000 population of an area), not as measures of a clinic's
  care; per clinic, most cells would rest on a handful of admissions. Rates are compared after
  indirect standardisation by 5-year age group and sex (adjustment.py; plans also by payer
  type), as AHRQ risk-adjusts area rates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from commontable.measures.definition import RATE_PER_100000, Measure
from commontable.measures.entities import COUNTY, HEALTH_PLAN
from commontable.measures.library.code_lists import ClaimCodes
from commontable.measures.library.membership import member_years_aged
from commontable.measures.library.stays import having, principal_in, stays
from commontable.measures.period import during
from commontable.measures.records import Records

FILE = "pqi.csv"
STEWARD = "Agency for Healthcare Research and Quality (AHRQ)"
VERSION = "AHRQ QI PQI v2023 (code lists as of v2021, ICD-10-CM/PCS FY2022)"
SOURCE = "https://qualityindicators.ahrq.gov/measures/pqi_resources"
ADULT, OLDER, YOUNGER_MAX = 18, 40, 39
# NUBC UB-04 point of origin (FL 15): 4 transfer from a hospital, 5 from a SNF or ICF, 6 from
# another health care facility; AHRQ PQI specifications exclude these admissions.
TRANSFERS_IN = ("4", "5", "6")


def _codes(name: str) -> ClaimCodes:
    return ClaimCodes.named(FILE, name)


MDC14_DRG, MDC14_DX = _codes("MDC14_DRG"), _codes("MDC14_DX")


def admissions(records: Records) -> ir.Table:
    """Stays that may count for a PQI: discharged in the period, adult, not a transfer in, not
    obstetric (MDC 14)."""
    period = records.period
    found = stays(records)
    obstetric = ibis.ifelse(
        found.drg.isnull() | (found.drg == ""),
        principal_in(found, MDC14_DX),
        MDC14_DRG.matches(found.drg.lpad(3, "0")),
    )
    return found.filter(
        during(found.discharge_date, period.start, period.end)
        & (found.age >= ADULT)
        & ~found.admit_source.isin(TRANSFERS_IN).fill_null(False)
        & ~obstetric
    )


def _principal(*names: str) -> Callable[[Records, ir.Table], ir.BooleanValue]:
    return lambda _, table: ibis.or_(*(principal_in(table, _codes(n)) for n in names))


def _any(records: Records, table: ir.Table, name: str) -> ir.BooleanValue:
    return table.stay_id.isin(having(records, _codes(name)).stay_id)


def _none_of(*names: str) -> Callable[[Records, ir.Table], ir.BooleanValue]:
    return lambda records, table: ~ibis.or_(*(_any(records, table, n) for n in names))


@dataclass(frozen=True)
class Indicator:
    """One PQI: the stays it counts (`qualifies`, `unless` an exclusion) and the ages it covers."""

    number: str
    qualifies: Callable[[Records, ir.Table], ir.BooleanValue]
    unless: Callable[[Records, ir.Table], ir.BooleanValue] | None = None
    low: int = ADULT
    high: int | None = None

    def stays(self, records: Records) -> ir.Table:
        found = admissions(records)
        aged = found.age >= self.low
        if self.high is not None:
            aged &= found.age <= self.high
        keep = aged & self.qualifies(records, found)
        if self.unless is not None:
            keep &= self.unless(records, found)
        return found.filter(keep)


def _hypertension_exclusions(records: Records, table: ir.Table) -> ir.BooleanValue:
    """Cardiac procedures, or stage I-IV kidney disease with a dialysis access procedure."""
    dialysis = _any(records, table, "ACSHY2D") & _any(records, table, "DIALY2P")
    return ~(dialysis | _any(records, table, "ACSCARP"))


def _amputation(records: Records, table: ir.Table) -> ir.BooleanValue:
    return _any(records, table, "ACSLEAP") & _any(records, table, "ACSLEAD")


INDICATORS = {
    "01": Indicator("01", _principal("ACDIASD")),
    "03": Indicator("03", _principal("ACDIALD")),
    "05": Indicator("05", _principal("ACCOPDD", "ACSASTD"), _none_of("RESPAN"), low=OLDER),
    "07": Indicator("07", _principal("ACSHYPD"), _hypertension_exclusions),
    "08": Indicator("08", _principal("MRTCHFD"), _none_of("ACSCARP")),
    "11": Indicator("11", _principal("ACSBACD"), _none_of("ACSBA2D", "IMMUNID", "IMMUNIP")),
    "12": Indicator("12", _principal("ACSUTID"), _none_of("IMMUNID", "IMMUNIP", "KIDNEY")),
    "14": Indicator("14", _principal("ACDIAUD")),
    "15": Indicator("15", _principal("ACSASTD"), _none_of("RESPAN"), high=YOUNGER_MAX),
    "16": Indicator("16", _amputation, _none_of("ACLEA2D")),
}
# PQI 90, Prevention Quality Overall Composite (v2023): any of these, each stay once.
OVERALL = ("01", "03", "05", "07", "08", "11", "12", "14", "15", "16")


def overall_stays(records: Records) -> ir.Table:
    """Stays meeting any indicator of the overall composite, once each."""
    found = ibis.union(
        *(INDICATORS[n].stays(records).select("stay_id", "person_id") for n in OVERALL)
    )
    return found.distinct()


def _measure(
    number: str,
    title: str,
    events: Callable[[Records], ir.Table],
    low: int = ADULT,
    high: int | None = None,
) -> Measure:
    def exposure(records: Records) -> ir.Table:
        return member_years_aged(records, low, high)

    def numerator(records: Records) -> ir.Table:
        return events(records).select("person_id")

    return Measure(
        id=f"PQI-{number}",
        title=f"PQI {number} {title} (per 100,000 member-years)",
        steward=STEWARD,
        version=VERSION,
        source=SOURCE,
        type=RATE_PER_100000,
        higher_is_better=False,
        codes=(),
        initial_population=exposure,
        numerator=numerator,
        reports=(HEALTH_PLAN, COUNTY),  # area and population rates (module docstring)
    )


def _indicator(number: str, title: str) -> Measure:
    chosen = INDICATORS[number]
    return _measure(number, title, chosen.stays, chosen.low, chosen.high)


MEASURES = (
    _indicator("01", "Diabetes Short-Term Complications Admission Rate"),
    _indicator("05", "COPD or Asthma in Older Adults Admission Rate"),
    _indicator("07", "Hypertension Admission Rate"),
    _indicator("08", "Heart Failure Admission Rate"),
    _indicator("14", "Uncontrolled Diabetes Admission Rate"),
    _indicator("15", "Asthma in Younger Adults Admission Rate"),
    _measure("90", "Prevention Quality Overall Composite", overall_stays),
)
