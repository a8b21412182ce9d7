"""Measures of coordination: did the care teams hear of their people's hospital events in time,
did notified discharges get followed up more often than the others, and what came of each
notification. Events are the hospitals' ADT messages (hospital_feed.py); what teams were told is
the notifier's record of the live feed (care_notice, care_notification), copied at every run.

* CARE-NOTIFIED-1H, inpatient discharges told to a care team within 1 hour: discharges received
  on the live feed that at least one care team's subscription and rules took; excluded when
  the person's consent withheld them (an opt-out, or a Part 2 program without consent); met
  when the first notification was in a team's work list within 60 minutes of the discharge
  time the hospital sent. The CMS Conditions of Participation for hospitals ask for an
  electronic notification "at the time of" discharge to the established primary care
  practitioner and the post-acute providers (42 CFR 482.24(d), CMS Interoperability and
  Patient Access final rule, 85 FR 25510).
* FU2- and FU7-, NOTIFIED and NOT-NOTIFIED: follow-up within 2 and 7 days after inpatient
  discharges any care team was told of, and after the others (not on a live feed, nobody
  following, consent withheld), by FU7-DISCHARGE's rules (follow_up.py: adults discharged home,
  covered through the window, readmission or death within it excluded, an outpatient visit 1
  to N days after). Two and seven days after CMS transitional care management (an interactive
  contact within 2 business days, a face-to-face visit within 7 or 14; MLN908628).
* ED-REVISIT-NOTIFIED, ED visits a care team was told of followed by another ED visit within 30
  days (in the feeds or in claims); less is better. Index visits to 30 days before the end.
* CARE-REACHED, notifications that reached the person: the period's notifications, "not ours"
  excluded (the team does not care for the person: a roster to correct), met when completed as
  contacted or follow-up booked; an open one has not reached anyone yet.

People are those the identity match has linked: an event of a provisional person counts after
the next `commontable match`. None of these make care gaps (a late notification is the
collaborative's, not the person's).
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import ibis
import ibis.expr.types as ir

from commontable.measures.definition import EVENT, PROPORTION, Measure
from commontable.measures.entities import CLINIC, COUNTY, HEALTH_PLAN, HOSPITAL, MEDICAL_GROUP
from commontable.measures.library import follow_up
from commontable.measures.library.ed_visits import ed_visit_days
from commontable.measures.library.hospital_feed import (
    NOTIFIED,
    ed_visits,
    inpatient_admissions,
    inpatient_discharges,
    standing,
    within,
)
from commontable.measures.library.stays import HOME, covered_through, stays
from commontable.measures.period import age_on, days_after, during
from commontable.measures.records import Records

STEWARD = "CommonTable (issue 17, measures of coordination)"
VERSION = "1 (2026)"
SOURCE = "https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-G/part-482/subpart-C/section-482.24"
REPORTS = (HOSPITAL, CLINIC, MEDICAL_GROUP, HEALTH_PLAN, COUNTY)
NOTIFIED_WITHIN = ibis.interval(minutes=60)
REVISIT_DAYS = 30
# Outcomes (care.models.Outcome) that mean the team reached the person, and the one that says
# the person is not the team's.
REACHED, NOT_OURS = ("contacted", "follow_up_booked"), "not_ours"
# What every measure of coordination shares: proportions of events, in every entity, no gaps.
coordination_measure = partial(
    Measure,
    steward=STEWARD,
    version=VERSION,
    source=SOURCE,
    type=PROPORTION,
    codes=(),
    reports=REPORTS,
    unit=EVENT,
    care_gaps=False,
)


def _ids(table: ir.Table) -> ir.Table:
    return table.select("person_id", "event_id")


def _initial(table: ir.Table) -> ir.Table:
    return table.select("person_id", "event_id", "event_date", "facility_npi")


# CARE-NOTIFIED-1H


def _followed_discharges(records: Records) -> ir.Table:
    period = records.period
    found = inpatient_discharges(records)
    return found.filter(
        found.live & (found.entitled > 0) & during(found.event_date, period.start, period.end)
    )


def _notified_initial(records: Records) -> ir.Table:
    return _initial(_followed_discharges(records))


def _withheld(records: Records) -> ir.Table:
    found = _followed_discharges(records)
    return _ids(found.filter(found.withheld != ""))


def _in_time(records: Records) -> ir.Table:
    found = _followed_discharges(records)
    return _ids(found.filter(found.notified_at <= found.occurred_at + NOTIFIED_WITHIN))


NOTIFIED_1H = coordination_measure(
    id="CARE-NOTIFIED-1H",
    title="Inpatient discharges told to the person's care team within 1 hour",
    higher_is_better=True,
    initial_population=_notified_initial,
    denominator_exclusion=_withheld,
    numerator=_in_time,
)


# Follow-up after notified and not notified discharges


def _home_discharges(records: Records, days: int, notified: bool) -> ir.Table:
    """Adults' discharges home told by the feeds, notified or not, with their window in the
    period."""
    period = records.period
    found = inpatient_discharges(records)
    persons = records.persons.select(_person="person_id", _birth="birth_date")
    found = found.join(persons, found.person_id == persons._person)
    told = found.notifications > 0
    return found.filter(
        (told if notified else ~told)
        & found.disposition.isin(HOME)
        & (age_on(found._birth, found.event_date) >= follow_up.ADULT)
        & during(found.event_date, period.start, period.end - timedelta(days=days))
    )


def _follow_up_measure(days: int, notified: bool) -> Measure:
    """Follow-up within `days` days after the feeds' discharges, notified or not."""

    def initial(records: Records) -> ir.Table:
        return _initial(_home_discharges(records, days, notified))

    def denominator(records: Records) -> ir.Table:
        events = _home_discharges(records, days, notified)
        dated = events.select("person_id", "event_id", "event_date")
        covered = covered_through(records, dated, days)
        return _ids(events.filter(events.event_id.isin(covered.event_id)))

    def exclusion(records: Records) -> ir.Table:
        """Readmitted (the feeds' admissions or claims' stays, 0 to `days` days after) or died
        within the window."""
        events = _home_discharges(records, days, notified)
        claims_stays = stays(records).select("person_id", event_date="admission_date")
        admissions = ibis.union(inpatient_admissions(records), claims_stays)
        admitted = admissions.select(_person="person_id", _admitted="event_date")
        joined = events.join(admitted, events.person_id == admitted._person)
        readmitted = joined.filter(
            (joined._admitted >= joined.event_date)
            & (joined._admitted <= days_after(joined.event_date, days))
        )
        deaths = records.persons.select(_dead="person_id", _death="death_date")
        died = events.join(deaths, events.person_id == deaths._dead)
        died = died.filter(
            (died._death >= died.event_date) & (died._death <= days_after(died.event_date, days))
        )
        return ibis.union(_ids(readmitted), _ids(died))

    def numerator(records: Records) -> ir.Table:
        events = _home_discharges(records, days, notified)
        visits = records.services_in(*follow_up.VISITS).select("person_id", event_date="start_date")
        seen = within(events, visits, days)
        return _ids(events.filter(events.event_id.isin(seen.event_id)))

    told = "notified" if notified else "not notified"
    return coordination_measure(
        id=f"FU{days}-{'NOTIFIED' if notified else 'NOT-NOTIFIED'}",
        title=f"Follow-up visit within {days} days after inpatient discharges {told} to a "
        "care team",
        source="https://www.cms.gov/files/document/mln908628-transitional-care-management-services.pdf",
        higher_is_better=True,
        codes=follow_up.VISITS,
        initial_population=initial,
        denominator=denominator,
        denominator_exclusion=exclusion,
        numerator=numerator,
    )


# ED-REVISIT-NOTIFIED


def _notified_ed_visits(records: Records) -> ir.Table:
    period = records.period
    found = ed_visits(records)
    last = period.end - timedelta(days=REVISIT_DAYS)
    return found.filter((found.notifications > 0) & during(found.event_date, period.start, last))


def _ed_initial(records: Records) -> ir.Table:
    return _initial(_notified_ed_visits(records))


def _revisited(records: Records) -> ir.Table:
    events = _notified_ed_visits(records)
    later = ibis.union(
        ed_visits(records).select("person_id", "event_date"),
        ed_visit_days(records).select("person_id", event_date="visit_date"),
    )
    again = within(events, later, REVISIT_DAYS)
    return _ids(events.filter(events.event_id.isin(again.event_id)))


ED_REVISIT = coordination_measure(
    id="ED-REVISIT-NOTIFIED",
    title="Another ED visit within 30 days of an ED visit told to a care team",
    higher_is_better=False,
    initial_population=_ed_initial,
    numerator=_revisited,
)


# CARE-REACHED


def _notifications(records: Records) -> ir.Table:
    """The period's notifications with the person and hospital of their message."""
    if records.care_notifications is None:
        raise ValueError("the run's records carry no notifications")
    period = records.period
    told = records.care_notifications
    told = told.mutate(event_date=told.created_at.date())
    told = told.filter(during(told.event_date, period.start, period.end))
    adt = standing(records, NOTIFIED).select(
        "person_id", "facility_npi", _source="data_source", _control="message_control_id"
    )
    joined = told.join(
        adt, [told.data_source == adt._source, told.message_control_id == adt._control]
    )
    return joined.select(
        "person_id",
        "facility_npi",
        "event_date",
        "outcome",
        event_id="notification:" + joined.notification_id,
    )


def _reach_initial(records: Records) -> ir.Table:
    return _initial(_notifications(records))


def _not_ours(records: Records) -> ir.Table:
    found = _notifications(records)
    return _ids(found.filter(found.outcome == NOT_OURS))


def _reached(records: Records) -> ir.Table:
    found = _notifications(records)
    return _ids(found.filter(found.outcome.isin(REACHED)))


REACHED_MEASURE = coordination_measure(
    id="CARE-REACHED",
    title="Notifications after which the care team reached the person",
    higher_is_better=True,
    initial_population=_reach_initial,
    denominator_exclusion=_not_ours,
    numerator=_reached,
)

MEASURES = (
    NOTIFIED_1H,
    _follow_up_measure(2, notified=True),
    _follow_up_measure(2, notified=False),
    _follow_up_measure(7, notified=True),
    _follow_up_measure(7, notified=False),
    ED_REVISIT,
    REACHED_MEASURE,
)
