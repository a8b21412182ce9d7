"""The action plan on the web: plans, a plan's goals against their targets, commitments and
improvement cycles; staff's forms; an organization's commitments (loaded into its page); and
plans with their progress in the JSON API.

Who may use each route is decided by `commontable.privacy.access.POLICY`; every change is
audited. Values come from published results as the reader may see them.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Security
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from commontable.appdb import MAX_ID
from commontable.audit import AuditAction
from commontable.errors import NotFound
from commontable.members import (
    Collaborative,
    Person,
    current_members,
    get_collaborative,
    get_organization,
    get_person,
    list_organizations,
)
from commontable.plans import commitments as pledges
from commontable.plans import cycles, forms, goals, planning
from commontable.plans.charts import trend_chart
from commontable.plans.figures import parse_value, share_text, value_text
from commontable.plans.models import (
    AdoptedBy,
    CommitmentStatus,
    CycleDecision,
    CycleStage,
    PlanStatus,
)
from commontable.plans.progress import goal_progress, plan_progress
from commontable.plans.schemas import CommitmentOut, GoalProgressOut, PlanDetailOut, PlanOut
from commontable.plans.tracking import TrackStatus
from commontable.publishing import ALL, COLLABORATIVE, published_measures, reader_of
from commontable.routing import (
    Context,
    RouteContext,
    bearer,
    one_of,
    optional_date,
    optional_id,
    optional_one_of,
)

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["plans"], dependencies=[Security(bearer)])

# Messages a redirect may ask a page to show; never text taken from the address.
NOTICES = {
    "plan-created": "Plan created.",
    "status-changed": "Plan status changed.",
    "area-added": "Action area added.",
    "goal-added": "Goal added.",
    "value-entered": "Value entered.",
    "initiative-added": "Initiative added.",
    "commitment-added": "Commitment added.",
    "commitment-updated": "Commitment updated.",
    "cycle-added": "Improvement cycle added.",
    "cycle-updated": "Improvement cycle updated.",
}
Text = Annotated[str, Form(max_length=2000)]
LongText = Annotated[str, Form(max_length=4000)]
Choice = Annotated[str, Form(max_length=200)]
Year = Annotated[int, Form(ge=planning.FIRST_YEAR, le=planning.LAST_YEAR)]
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
FormId = Annotated[int, Form(ge=1, le=MAX_ID)]


def _to(path: str, notice: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"{path}?notice={notice}{'#' + anchor if anchor else ''}", 303)


def _person(context: RouteContext) -> Person | None:
    person_id = context.signed_in.person_id
    return get_person(context.session, person_id) if person_id is not None else None


# --- plans ------------------------------------------------------------------------------------


@pages.get("/plans", name="plans.list")
def plans_page(context: Context, collaborative: str = "", notice: str = "") -> HTMLResponse:
    chosen_id = optional_id(collaborative, "collaborative")
    chosen = get_collaborative(context.session, chosen_id) if chosen_id is not None else None
    every = context.session.scalars(select(Collaborative).order_by(Collaborative.name)).all()
    return context.page(
        "plans/plans.html",
        plans=planning.list_plans(context.session, chosen),
        collaboratives=every,
        chosen=chosen,
        statuses=list(PlanStatus),
        notice=NOTICES.get(notice, ""),
    )


@pages.post("/plans", name="plans.create")
def create_plan(
    context: Context,
    collaborative_id: FormId,
    title: Annotated[str, Form(max_length=200)],
    start_year: Year,
    end_year: Year,
    description: Text = "",
) -> RedirectResponse:
    collaborative = get_collaborative(context.session, collaborative_id)
    plan = planning.create_plan(
        context.session,
        collaborative,
        title,
        start_year=start_year,
        end_year=end_year,
        description=description,
        by=context.actor,
    )
    return _to(f"/plans/{plan.id}", "plan-created")


@pages.get("/plans/{plan_id}", name="plans.plan")
def plan_page(context: Context, plan_id: RowId, notice: str = "") -> HTMLResponse:
    session = context.session
    plan = planning.get_plan(session, plan_id)
    progress = plan_progress(session, plan, reader_of(session, context.principal, context.settings))
    commitments = pledges.commitments_of_plan(session, plan.id)
    staff = context.may("plans.add_goal")
    return context.page(
        "plans/plan.html",
        plan=plan,
        progress=progress,
        charts={p.goal_id: trend_chart(p) for p in progress},
        commitments=commitments,
        off_track_goals=[p for p in progress if p.status is TrackStatus.OFF_TRACK],
        off_track_commitments=[c for c in commitments if c.off_track],
        statuses=list(PlanStatus),
        commitment_statuses=list(CommitmentStatus),
        adopted_by=list(AdoptedBy),
        members=current_members(session, plan.collaborative) if staff else [],
        organizations=list_organizations(session) if staff else [],
        measures=published_measures(session) if staff else [],
        entities=goals.published_entities(session) if staff else [],
        strata=goals.published_strata(session) if staff else [],
        notice=NOTICES.get(notice, ""),
        value_text=value_text,
        share_text=share_text,
    )


@pages.post("/plans/{plan_id}/status", name="plans.set_status")
def set_status(context: Context, plan_id: RowId, status: Choice) -> RedirectResponse:
    plan = planning.get_plan(context.session, plan_id)
    chosen = one_of(PlanStatus, status, "plan status")
    before = planning.set_plan_status(context.session, plan, chosen)
    context.audit(
        AuditAction.CHANGE_PLAN, target=plan.title, plan_id=plan.id, status=chosen, was=before
    )
    return _to(f"/plans/{plan.id}", "status-changed")


@pages.post("/plans/{plan_id}/areas", name="plans.add_area")
def add_area(
    context: Context,
    plan_id: RowId,
    title: Annotated[str, Form(max_length=200)],
    description: Text = "",
) -> RedirectResponse:
    plan = planning.get_plan(context.session, plan_id)
    area = planning.add_action_area(context.session, plan, title, description)
    context.audit(
        AuditAction.CHANGE_PLAN, target=plan.title, plan_id=plan.id, added_area=area.title
    )
    return _to(f"/plans/{plan.id}", "area-added", "areas")


# --- goals --------------------------------------------------------------------------------------


@pages.post("/plans/{plan_id}/goals", name="plans.add_goal")
def add_goal(
    context: Context,
    plan_id: RowId,
    title: Annotated[str, Form(max_length=300)],
    measure: Choice,
    baseline_period: Year,
    target_value: Annotated[str, Form(max_length=40)],
    target_date: Annotated[date, Form()],
    entity: Choice = f"{COLLABORATIVE}|{COLLABORATIVE}",
    stratum: Choice = f"{ALL}|{ALL}",
    baseline_value: Annotated[str, Form(max_length=40)] = "",
    area: Choice = "",
    custom_title: Annotated[str, Form(max_length=300)] = "",
    custom_unit: Annotated[str, Form(max_length=40)] = "",
    custom_direction: Choice = forms.HIGHER,
    adopted_by_kind: Choice = "",
    adopted_by_ref: Annotated[str, Form(max_length=100)] = "",
) -> RedirectResponse:
    session = context.session
    plan = planning.get_plan(session, plan_id)
    custom = None
    if measure == "custom":
        direction = forms.higher_is_better(custom_direction)
        custom = goals.CustomMeasure(custom_title, custom_unit, direction)
    entity_type, entity_id = goals.split_choice(entity, "scope")
    stratum_type, stratum_key = goals.split_choice(stratum, "stratum")
    kind = optional_one_of(AdoptedBy, adopted_by_kind, "kind of adoption")
    spec = goals.goal_spec(
        session,
        title,
        baseline_period,
        target_value,
        target_date,
        measure,
        custom=custom,
        baseline=baseline_value,
        entity_type=entity_type,
        entity_id=entity_id,
        stratum_type=stratum_type,
        stratum=stratum_key,
        area=planning.area_of(session, plan, optional_id(area, "action area")),
        adopted_by=(kind, adopted_by_ref) if kind else None,
    )
    goal = goals.add_goal(session, plan, spec, by=context.actor)
    return _to(f"/plans/{plan.id}", "goal-added", f"goal-{goal.id}")


@pages.get("/plans/goals/{goal_id}", name="plans.goal")
def goal_page(context: Context, goal_id: RowId, notice: str = "") -> HTMLResponse:
    goal = goals.get_goal(context.session, goal_id)
    reader = reader_of(context.session, context.principal, context.settings)
    progress = goal_progress(context.session, goal, reader)
    return context.page(
        "plans/goal.html",
        goal=goal,
        plan=goal.plan,
        progress=progress,
        chart=trend_chart(progress, width=560, height=240),
        notice=NOTICES.get(notice, ""),
        value_text=value_text,
        share_text=share_text,
    )


@pages.post("/plans/goals/{goal_id}/values", name="plans.enter_value")
def enter_value(
    context: Context,
    goal_id: RowId,
    period: Year,
    value: Annotated[str, Form(max_length=40)],
) -> RedirectResponse:
    goal = goals.get_goal(context.session, goal_id)
    figure = parse_value(value, goal.unit)
    before = goals.enter_value(context.session, goal, period, figure, _person(context))
    context.audit(
        AuditAction.ENTER_GOAL_VALUE,
        target=goal.title,
        goal_id=goal.id,
        period=period,
        value=figure,
        was=before,
    )
    return _to(f"/plans/goals/{goal.id}", "value-entered", "values")


# --- initiatives and improvement cycles ----------------------------------------------------------


@pages.post("/plans/{plan_id}/initiatives", name="plans.add_initiative")
def add_initiative(
    context: Context,
    plan_id: RowId,
    title: Annotated[str, Form(max_length=200)],
    owner: FormId,
    description: Text = "",
    area: Choice = "",
    goal: Choice = "",
) -> RedirectResponse:
    session = context.session
    plan = planning.get_plan(session, plan_id)
    initiative = planning.add_initiative(
        session,
        plan,
        title,
        get_organization(session, owner),
        description=description,
        area=planning.area_of(session, plan, optional_id(area, "action area")),
        goal=planning.goal_of(session, plan, optional_id(goal, "goal")),
    )
    context.audit(
        AuditAction.ADD_INITIATIVE,
        target=initiative.title,
        organization_id=owner,
        plan_id=plan.id,
        initiative_id=initiative.id,
    )
    return _to(f"/plans/{plan.id}", "initiative-added", "initiatives")


@pages.get("/plans/initiatives/{initiative_id}", name="plans.initiative")
def initiative_page(context: Context, initiative_id: RowId, notice: str = "") -> HTMLResponse:
    initiative = planning.get_initiative(context.session, initiative_id)
    return context.page(
        "plans/initiative.html",
        initiative=initiative,
        plan=initiative.plan,
        stages=list(CycleStage),
        decisions=list(CycleDecision),
        today=date.today(),
        notice=NOTICES.get(notice, ""),
    )


@pages.post("/plans/initiatives/{initiative_id}/cycles", name="plans.add_cycle")
def add_cycle(
    context: Context,
    initiative_id: RowId,
    title: Annotated[str, Form(max_length=200)],
    change: Text,
    start_date: Annotated[date, Form()],
    measure_id: Annotated[str, Form(max_length=40)] = "",
    measures: Annotated[str, Form(max_length=1000)] = "",
) -> RedirectResponse:
    initiative = planning.get_initiative(context.session, initiative_id)
    cycle = cycles.add_cycle(
        context.session,
        initiative,
        title,
        change,
        start_date=start_date,
        measure_id=measure_id,
        measures=measures,
    )
    context.audit(
        AuditAction.ADD_CYCLE,
        target=cycle.title,
        organization_id=initiative.owner_organization_id,
        initiative_id=initiative.id,
        cycle_id=cycle.id,
    )
    return _to(f"/plans/initiatives/{initiative.id}", "cycle-added", f"cycle-{cycle.id}")


@pages.post("/plans/cycles/{cycle_id}", name="plans.update_cycle")
def update_cycle(
    context: Context,
    cycle_id: RowId,
    stage: Choice,
    findings: LongText = "",
    learnings: LongText = "",
    decision: Choice = "",
    end_date: Choice = "",
) -> RedirectResponse:
    cycle = cycles.get_cycle(context.session, cycle_id)
    update = cycles.CycleUpdate(
        stage=one_of(CycleStage, stage, "cycle stage"),
        findings=findings,
        learnings=learnings,
        decision=optional_one_of(CycleDecision, decision, "decision"),
        end_date=optional_date(end_date, "end date"),
    )
    cycles.update_cycle(context.session, cycle, update)
    context.audit(
        AuditAction.UPDATE_CYCLE,
        target=cycle.title,
        organization_id=cycle.initiative.owner_organization_id,
        cycle_id=cycle.id,
        stage=cycle.stage,
        decision=cycle.decision,
    )
    return _to(f"/plans/initiatives/{cycle.initiative_id}", "cycle-updated", f"cycle-{cycle.id}")


# --- member commitments ---------------------------------------------------------------------------


@pages.post("/plans/{plan_id}/commitments", name="plans.add_commitment")
def add_commitment(
    context: Context,
    plan_id: RowId,
    organization: FormId,
    description: Annotated[str, Form(max_length=1000)],
    due_date: Annotated[date, Form()],
    goal: Choice = "",
    initiative: Choice = "",
) -> RedirectResponse:
    session = context.session
    plan = planning.get_plan(session, plan_id)
    initiative_id = optional_id(initiative, "initiative")
    work = planning.get_initiative(session, initiative_id) if initiative_id is not None else None
    if work is not None and work.plan_id != plan.id:
        raise NotFound(f"'{plan.title}' has no initiative {initiative_id}")
    commitment = pledges.add_commitment(
        session,
        plan,
        get_organization(session, organization),
        description,
        due_date=due_date,
        goal=planning.goal_of(session, plan, optional_id(goal, "goal")),
        initiative=work,
    )
    context.audit(
        AuditAction.ADD_COMMITMENT,
        target=commitment.description[:200],
        organization_id=organization,
        plan_id=plan.id,
        commitment_id=commitment.id,
        due_date=due_date.isoformat(),
    )
    return _to(f"/plans/{plan.id}", "commitment-added", "commitments")


@pages.get("/organizations/{organization_id}/commitments", name="plans.of_organization")
def organization_commitments(
    context: Context, organization_id: RowId, notice: str = ""
) -> HTMLResponse:
    """An organization's commitments, for its page (loaded into it) or on their own."""
    organization = get_organization(context.session, organization_id)
    return context.page(
        "plans/organization_commitments.html",
        organization=organization,
        commitments=pledges.commitments_of(context.session, organization.id),
        commitment_statuses=list(CommitmentStatus),
        notice=NOTICES.get(notice, ""),
    )


@pages.post(
    "/organizations/{organization_id}/commitments/{commitment_id}/status",
    name="plans.commitment_status",
)
def commitment_status(
    context: Context,
    organization_id: RowId,
    commitment_id: RowId,
    status: Choice,
    note: Annotated[str, Form(max_length=1000)] = "",
    back: Choice = "organization",
) -> RedirectResponse:
    """The access gate has checked the caller may report for `organization_id`; the commitment
    must be that organization's."""
    commitment = pledges.get_commitment(context.session, commitment_id)
    if commitment.organization_id != organization_id:
        raise NotFound(f"organization {organization_id} has no commitment {commitment_id}")
    chosen = one_of(CommitmentStatus, status, "commitment status")
    before = pledges.set_commitment_status(context.session, commitment, chosen, note)
    context.audit(
        AuditAction.UPDATE_COMMITMENT,
        target=commitment.description[:200],
        organization_id=organization_id,
        commitment_id=commitment.id,
        status=chosen,
        was=before,
        note=commitment.status_note,
    )
    if back == "plan":
        return _to(f"/plans/{commitment.plan_id}", "commitment-updated", "commitments")
    return _to(f"/organizations/{organization_id}/commitments", "commitment-updated")


# --- JSON API -------------------------------------------------------------------------------------


@api.get("/plans", name="api.plans")
def api_plans(
    context: Context,
    collaborative: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> list[PlanOut]:
    """The plans, newest first, optionally of one collaborative."""
    chosen = get_collaborative(context.session, collaborative) if collaborative else None
    return [PlanOut.model_validate(p) for p in planning.list_plans(context.session, chosen)]


@api.get("/plans/{plan_id}", name="api.plan")
def api_plan(context: Context, plan_id: RowId) -> PlanDetailOut:
    """A plan with every goal's progress (computed from published results; values suppressed
    for this reader are null) and the member organizations' commitments."""
    plan = planning.get_plan(context.session, plan_id)
    reader = reader_of(context.session, context.principal, context.settings)
    progress = plan_progress(context.session, plan, reader)
    commitments = pledges.commitments_of_plan(context.session, plan.id)
    return PlanDetailOut(
        **PlanOut.model_validate(plan).model_dump(),
        goals=[GoalProgressOut.model_validate(p) for p in progress],
        commitments=[CommitmentOut.model_validate(c) for c in commitments],
    )
