"""Care teams and whom they follow: a team's rules, subscriptions (one person, a roster,
attribution), people's consent and Part 2 programs. Each change is audited as its Actor."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import time

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from commontable.appdb import utcnow
from commontable.audit import Actor, AuditAction
from commontable.care.models import (
    CareSetting,
    CareTeam,
    Consent,
    ConsentDecision,
    ConsentTopic,
    EventKind,
    Part2Program,
    Subscription,
    SubscriptionSource,
    TeamKind,
)
from commontable.care.quiet_hours import zone_of
from commontable.errors import NotFound, UserError
from commontable.members import Organization, SecretBox

# CommonTable's person ids (identity.assign: P and nine digits); provisional ones start with N.
PERSON_ID = re.compile(r"[PN][0-9A-F]{9}")
TOPIC_OF = {
    ConsentDecision.OPT_OUT: ConsentTopic.SHARING,
    ConsentDecision.OPT_IN: ConsentTopic.SHARING,
    ConsentDecision.GRANTED: ConsentTopic.PART2,
    ConsentDecision.REVOKED: ConsentTopic.PART2,
}
# What a new team hears unless it says otherwise: every event, in the emergency department and
# the hospital (what the CMS Conditions of Participation require hospitals to send,
# 42 CFR 482.24(d)).
DEFAULT_EVENTS = tuple(kind.value for kind in EventKind)
DEFAULT_SETTINGS = (CareSetting.EMERGENCY.value, CareSetting.INPATIENT.value)
# Notifications name patients: posted over TLS, or to a receiver on this machine.
WEBHOOK_SCHEMES = ("https://", "http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:")


@dataclass(frozen=True)
class Rules:
    """What a team hears and when its email and webhook may go out."""

    events: tuple[str, ...] = DEFAULT_EVENTS
    settings: tuple[str, ...] = DEFAULT_SETTINGS
    only_flagged: bool = False
    quiet_from: time | None = None
    quiet_until: time | None = None
    time_zone: str = "America/Chicago"
    email: str | None = None
    webhook_url: str | None = None

    def __post_init__(self) -> None:
        _known("event", self.events, [k.value for k in EventKind])
        _known("setting", self.settings, [s.value for s in CareSetting])
        if (self.quiet_from is None) != (self.quiet_until is None):
            raise UserError("quiet hours need both a start and an end")
        zone_of(self.time_zone)
        if self.email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", self.email):
            raise UserError(f"{self.email!r} is not an email address")
        if self.webhook_url is not None and not self.webhook_url.startswith(WEBHOOK_SCHEMES):
            raise UserError("a webhook address starts with https:// (http:// only on this machine)")


def _known(what: str, chosen: Sequence[str], allowed: Sequence[str]) -> None:
    unknown = sorted(set(chosen) - set(allowed))
    if unknown:
        raise UserError(f"unknown {what} {', '.join(unknown)}: choose from {', '.join(allowed)}")
    if not chosen:
        raise UserError(f"a team hears at least one {what} ({', '.join(allowed)})")


def _apply(team: CareTeam, rules: Rules) -> None:
    team.events = list(rules.events)
    team.settings = list(rules.settings)
    team.only_flagged = rules.only_flagged
    team.quiet_from, team.quiet_until = rules.quiet_from, rules.quiet_until
    team.time_zone = rules.time_zone
    team.email, team.webhook_url = rules.email, rules.webhook_url


def create_team(
    session: Session,
    by: Actor,
    organization: Organization,
    name: str,
    kind: TeamKind,
    rules: Rules | None = None,
) -> CareTeam:
    """A new care team of the organization, with its rules (the defaults if none)."""
    name = " ".join(name.split())
    if not name:
        raise UserError("a care team needs a name")
    taken = select(CareTeam.id).where(
        CareTeam.organization_id == organization.id, CareTeam.name == name
    )
    if session.scalar(taken) is not None:
        raise UserError(f"{organization.name} has a care team named {name!r} already")
    team = CareTeam(organization_id=organization.id, name=name[:200], kind=kind)
    _apply(team, rules or Rules())
    session.add(team)
    session.flush()
    by.record(
        session,
        AuditAction.CREATE_CARE_TEAM,
        target=f"care team {team.id}",
        organization_id=organization.id,
        name=team.name,
        kind=kind.value,
    )
    return team


def set_rules(session: Session, by: Actor, team: CareTeam, rules: Rules) -> None:
    """Change what the team hears (notifications already made stay)."""
    _apply(team, rules)
    by.record(
        session,
        AuditAction.CHANGE_CARE_TEAM,
        target=f"care team {team.id}",
        organization_id=team.organization_id,
        events=list(rules.events),
        settings=list(rules.settings),
        only_flagged=rules.only_flagged,
    )
    session.flush()


def new_webhook_secret(session: Session, by: Actor, team: CareTeam, box: SecretBox) -> str:
    """A new key for signing the team's webhook posts (the old one stops working): returned
    once, for the receiving system; kept sealed."""
    secret = secrets.token_urlsafe(32)
    team.webhook_secret = box.seal(secret)
    by.record(
        session,
        AuditAction.CHANGE_CARE_TEAM,
        target=f"care team {team.id}",
        organization_id=team.organization_id,
        new_webhook_secret=True,
    )
    session.flush()
    return secret


def get_team(session: Session, team_id: int) -> CareTeam:
    team = session.get(CareTeam, team_id)
    if team is None:
        raise NotFound(f"no care team {team_id}")
    return team


def all_teams(session: Session) -> list[CareTeam]:
    """Every organization's care teams (for staff), by organization then name."""
    query = select(CareTeam).join(Organization, CareTeam.organization_id == Organization.id)
    return list(session.scalars(query.order_by(Organization.name, CareTeam.name)))


def find_team(session: Session, organization: Organization, name: str) -> CareTeam:
    """An organization's team by name (the command line names teams this way)."""
    query = select(CareTeam).where(
        CareTeam.organization_id == organization.id, CareTeam.name == " ".join(name.split())
    )
    team = session.scalar(query)
    if team is None:
        raise NotFound(f"{organization.name} has no care team named {name!r}")
    return team


def person_ids(values: Iterable[str]) -> list[str]:
    """CommonTable person ids, checked (a member's own patient id is not one)."""
    ids = [value.strip().upper() for value in values if value.strip()]
    wrong = [value for value in ids if not PERSON_ID.fullmatch(value)]
    if wrong:
        raise UserError(
            f"not a CommonTable person id: {wrong[0]} (they look like P000000123; a roster of "
            "the team's own patient ids is matched first)"
        )
    return list(dict.fromkeys(ids))


def follow(
    session: Session,
    by: Actor,
    team: CareTeam,
    people: Sequence[str],
    source: SubscriptionSource,
) -> int:
    """The team follows these people (again is fine); how many it did not follow before."""
    ids = person_ids(people)
    existing = {
        row.person_id: row
        for row in session.scalars(
            select(Subscription).where(
                Subscription.team_id == team.id,
                Subscription.source == source,
                Subscription.person_id.in_(ids),
            )
        )
    }
    already = set(
        session.scalars(
            select(Subscription.person_id).where(
                Subscription.team_id == team.id,
                Subscription.person_id.in_(ids),
                Subscription.ended_at.is_(None),
            )
        )
    )
    now = utcnow()
    for person_id in ids:
        found = existing.get(person_id)
        if found is None:
            session.add(
                Subscription(
                    team_id=team.id,
                    person_id=person_id,
                    source=source,
                    added_at=now,
                    added_by_id=by.person_id,
                )
            )
        elif found.ended_at is not None:
            found.ended_at, found.added_at = None, now
    added = len(set(ids) - already)
    by.record(
        session,
        AuditAction.FOLLOW_PEOPLE,
        target=f"care team {team.id}",
        organization_id=team.organization_id,
        source=source.value,
        people=len(ids),
        new=added,
    )
    session.flush()
    return added


def unfollow(session: Session, by: Actor, team: CareTeam, people: Sequence[str]) -> int:
    """The team stops following these people (every way it followed them); how many."""
    ids = person_ids(people)
    result = session.execute(
        update(Subscription)
        .where(
            Subscription.team_id == team.id,
            Subscription.person_id.in_(ids),
            Subscription.ended_at.is_(None),
        )
        .values(ended_at=utcnow())
    )
    by.record(
        session,
        AuditAction.UNFOLLOW_PEOPLE,
        target=f"care team {team.id}",
        organization_id=team.organization_id,
        people=len(ids),
    )
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


def followed(session: Session, team: CareTeam) -> int:
    """How many people the team follows now."""
    query = select(func.count(func.distinct(Subscription.person_id))).where(
        Subscription.team_id == team.id, Subscription.ended_at.is_(None)
    )
    return session.scalar(query) or 0


def record_consent(
    session: Session,
    by: Actor,
    people: Sequence[str],
    decision: ConsentDecision,
    organization: Organization,
) -> int:
    """Record one decision for each person, as `organization` sent it; the latest holds."""
    ids = person_ids(people)
    now = utcnow()
    topic = TOPIC_OF[decision]
    session.add_all(
        Consent(
            person_id=person_id,
            topic=topic,
            decision=decision,
            organization_id=organization.id,
            recorded_at=now,
            recorded_by_id=by.person_id,
        )
        for person_id in ids
    )
    by.record(
        session,
        AuditAction.RECORD_CONSENT,
        target="care consent",
        organization_id=organization.id,
        decision=decision.value,
        people=len(ids),
    )
    session.flush()
    return len(ids)


def add_part2_program(
    session: Session, by: Actor, organization: Organization, facility: str, name: str
) -> Part2Program:
    """Mark a member's facility (as its feed names it) as a Part 2 program."""
    facility = facility.strip()
    if not facility:
        raise UserError("name the facility as the member's ADT feed does (MSH-4 or PV1-3)")
    program = Part2Program(
        data_source=organization.data_source, facility=facility[:200], name=name.strip()[:200]
    )
    session.add(program)
    session.flush()
    by.record(
        session,
        AuditAction.ADD_PART2_PROGRAM,
        target=f"part 2 program {program.id}",
        organization_id=organization.id,
        facility=program.facility,
    )
    return program
