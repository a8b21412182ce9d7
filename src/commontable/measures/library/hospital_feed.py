"""Hospital events as the members' ADT feeds tell them (`adt_event`, received live or loaded
from files), with what the care teams were told of each: the events of the measures of
coordination.

Trigger events per HL7 v2.5.1 chapter 3 (A01 admit, A03 discharge, A04 register; A11 cancels an
admit or visit, A13 a discharge) and patient class per Table 0004 (E emergency, I inpatient). A
message cancelled by a later A11/A13 of the person's same visit did not happen and is left out.
One event per person, hospital (data_source) and day, the first message of it: a feed that
sends a discharge twice (once live, once in a file) tells of one discharge.
"""

from __future__ import annotations

from datetime import timedelta

import ibis
import ibis.expr.types as ir

from commontable.measures.period import days_after, during
from commontable.measures.records import Records

EMERGENCY, INPATIENT = "E", "I"  # HL7 v2.5.1 Table 0004 patient class
CANCELLING = {"A11": ("A01", "A04"), "A13": ("A03",)}
NOTIFIED = ("A01", "A02", "A03", "A04")  # the triggers care teams are told of (care/events.py)


def _adt(records: Records) -> ir.Table:
    if records.adt_events is None:
        raise ValueError("the run's records carry no ADT events")
    return records.adt_events


def standing(records: Records, triggers: tuple[str, ...]) -> ir.Table:
    """The ADT messages of these triggers that no later A11/A13 of the person's visit cancelled."""
    adt = _adt(records)
    rows = adt.filter(adt.event_type.isin(triggers))
    for cancel, cancelled in CANCELLING.items():
        if not set(cancelled) & set(triggers):
            continue
        cancels = adt.filter(adt.event_type == cancel).select(
            _person="person_id",
            _source="data_source",
            _visit="visit_number",
            _cancel_at="event_datetime",
        )
        rows = rows.anti_join(
            cancels,
            [
                rows.event_type.isin(cancelled),
                rows.person_id == cancels._person,
                rows.data_source == cancels._source,
                rows.visit_number == cancels._visit,
                cancels._cancel_at >= rows.event_datetime,
            ],
        )
    return rows


def _events(records: Records, triggers: tuple[str, ...], patient_class: str) -> ir.Table:
    """person_id, data_source, message_control_id, event_date, facility_npi, disposition of
    the period's (and the 30 days around it) standing messages of these triggers and class, one
    per person, source and day."""
    period = records.period
    adt = standing(records, triggers)
    at = ibis.cases(
        (adt.event_type == "A03", adt.discharge_datetime.fill_null(adt.event_datetime)),
        else_=adt.admit_datetime.fill_null(adt.event_datetime),
    )
    rows = adt.filter(adt.patient_class.upper() == patient_class).mutate(_at=at, _date=at.date())
    margin = timedelta(days=30)
    rows = rows.filter(during(rows._date, period.start - margin, period.end + margin))
    first = rows.mutate(
        _rank=ibis.row_number().over(
            group_by=["person_id", "data_source", "_date"],
            order_by=[rows._at, rows.message_control_id],
        )
    )
    first = first.filter(first._rank == 0)
    return first.select(
        "person_id",
        "data_source",
        "message_control_id",
        "facility_npi",
        event_date="_date",
        disposition=first.discharge_disposition_code,
    )


def _with_notices(records: Records, events: ir.Table) -> ir.Table:
    """Events with what the care teams were told (zeros and nulls for events no feed notified)."""
    if records.care_notices is None:
        raise ValueError("the run's records carry no care notices")
    notices = records.care_notices.select(
        _source="data_source",
        _control="message_control_id",
        occurred_at="occurred_at",
        entitled="entitled",
        withheld="withheld",
        notifications="notifications",
        notified_at="notified_at",
    )
    joined = events.left_join(
        notices,
        [events.data_source == notices._source, events.message_control_id == notices._control],
    )
    return joined.select(
        *events.columns,
        event_id=joined.data_source + ":" + joined.message_control_id,
        occurred_at=joined.occurred_at,
        entitled=joined.entitled.fill_null(0),
        withheld=joined.withheld.fill_null(""),
        notifications=joined.notifications.fill_null(0),
        notified_at=joined.notified_at,
        live=joined._control.notnull(),  # the live feed's notifier kept it
    )


def inpatient_discharges(records: Records) -> ir.Table:
    """Inpatient discharges (A03, class I) told by the feeds, with their notices."""
    return records.shared(
        "feed discharges", lambda r: _with_notices(r, _events(r, ("A03",), INPATIENT))
    )


def inpatient_admissions(records: Records) -> ir.Table:
    """person_id, event_date of inpatient admissions (A01, class I) told by the feeds."""
    return _events(records, ("A01",), INPATIENT).select("person_id", "event_date")


def ed_visits(records: Records) -> ir.Table:
    """Emergency department visits (A04 or A01 of class E) told by the feeds, with their
    notices; one per person and day whichever hospital told it."""

    def build(r: Records) -> ir.Table:
        visits = _with_notices(r, _events(r, ("A01", "A04"), EMERGENCY))
        ranked = visits.mutate(
            _rank=ibis.row_number().over(
                group_by=["person_id", "event_date"],
                order_by=[ibis.desc(visits.notifications), visits.event_id],
            )
        )
        return ranked.filter(ranked._rank == 0).drop("_rank")

    return records.shared("feed ED visits", build)


def within(events: ir.Table, later: ir.Table, days: int) -> ir.Table:
    """event_id of the events with a `later` row (person_id, event_date) 1 to `days` days after."""
    others = later.select(_person="person_id", _later="event_date")
    joined = events.join(others, events.person_id == others._person)
    found = joined.filter(
        (joined._later > joined.event_date) & (joined._later <= days_after(joined.event_date, days))
    )
    return found.select("event_id").distinct()
