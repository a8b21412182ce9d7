"""The demo's table: a collaborative of the roster's members, a finished Delphi study whose
agreed set became the action plan's goals, a closed adoption vote and an open one.

Built only from the parts' public services, on an app DB holding the imported roster and
published results; a second run refuses (the collaborative already exists).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from commontable.appdb import utcnow
from commontable.audit import AuditAction, command_line_actor
from commontable.errors import Conflict, UserError
from commontable.governance import (
    Answer,
    BallotIn,
    LinkKind,
    MotionKind,
    Position,
    StakeholderGroup,
    StudyRule,
    add_item,
    add_panelist,
    agreed_set,
    cast_vote,
    close_motion,
    close_round,
    create_motion,
    create_study,
    link_decision,
    open_motion,
    open_round,
    rate,
)
from commontable.members import (
    Collaborative,
    CollaborativeType,
    Organization,
    OrganizationType,
    Person,
    Role,
    add_collaborative,
    add_membership,
    add_person,
    check_password_rules,
    list_organizations,
    people_with_role,
    top_level_collaboratives,
)
from commontable.plans import AdoptedBy, GoalSpec, PlanStatus, add_commitment, add_goal, create_plan
from commontable.publishing import Reader, choose, collaborative_cell, published_measures

NAME = "Finger Lakes Common Table"
WORKGROUP = "Measures and Data Workgroup"
PERIOD = 2025
PANEL_SIZE = 9
OPEN_VOTE = "Adopt the 2026 data-use agreement"
# The measures the panel favours when they are published (else the first half, by id).
FAVOURED = ("CMS165", "CMS122", "CMS125", "CMS130", "CMS2")

# The roster's kinds of member, as stakeholder groups; clinics sit only as medical groups
# (a clinic with no parent), their sites vote through them.
GROUPS = {
    OrganizationType.HEALTH_PLAN: StakeholderGroup.HEALTH_PLANS,
    OrganizationType.HOSPITAL: StakeholderGroup.PROVIDERS,
    OrganizationType.CLINIC: StakeholderGroup.PROVIDERS,
    OrganizationType.CBO: StakeholderGroup.CBOS,
    OrganizationType.PURCHASER: StakeholderGroup.EMPLOYERS,
    OrganizationType.PUBLIC_HEALTH: StakeholderGroup.PUBLIC_HEALTH,
}
FIRST = ("Alex", "Bea", "Carmen", "Dev", "Elena", "Farid", "Grace", "Hiro", "Imani", "Jonas")
LAST = ("Okafor", "Lindqvist", "Moreno", "Patel", "Nguyen", "Schmidt", "Haddad", "Kowalski")
# The representatives who sign in with the demo password: the first health plan's, the first
# hospital's and the first community-based organization's (in roster order).
SIGN_IN = (OrganizationType.HEALTH_PLAN, OrganizationType.HOSPITAL, OrganizationType.CBO)


@dataclass
class DemoTable:
    """What `seed` made: the collaborative, the study, the motions and the plan, by id."""

    collaborative_id: int
    members: int
    study_id: int
    agreed: list[str]
    adopted_motion_id: int
    open_motion_id: int
    plan_id: int
    goals: int
    commitments: int
    sign_in: list[str] = field(default_factory=list)
    password: str = field(default="", repr=False)  # the sign-in representatives'

    def summary(self) -> str:
        """One line per thing seeded, for the command line."""
        return "\n".join(
            [
                f"collaborative {self.collaborative_id}: {NAME}, {self.members} members",
                f"Delphi study {self.study_id} finished; agreed set: {', '.join(self.agreed)}",
                f"motion {self.adopted_motion_id} adopted the measure set (closed)",
                f"motion {self.open_motion_id}: '{OPEN_VOTE}' is open for votes",
                f"plan {self.plan_id}: {self.goals} goals, {self.commitments} member commitments",
                f"representatives who can sign in: {', '.join(self.sign_in)}",
            ]
        )


def seed(session: Session, password: str | None = None, now: datetime | None = None) -> DemoTable:
    """Seed the demo's table; refused when it is seeded already or nothing is published.

    `password` is given to the few representatives who sign in (random when None)."""
    now = now or utcnow()
    if any(c.name == NAME for c in top_level_collaboratives(session)):
        raise Conflict(f"the demo table is seeded already: '{NAME}' exists; nothing changed")
    candidates = _candidates(session)
    seated = _seatable(session)
    if not seated:
        raise UserError("no roster organizations: run `commontable org import-roster` first")
    table = add_collaborative(
        session, NAME, CollaborativeType.NETWORK, description="The region's common table."
    )
    workgroup = add_collaborative(
        session,
        WORKGROUP,
        CollaborativeType.WORKGROUP,
        parent=table,
        description="Chooses the measures the table tracks.",
    )
    start = date(PERIOD, 1, 1)
    for organization in seated:
        add_membership(session, table, organization, start=start)
    for organization in seated[:: max(1, len(seated) // 4)]:
        add_membership(session, workgroup, organization, start=start)
    password = password or secrets.token_urlsafe(12)
    people, sign_in = _representatives(session, seated, password)
    staff = next(iter(people_with_role(session, Role.ADMIN)), None)
    study_id, agreed = _delphi(session, table, people, candidates, staff, now - timedelta(days=60))
    adopted = _adopt(session, table, people, study_id, agreed, staff, now - timedelta(days=20))
    opened = _open_vote(session, table, people, staff, now)
    plan_id, goals, commitments = _plan(session, table, seated, agreed, candidates, adopted)
    command_line_actor().record(
        session,
        AuditAction.SEED_DEMO_TABLE,
        target=NAME,
        members=len(seated),
        people=len(people),
        study=study_id,
        plan=plan_id,
    )
    return DemoTable(
        collaborative_id=table.id,
        members=len(seated),
        study_id=study_id,
        agreed=agreed,
        adopted_motion_id=adopted,
        open_motion_id=opened,
        plan_id=plan_id,
        goals=goals,
        commitments=commitments,
        sign_in=sign_in,
        password=password,
    )


def _candidates(session: Session) -> dict[str, tuple[str, float, bool, bool]]:
    """Published measures with a whole-collaborative result for the period: id -> (title,
    rate, higher is better, a proportion)."""
    found: dict[str, tuple[str, float, bool, bool]] = {}
    for measure in published_measures(session):
        try:
            selection = choose(session, measure.measure_id, PERIOD, "collaborative")
        except UserError:
            continue
        cell = collaborative_cell(session, selection, Reader())
        if cell is not None and cell.rate is not None:
            proportion = measure.type == "proportion"
            facts = (measure.title, cell.rate, measure.higher_is_better, proportion)
            found[measure.measure_id] = facts
    if not found:
        raise UserError(f"no whole-collaborative results for {PERIOD}: publish them first")
    return found


def _seatable(session: Session) -> list[Organization]:
    """The roster's member organizations: plans, hospitals, medical groups, CBOs, employers,
    public health."""
    return [
        o
        for o in list_organizations(session)
        if o.roster_id and o.type in GROUPS and o.parent_id is None
    ]


def _representatives(
    session: Session, seated: list[Organization], password: str
) -> tuple[list[tuple[Person, StakeholderGroup]], list[str]]:
    """One member representative per seated organization; a few can sign in."""
    people: list[tuple[Person, StakeholderGroup]] = []
    sign_in: list[str] = []
    wanted = list(SIGN_IN)
    for i, organization in enumerate(seated):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 3) % len(LAST)]
        email = f"{first}.{last}@{organization.data_source}.example".lower()
        chosen = None
        if organization.type in wanted:
            wanted.remove(organization.type)
            check_password_rules(password, email)
            chosen = password
            sign_in.append(email)
        person = add_person(
            session,
            email,
            f"{first} {last}",
            organization,
            roles=[Role.MEMBER_REPRESENTATIVE],
            password=chosen,
        )
        people.append((person, GROUPS[organization.type]))
    return people, sign_in


def _panel(
    people: list[tuple[Person, StakeholderGroup]],
) -> list[tuple[Person, StakeholderGroup]]:
    """About nine panelists, taken in turn from each stakeholder group."""
    by_group: dict[StakeholderGroup, list[Person]] = {}
    for person, group in people:
        by_group.setdefault(group, []).append(person)
    panel: list[tuple[Person, StakeholderGroup]] = []
    while len(panel) < min(PANEL_SIZE, len(people)):
        for group, waiting in by_group.items():
            if waiting and len(panel) < PANEL_SIZE:
                panel.append((waiting.pop(0), group))
    return panel


def _rating(agreed: bool, round_number: int, share: float, shade: int) -> int:
    """A panelist's rating: agreed items move to consensus in round 2, the others do not."""
    high, mid, low = 7 + shade, 4 + shade, 1 + shade
    if agreed:
        if round_number == 1:
            return high if share < 0.6 else mid if share < 0.9 else low
        return high if share < 0.85 else mid
    if round_number == 1:
        return high if share < 0.35 else mid if share < 0.75 else low
    return mid if share < 0.7 else low


def _delphi(
    session: Session,
    table: Collaborative,
    people: list[tuple[Person, StakeholderGroup]],
    candidates: dict[str, tuple[str, float, bool, bool]],
    staff: Person | None,
    start: datetime,
) -> tuple[int, list[str]]:
    """A two-round study by the COS rule over the candidates; returns its id and agreed set."""
    study = create_study(
        session,
        table,
        f"Which measures should the table track from {PERIOD + 1}?",
        rule=StudyRule.COS,
        question="How important is this measure for the region's action plan?",
        max_rounds=2,
        created_by=staff,
    )
    ids = list(candidates)
    ranked = sorted(ids, key=lambda m: FAVOURED.index(m) if m in FAVOURED else len(FAVOURED))
    favoured = set(ranked[: max(1, min(len(FAVOURED), (len(ids) + 1) // 2))])
    items = [add_item(session, study, candidates[m][0], measure_id=m) for m in ids]
    panel = _panel(people)
    for person, group in panel:
        add_panelist(session, study, person, group)
    for round_number in (1, 2):
        opened = start + timedelta(days=14 * (round_number - 1))
        open_round(session, study, opened + timedelta(days=10), now=opened)
        for j, (person, _) in enumerate(panel):
            share = (j + 0.5) / len(panel)
            answers = {
                item.id: Answer(
                    _rating(item.measure_id in favoured, round_number, share, (i + j) % 3),
                    "Data are already collected by most members." if j == 0 else "",
                )
                for i, item in enumerate(items)
            }
            rate(session, study, person, answers, now=opened + timedelta(days=1 + j % 5))
        close_round(session, study, now=opened + timedelta(days=10))
    return study.id, [str(item.measure_id) for item in agreed_set(study)]


def _adopt(
    session: Session,
    table: Collaborative,
    people: list[tuple[Person, StakeholderGroup]],
    study_id: int,
    agreed: list[str],
    staff: Person | None,
    when: datetime,
) -> int:
    """A proposal adopting the study's agreed set, voted by every member and closed."""
    motion = create_motion(
        session,
        table,
        MotionKind.PROPOSAL,
        f"Adopt the {PERIOD + 1} measure set",
        closes_at=when + timedelta(days=7),
        body=f"The measures the Delphi study agreed on: {', '.join(agreed)}.",
        created_by=staff,
        now=when,
    )
    open_motion(session, motion, now=when)
    for i, (person, _) in enumerate(people):
        position = Position.NO if i % 7 == 6 else Position.ABSTAIN if i % 9 == 8 else Position.YES
        cast_vote(session, motion, person, BallotIn(position), now=when + timedelta(hours=i + 1))
    close_motion(session, motion, closed_by=staff, now=when + timedelta(days=7, seconds=-1))
    link_decision(
        session,
        motion,
        LinkKind.MEASURE_SET,
        ref=str(study_id),
        text=f"the agreed set of Delphi study {study_id}: {', '.join(agreed)}",
    )
    return motion.id


def _open_vote(
    session: Session,
    table: Collaborative,
    people: list[tuple[Person, StakeholderGroup]],
    staff: Person | None,
    now: datetime,
) -> int:
    """The open vote, with a couple of votes cast."""
    motion = create_motion(
        session,
        table,
        MotionKind.PROPOSAL,
        OPEN_VOTE,
        closes_at=now + timedelta(days=30),
        body="Members share their submissions under the agreement's terms from 1 January.",
        created_by=staff,
        now=now - timedelta(days=2),
    )
    open_motion(session, motion, now=now - timedelta(days=2))
    for i, (person, _) in enumerate(people[-2:]):
        cast_vote(session, motion, person, BallotIn(Position.YES), now=now - timedelta(hours=i + 1))
    return motion.id


def _plan(
    session: Session,
    table: Collaborative,
    seated: list[Organization],
    agreed: list[str],
    candidates: dict[str, tuple[str, float, bool, bool]],
    adopted: int,
) -> tuple[int, int, int]:
    """The active plan: a goal per agreed measure from its baseline, and a few commitments."""
    plan = create_plan(
        session,
        table,
        f"{NAME} action plan {PERIOD + 1}-{PERIOD + 3}",
        start_year=PERIOD + 1,
        end_year=PERIOD + 3,
        description="Goals on the measures the table agreed on, tracked against published results.",
        status=PlanStatus.ACTIVE,
        by=command_line_actor(),
    )
    goals = []
    for measure_id in agreed:
        title, baseline, higher, proportion = candidates[measure_id]
        step = 0.05 if proportion else 0.1 * baseline
        target = baseline + step if higher else baseline - step
        target = min(1.0, max(0.0, target)) if proportion else max(0.0, target)
        spec = GoalSpec(
            title=f"{'Raise' if higher else 'Lower'} {title} across the region",
            baseline_period=PERIOD,
            target_value=round(target, 3),
            target_date=date(PERIOD + 3, 12, 31),
            measure_id=measure_id,
            adopted_by=(AdoptedBy.DECISION, str(adopted)),
        )
        goals.append(add_goal(session, plan, spec, by=command_line_actor()))
    commitments = 0
    for organization, goal in zip(seated[::4][:5], goals * len(seated), strict=False):
        add_commitment(
            session,
            plan,
            organization,
            f"{organization.name} reports {goal.measure_title} for its members each quarter",
            due_date=date(PERIOD + 2, 6, 30),
            goal=goal,
        )
        commitments += 1
    return plan.id, len(goals), commitments
