"""Follow-up within 7 days after hospital discharge: adult discharges home with an outpatient
visit in the 7 days after.

After the NCQA HEDIS public descriptions of Transitions of Care (TRC, "patient engagement after
inpatient discharge": an office visit, home visit or telehealth visit after discharge) and
Follow-Up After Hospitalization for Mental Illness (FUH, its 7-day rate; a visit on the day of
discharge does not count), and CMS transitional care management (CPT 99496: a face-to-face
visit within 7 days of discharge), applied to every acute inpatient discharge:

* initial population: acute inpatient stays (stays.py) of adults, 18+ at admission, discharged
  home or to home health care (NUBC 01, 06, 81, 86) between 1 January and 24 December, so
  the 7 days lie within the period; one row per discharge.
* denominator: covered from discharge through day 7, so a visit would be in the claims.
* exclusions: readmitted (any inpatient admission 0-7 days after discharge: counted from the
  later discharge instead, as TRC counts a readmission's discharge), or died within the 7 days.
* numerator: an outpatient evaluation and management visit (office, preventive, home, telehealth,
  transitional care management) 1-7 days after discharge, billed or in a clinic's chart.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from commontable.measures.codes import CodeList, direct, valueset
from commontable.measures.definition import EVENT, PROPORTION, Measure
from commontable.measures.entities import CLINIC, COUNTY, HEALTH_PLAN, HOSPITAL, MEDICAL_GROUP
from commontable.measures.library.stays import HOME, covered_through, stays
from commontable.measures.period import day, days_after
from commontable.measures.records import Records

DAYS = 7
ADULT = 18  # HEDIS TRC: members 18 and older
# Visits that count (eCQM value sets, VSAC 2025 expansions), plus CMS transitional care
# management (CPT 99495, 99496; CMS MLN908628 "Transitional Care Management Services").
VISITS: tuple[CodeList, ...] = (
    *(
        valueset(oid)
        for oid in (
            "2.16.840.1.113883.3.464.1003.101.12.1001",  # Office Visit
            "2.16.840.1.113883.3.464.1003.101.12.1016",  # Home Healthcare Services
            "2.16.840.1.113883.3.464.1003.101.12.1023",  # Preventive Care Services Initial 18+
            "2.16.840.1.113883.3.464.1003.101.12.1025",  # Preventive Care Established 18+
            "2.16.840.1.113883.3.526.3.1240",  # Annual Wellness Visit
            "2.16.840.1.113883.3.464.1003.101.12.1080",  # Telephone Visits
            "2.16.840.1.113883.3.464.1003.101.12.1089",  # Virtual Encounter
        )
    ),
    direct(
        "Transitional care management",
        "hcpcs",
        ["99495", "99496"],
        "CMS MLN908628 Transitional Care Management Services (2024)",
    ),
)


def _discharges(records: Records) -> ir.Table:
    period = records.period
    found = stays(records)
    last = day(period.end) - ibis.interval(days=DAYS)
    return found.filter(
        (found.discharge_date >= day(period.start))
        & (found.discharge_date <= last)
        & found.disposition.isin(HOME)
        & (found.age >= ADULT)
    )


def _events(table: ir.Table) -> ir.Table:
    return table.select("person_id", event_id=table.stay_id, event_date=table.discharge_date)


def initial_population(records: Records) -> ir.Table:
    found = _discharges(records)
    return found.select(
        "person_id", "facility_npi", event_id=found.stay_id, event_date=found.discharge_date
    )


def denominator(records: Records) -> ir.Table:
    events = _events(_discharges(records))
    return events.filter(events.event_id.isin(covered_through(records, events, DAYS).event_id))


def denominator_exclusion(records: Records) -> ir.Table:
    """Readmitted, or died, within the 7 days after discharge."""
    found = _discharges(records)
    gap = found.next_admission_date.delta(found.discharge_date, unit="day")
    readmitted = found.filter(gap.between(0, DAYS)).select("person_id", "stay_id")
    persons = records.persons.select(_person="person_id", _death="death_date")
    joined = found.join(persons, found.person_id == persons._person)
    died = joined.filter(
        (joined._death >= joined.discharge_date)
        & (joined._death <= days_after(joined.discharge_date, DAYS))
    ).select("person_id", "stay_id")
    both = ibis.union(readmitted, died)
    return both.select("person_id", event_id=both.stay_id)


def numerator(records: Records) -> ir.Table:
    """A qualifying visit 1-7 days after discharge."""
    events = _events(_discharges(records))
    visits = records.services_in(*VISITS).select("person_id", _visit="start_date")
    joined = events.join(visits, "person_id")
    seen = joined.filter(
        (joined._visit > joined.event_date) & (joined._visit <= days_after(joined.event_date, DAYS))
    )
    return seen.select("person_id", "event_id")


MEASURE = Measure(
    id="FU7-DISCHARGE",
    title="Follow-up visit within 7 days after hospital discharge",
    steward="CommonTable (after NCQA HEDIS TRC/FUH public descriptions and CMS TCM)",
    version="1 (2025)",
    source="https://www.ncqa.org/hedis/measures/transitions-of-care/",
    type=PROPORTION,
    higher_is_better=True,
    codes=VISITS,
    initial_population=initial_population,
    denominator=denominator,
    denominator_exclusion=denominator_exclusion,
    numerator=numerator,
    reports=(HOSPITAL, CLINIC, MEDICAL_GROUP, HEALTH_PLAN, COUNTY),
    unit=EVENT,
)
