"""From encounter events to notifications: each event is kept once, and every care team entitled
to it gets one notification, as its rules say.

Entitled: the team follows the person (an active subscription), the person has not opted out of
sharing, the event is not from a Part 2 program unless the person consented to its disclosure
(42 CFR 2.31), and the team hears this kind of event, in this setting (and, if it asked for
high utilizers only, the event carries a flag). Opt-outs never stop the event being kept: the
collaborative's aggregate measures still count it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, tuple_, update
from sqlalchemy.orm import Session

from commontable.appdb import utcnow
from commontable.care.events import Encounter, Retraction
from commontable.care.models import (
    CareEvent,
    CareTeam,
    Consent,
    ConsentDecision,
    ConsentTopic,
    EventKind,
    Notification,
    Part2Program,
    Subscription,
)
from commontable.care.quiet_hours import after_quiet_hours

# High-utilizer flags. Frequent ED use: 3 or more ED visits in 6 months (issue 17's example;
# frequent-user studies use 3-4+ a year, e.g. AHRQ HCUP Statistical Brief #229); a readmission:
# an admission within 30 days of a discharge (the window of CMS's Hospital Readmissions
# Reduction Program, 42 CFR 412.152).
FREQUENT_ED_VISITS, FREQUENT_ED_WINDOW = 3, timedelta(days=183)
READMISSION_WINDOW = timedelta(days=30)
FREQUENT_ED, READMISSION = "3+ ED visits in 6 months", "readmission within 30 days"


@dataclass(frozen=True)
class PersonRef:
    """Who a source's patient is: the warehouse person, or a provisional id until matched."""

    person_id: str
    provisional: bool = False


SourcePerson = tuple[str, str]  # (data_source, source_person_id)


@dataclass
class Notified:
    """What one round made of its events."""

    events: int = 0  # new events kept
    repeated: int = 0  # already kept (a message sent again)
    notifications: int = 0
    retracted: int = 0
    withheld: Counter[str] = field(default_factory=Counter)  # why a follower was not told

    def add(self, other: Notified) -> None:
        self.events += other.events
        self.repeated += other.repeated
        self.notifications += other.notifications
        self.retracted += other.retracted
        self.withheld.update(other.withheld)


def notify(
    session: Session,
    meanings: Sequence[Encounter | Retraction],
    people: Mapping[SourcePerson, PersonRef],
    now: datetime | None = None,
) -> Notified:
    """Keep the encounters (each message once), make their notifications, apply retractions."""
    now = now or utcnow()
    done = Notified()
    encounters = [m for m in meanings if isinstance(m, Encounter)]
    kept = _keep(session, encounters, people, now, done)
    if kept:
        _notifications(session, kept, now, done)
    for retraction in (m for m in meanings if isinstance(m, Retraction)):
        done.retracted += _retract(session, retraction, now)
    session.flush()
    return done


def _keep(
    session: Session,
    encounters: list[Encounter],
    people: Mapping[SourcePerson, PersonRef],
    now: datetime,
    done: Notified,
) -> list[CareEvent]:
    """New events, with their Part 2 mark and high-utilizer flags (repeats are skipped)."""
    keys = {(e.data_source, e.message_control_id) for e in encounters}
    seen: set[tuple[str, str]] = set()
    if keys:
        rows = session.execute(
            select(CareEvent.data_source, CareEvent.message_control_id).where(
                tuple_(CareEvent.data_source, CareEvent.message_control_id).in_(keys)
            )
        )
        seen = {(source, control_id) for source, control_id in rows}
    part2 = _part2_facilities(session, {e.data_source for e in encounters})
    kept: list[CareEvent] = []
    for encounter in encounters:
        key = (encounter.data_source, encounter.message_control_id)
        if key in seen:
            done.repeated += 1
            continue
        seen.add(key)
        person = people[(encounter.data_source, encounter.source_person_id)]
        event = CareEvent(
            data_source=encounter.data_source,
            message_control_id=encounter.message_control_id,
            trigger=encounter.trigger,
            kind=encounter.kind,
            setting=encounter.setting,
            person_id=person.person_id,
            provisional=person.provisional,
            source_person_id=encounter.source_person_id,
            patient_name=encounter.patient_name[:200],
            birth_date=(encounter.demographics.get("birth_date") or "")[:10],
            occurred_at=encounter.occurred_at,
            received_at=now,
            facility=encounter.facility[:200],
            location=encounter.location[:200],
            visit_number=encounter.visit_number[:200],
            diagnosis_code=encounter.diagnosis_code,
            discharge_disposition=encounter.discharge_disposition,
            part2=bool({(encounter.data_source, encounter.facility),
                        (encounter.data_source, encounter.location.split("^")[0])} & part2),
        )  # fmt: skip
        event.flags = _flags(session, event)
        session.add(event)
        session.flush()  # the next event of the same person counts this one
        kept.append(event)
    done.events += len(kept)
    return kept


def _part2_facilities(session: Session, sources: Iterable[str]) -> set[tuple[str, str]]:
    rows = session.execute(
        select(Part2Program.data_source, Part2Program.facility).where(
            Part2Program.data_source.in_(list(sources))
        )
    )
    return set(rows.all())


def _flags(session: Session, event: CareEvent) -> list[str]:
    """The event's high-utilizer flags, from the person's earlier events on the feed."""
    flags: list[str] = []
    earlier = select(func.count()).where(
        CareEvent.person_id == event.person_id, CareEvent.retracted_at.is_(None)
    )
    if event.kind is EventKind.ED_VISIT:
        since = event.occurred_at - FREQUENT_ED_WINDOW
        visits = session.scalar(
            earlier.where(
                CareEvent.kind == EventKind.ED_VISIT,
                CareEvent.occurred_at >= since,
                CareEvent.occurred_at <= event.occurred_at,
            )
        )
        if (visits or 0) + 1 >= FREQUENT_ED_VISITS:
            flags.append(FREQUENT_ED)
    if event.kind is EventKind.ADMISSION:
        discharges = session.scalar(
            earlier.where(
                CareEvent.kind == EventKind.DISCHARGE,
                CareEvent.setting == event.setting,
                CareEvent.occurred_at >= event.occurred_at - READMISSION_WINDOW,
                CareEvent.occurred_at <= event.occurred_at,
            )
        )
        if discharges:
            flags.append(READMISSION)
    return flags


def current_consent(
    session: Session, person_ids: Iterable[str]
) -> dict[tuple[str, ConsentTopic], ConsentDecision]:
    """The latest decision per person and topic (none recorded: the default holds: sharing on,
    no Part 2 disclosure)."""
    ids = list(set(person_ids))
    if not ids:
        return {}
    latest = (
        select(Consent.person_id, Consent.topic, func.max(Consent.id).label("last"))
        .where(Consent.person_id.in_(ids))
        .group_by(Consent.person_id, Consent.topic)
        .subquery()
    )
    rows = session.execute(
        select(Consent.person_id, Consent.topic, Consent.decision).join(
            latest, Consent.id == latest.c.last
        )
    )
    return {(person, topic): decision for person, topic, decision in rows}


def notify_again(
    session: Session, events: list[CareEvent], now: datetime | None = None
) -> Notified:
    """Notify kept events anew, after their person changed (a provisional id matched): every
    team entitled now and not yet told gets its notification, late."""
    done = Notified()
    if not events:
        return done
    told = {
        (team_id, event_id)
        for team_id, event_id in session.execute(
            select(Notification.team_id, Notification.event_id).where(
                Notification.event_id.in_([e.id for e in events])
            )
        )
    }
    _notifications(session, events, now or utcnow(), done, told)
    session.flush()
    return done


def _notifications(
    session: Session,
    events: list[CareEvent],
    now: datetime,
    done: Notified,
    told: Collection[tuple[int, int]] = (),
) -> None:
    """One notification per event and entitled team, but none for a (team, event) in `told`
    (new events have none: only `notify_again` looks)."""
    persons = {e.person_id for e in events}
    consent = current_consent(session, persons)
    followers: dict[str, list[CareTeam]] = {}
    rows = session.execute(
        select(Subscription.person_id, CareTeam)
        .join(CareTeam, Subscription.team_id == CareTeam.id)
        .where(Subscription.person_id.in_(persons), Subscription.ended_at.is_(None))
    )
    for person_id, team in rows:
        teams = followers.setdefault(person_id, [])
        if team not in teams:
            teams.append(team)
    for event in events:
        following = followers.get(event.person_id, [])
        teams = [team for team in following if _hears(team, event)]
        if len(teams) < len(following):
            done.withheld["not in the team's rules"] += len(following) - len(teams)
        event.entitled = len(teams)
        event.withheld = _withheld(event, consent)
        if event.withheld:
            done.withheld[event.withheld] += len(teams)
            continue
        for team in teams:
            if (team.id, event.id) in told:
                continue
            session.add(
                Notification(
                    team_id=team.id,
                    event_id=event.id,
                    created_at=now,
                    deliver_after=after_quiet_hours(team, now),
                )
            )
            done.notifications += 1


def _withheld(event: CareEvent, consent: Mapping[tuple[str, ConsentTopic], ConsentDecision]) -> str:
    """Why no team may be told of this event ("" when they may)."""
    if consent.get((event.person_id, ConsentTopic.SHARING)) is ConsentDecision.OPT_OUT:
        return "the person opted out"
    granted = consent.get((event.person_id, ConsentTopic.PART2)) is ConsentDecision.GRANTED
    if event.part2 and not granted:
        return "a Part 2 program without consent"
    return ""


def _hears(team: CareTeam, event: CareEvent) -> bool:
    """Whether the team's rules take this event."""
    if event.kind.value not in team.events or event.setting.value not in team.settings:
        return False
    return bool(event.flags) or not team.only_flagged


def _retract(session: Session, retraction: Retraction, now: datetime) -> int:
    """Mark the visit's earlier events of the cancelled kinds as retracted; how many."""
    if not retraction.visit_number:
        return 0
    result = session.execute(
        update(CareEvent)
        .where(
            CareEvent.data_source == retraction.data_source,
            CareEvent.visit_number == retraction.visit_number,
            CareEvent.source_person_id == retraction.source_person_id,
            CareEvent.kind.in_([kind.value for kind in retraction.kinds]),
            CareEvent.retracted_at.is_(None),
        )
        .values(retracted_at=now, retracted_by=retraction.message_control_id[:200])
    )
    return int(getattr(result, "rowcount", 0) or 0)
