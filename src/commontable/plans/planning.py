"""Plans, their action areas and their initiatives: staff set them up; services add and
flush, the caller commits."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from commontable.audit import Actor, AuditAction
from commontable.errors import Conflict, NotFound, UserError
from commontable.members import Collaborative, Organization
from commontable.plans.models import ActionArea, Goal, Initiative, Plan, PlanStatus

FIRST_YEAR, LAST_YEAR = 1900, 2200


def words(text: str, what: str, *, required: bool = True) -> str:
    """Text typed in, with runs of spaces made one; refuse empty text where it is needed."""
    cleaned = " ".join(text.split())
    if required and not cleaned:
        raise UserError(f"{what} is needed")
    return cleaned


def create_plan(
    session: Session,
    collaborative: Collaborative,
    title: str,
    *,
    start_year: int,
    end_year: int,
    description: str = "",
    status: PlanStatus = PlanStatus.DRAFT,
    by: Actor,
) -> Plan:
    """Start a collaborative's plan for the years `start_year` to `end_year`; audited as `by`'s
    doing."""
    for year in (start_year, end_year):
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise UserError(f"{year} is not a year a plan can run in")
    if end_year < start_year:
        raise UserError(f"a plan cannot end ({end_year}) before it starts ({start_year})")
    plan = Plan(
        collaborative=collaborative,
        title=words(title, "a plan's title"),
        description=description.strip(),
        start_year=start_year,
        end_year=end_year,
        status=status,
    )
    session.add(plan)
    session.flush()
    by.record(
        session,
        AuditAction.CREATE_PLAN,
        target=plan.title,
        plan_id=plan.id,
        collaborative_id=collaborative.id,
    )
    return plan


def get_plan(session: Session, plan_id: int) -> Plan:
    """The plan with this id."""
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"no plan with id {plan_id}")
    return plan


def list_plans(session: Session, collaborative: Collaborative | None = None) -> list[Plan]:
    """Plans, newest first, optionally of one collaborative."""
    query = select(Plan).order_by(Plan.start_year.desc(), Plan.id.desc())
    if collaborative is not None:
        query = query.where(Plan.collaborative_id == collaborative.id)
    return list(session.scalars(query))


def set_plan_status(session: Session, plan: Plan, status: PlanStatus) -> PlanStatus:
    """Adopt, close or reopen a plan; returns the status it had."""
    before = plan.status
    plan.status = status
    session.flush()
    return before


def add_action_area(session: Session, plan: Plan, title: str, description: str = "") -> ActionArea:
    """Add a priority to the plan; titles are unique within a plan, whatever their case."""
    title = words(title, "an action area's title")
    if any(area.title.lower() == title.lower() for area in plan.areas):
        raise Conflict(f"'{plan.title}' already has an action area '{title}'")
    area = ActionArea(plan=plan, title=title, description=description.strip())
    session.add(area)
    session.flush()
    return area


def area_of(session: Session, plan: Plan, area_id: int | None) -> ActionArea | None:
    """The plan's action area with this id (None for none); another plan's is refused."""
    if area_id is None:
        return None
    area = session.get(ActionArea, area_id)
    if area is None or area.plan_id != plan.id:
        raise NotFound(f"'{plan.title}' has no action area {area_id}")
    return area


def goal_of(session: Session, plan: Plan, goal_id: int | None) -> Goal | None:
    """The plan's goal with this id (None for none); another plan's is refused."""
    if goal_id is None:
        return None
    goal = session.get(Goal, goal_id)
    if goal is None or goal.plan_id != plan.id:
        raise NotFound(f"'{plan.title}' has no goal {goal_id}")
    return goal


def add_initiative(
    session: Session,
    plan: Plan,
    title: str,
    owner: Organization,
    *,
    description: str = "",
    area: ActionArea | None = None,
    goal: Goal | None = None,
) -> Initiative:
    """Add a piece of work to the plan, owned by one organization."""
    initiative = Initiative(
        plan=plan,
        title=words(title, "an initiative's title"),
        owner=owner,
        description=description.strip(),
        area=area,
        goal=goal,
    )
    session.add(initiative)
    session.flush()
    return initiative


def get_initiative(session: Session, initiative_id: int) -> Initiative:
    """The initiative with this id."""
    initiative = session.get(Initiative, initiative_id)
    if initiative is None:
        raise NotFound(f"no initiative with id {initiative_id}")
    return initiative
