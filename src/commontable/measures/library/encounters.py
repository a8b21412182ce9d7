"""Qualifying encounters: CMS eCQM 2025 library AdultOutpatientEncounters 4.11.000."""

from __future__ import annotations

import ibis.expr.types as ir

from commontable.measures.codes import CodeList, valueset
from commontable.measures.period import during
from commontable.measures.records import Records

# AdultOutpatientEncounters.cql "Qualifying Encounters" (VSAC value sets, 2025 expansions).
QUALIFYING: tuple[CodeList, ...] = tuple(
    valueset(oid)
    for oid in (
        "2.16.840.1.113883.3.464.1003.101.12.1001",  # Office Visit
        "2.16.840.1.113883.3.526.3.1240",  # Annual Wellness Visit
        "2.16.840.1.113883.3.464.1003.101.12.1025",  # Preventive Care Established, 18 and Up
        "2.16.840.1.113883.3.464.1003.101.12.1023",  # Preventive Care Initial, 18 and Up
        "2.16.840.1.113883.3.464.1003.101.12.1016",  # Home Healthcare Services
        "2.16.840.1.113883.3.464.1003.101.12.1089",  # Virtual Encounter
        "2.16.840.1.113883.3.464.1003.101.12.1080",  # Telephone Visits
    )
)


def qualifying_encounters(records: Records) -> ir.Table:
    """People with a qualifying encounter wholly within the period ("during day of")."""
    period = records.period
    visits = records.services_in(*QUALIFYING)
    within = during(visits.start_date, period.start, period.end) & during(
        visits.end_date, period.start, period.end
    )
    return visits.filter(within).select("person_id")
