"""Decisions on the web and in the JSON API: motions and polls, the vote form, conflicts of
interest, opening and closing (staff), the decision log, and a collaborative's quorum and
threshold. Who may use each route is decided by `commontable.privacy.access.POLICY`; one
organization, one vote by `governance.decisions.eligibility`. Every vote, opening, closing and
change is audited (a vote's choice only when the motion is not anonymous)."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from commontable.appdb import MAX_ID, utcnow
from commontable.audit import AuditAction
from commontable.errors import Conflict, Forbidden, NotFound, UserError
from commontable.governance.decisions.eligibility import (
    representative_organization,
    voter_for,
    voting_members,
)
from commontable.governance.decisions.forms import ballot_from_form
from commontable.governance.decisions.models import LinkKind, Motion, MotionKind, Vote
from commontable.governance.decisions.motions import (
    ballot_of,
    close_motion,
    create_motion,
    decision_log,
    describe_ballot,
    get_motion,
    link_decision,
    motions,
    open_motion,
    taking_votes,
)
from commontable.governance.decisions.schemas import DecisionOut, MotionOut, VoteIn, VoteOut
from commontable.governance.decisions.settings import rules_of, set_rules
from commontable.governance.decisions.voting import BallotIn, cast_vote, declare_conflict
from commontable.members import Collaborative, Person, get_collaborative
from commontable.routing import (
    Context,
    FormFields,
    RouteContext,
    RowId,
    one_of,
    signed_in_person,
    utc_time,
)

CollaborativeId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["decisions"])

NOTICES = {
    "created": "Motion drafted. Open it to start the vote.",
    "opened": "The vote is open.",
    "voted": "Your organization's vote is recorded.",
    "recused": "Conflict of interest declared: your organization is recused from this motion.",
    "closed": "The vote is closed and the decision recorded.",
    "linked": "Link recorded.",
    "settings": "Quorum and threshold saved.",
}
STATUS = [(Forbidden, 403), (NotFound, 404), (Conflict, 409), (UserError, 400)]


def _collaborative_named(context: RouteContext, raw: str) -> Collaborative | None:
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_ID):
        raise UserError(f"'{raw}' is not a collaborative")
    return get_collaborative(context.session, int(raw))


def _to_motion(motion: Motion, notice: str) -> RedirectResponse:
    return RedirectResponse(f"/motions/{motion.id}?notice={notice}", status_code=303)


# --- the list, a motion's page and the decision log ------------------------------------------


@pages.get("/motions", name="decisions.motions")
def motions_page(context: Context, collaborative: str = "", notice: str = "") -> HTMLResponse:
    session = context.session
    chosen = _collaborative_named(context, collaborative)
    return context.page(
        "governance/motions.html",
        motions=motions(session, chosen),
        collaboratives=session.scalars(select(Collaborative).order_by(Collaborative.name)).all(),
        chosen=chosen,
        rules=rules_of(session, chosen) if chosen else None,
        kinds=list(MotionKind),
        notice=NOTICES.get(notice, ""),
    )


@pages.get("/motions/{motion_id}", name="decisions.motion")
def motion_page(context: Context, motion_id: RowId, notice: str = "") -> HTMLResponse:
    return _motion_page(context, get_motion(context.session, motion_id), notice=notice)


def _motion_page(
    context: RouteContext, motion: Motion, *, notice: str = "", problem: str = "", status: int = 200
) -> HTMLResponse:
    session, now = context.session, utcnow()
    viewer = signed_in_person(context)
    own_vote = next((v for v in motion.votes if v.organization_id == viewer.organization_id), None)
    return context.page(
        "governance/motion.html",
        status_code=status,
        motion=motion,
        taking_votes=taking_votes(motion, now),
        why_not=_why_not(context, motion, viewer, now.date()),
        can_declare=_can_declare(context, motion, viewer, now.date()),
        own_vote=own_vote,
        own_ballot=describe_ballot(motion.kind, ballot_of(own_vote)) if own_vote else "",
        voted=sorted(v.organization.name for v in motion.votes),
        members=voting_members(session, motion, now.date()),
        recused=sorted(c.organization.name for c in motion.conflicts),
        rules=rules_of(session, motion.collaborative),
        tally=json.loads(motion.decision.tally) if motion.decision else None,
        link_kinds=list(LinkKind),
        notice=NOTICES.get(notice, ""),
        problem=problem,
    )


def _why_not(context: RouteContext, motion: Motion, viewer: Person, on: date) -> str:
    """Why the viewer cannot vote on the motion; empty when they can."""
    if not context.may("decisions.vote"):
        return "only member representatives vote"
    try:
        voter_for(context.session, motion, viewer, on)
    except Forbidden as refused:
        return str(refused)
    return ""


def _can_declare(context: RouteContext, motion: Motion, viewer: Person, on: date) -> bool:
    """Whether the viewer speaks for a voting member not yet recused from the open motion."""
    if not context.may("decisions.conflict") or motion.decision is not None:
        return False
    try:
        organization = representative_organization(context.session, motion, viewer, on)
    except Forbidden:
        return False
    return all(c.organization_id != organization.id for c in motion.conflicts)


@pages.get("/decisions", name="decisions.log")
def log_page(context: Context, collaborative: str = "") -> HTMLResponse:
    chosen = _collaborative_named(context, collaborative)
    return context.page(
        "governance/decision_log.html", records=decision_log(context.session, chosen), chosen=chosen
    )


# --- staff: draft, open, close, link, settings (audited) -------------------------------------


@pages.post("/motions", name="decisions.create")
def create(
    context: Context,
    collaborative: Annotated[int, Form(ge=1, le=MAX_ID)],
    kind: Annotated[str, Form(max_length=32)],
    title: Annotated[str, Form(max_length=200)],
    closes_at: Annotated[str, Form(max_length=40)],
    body: Annotated[str, Form(max_length=4000)] = "",
    options: Annotated[str, Form(max_length=20000)] = "",
    anonymous: Annotated[bool, Form()] = False,
    max_score: Annotated[int, Form()] = 5,
) -> RedirectResponse:
    chosen_kind = one_of(MotionKind, kind, "kind of motion")
    motion = create_motion(
        context.session,
        get_collaborative(context.session, collaborative),
        chosen_kind,
        title,
        closes_at=utc_time(closes_at, "the closing time"),
        options=options.splitlines(),
        body=body,
        anonymous=anonymous,
        max_score=max_score,
        created_by=signed_in_person(context),
    )
    _audit(context, AuditAction.CREATE_MOTION, motion, kind=motion.kind.value)
    return _to_motion(motion, "created")


@pages.post("/motions/{motion_id}/open", name="decisions.open")
def open_vote(context: Context, motion_id: RowId) -> RedirectResponse:
    motion = open_motion(context.session, get_motion(context.session, motion_id))
    _audit(context, AuditAction.OPEN_MOTION, motion, closes_at=motion.closes_at.isoformat())
    return _to_motion(motion, "opened")


@pages.post("/motions/{motion_id}/close", name="decisions.close")
def close_vote(context: Context, motion_id: RowId) -> RedirectResponse:
    motion = get_motion(context.session, motion_id)
    record = close_motion(context.session, motion, signed_in_person(context))
    _audit(
        context,
        AuditAction.CLOSE_MOTION,
        motion,
        outcome=record.outcome,
        passed=record.passed,
        winner=record.winner,
        eligible=record.eligible,
        voted=record.voted,
    )
    return _to_motion(motion, "closed")


@pages.post("/motions/{motion_id}/links", name="decisions.link")
def add_link(
    context: Context,
    motion_id: RowId,
    kind: Annotated[str, Form(max_length=32)],
    ref: Annotated[str, Form(max_length=100)] = "",
    text: Annotated[str, Form(max_length=500)] = "",
) -> RedirectResponse:
    motion = get_motion(context.session, motion_id)
    chosen = one_of(LinkKind, kind, "thing a decision adopts")
    link = link_decision(context.session, motion, chosen, ref=ref, text=text)
    _audit(context, AuditAction.LINK_DECISION, motion, kind=link.kind.value, ref=link.ref)
    return _to_motion(motion, "linked")


@pages.post("/collaboratives/{collaborative_id}/governance", name="decisions.settings")
def save_settings(
    context: Context,
    collaborative_id: RowId,
    quorum_percent: Annotated[float, Form()],
    threshold_percent: Annotated[float, Form()],
    inclusive: Annotated[bool, Form()] = False,
) -> RedirectResponse:
    collaborative = get_collaborative(context.session, collaborative_id)
    rules = set_rules(
        context.session,
        collaborative,
        quorum=quorum_percent / 100,
        pass_threshold=threshold_percent / 100,
        threshold_inclusive=inclusive,
    )
    context.audit(
        AuditAction.SET_GOVERNANCE_RULES,
        target=collaborative.name,
        collaborative_id=collaborative.id,
        rules=rules.describe(),
    )
    return RedirectResponse(
        f"/motions?collaborative={collaborative.id}&notice=settings", status_code=303
    )


# --- member representatives: vote, declare a conflict (audited) ------------------------------


@pages.post("/motions/{motion_id}/vote", name="decisions.vote")
def vote(context: Context, motion_id: RowId, fields: FormFields) -> Response:
    motion = get_motion(context.session, motion_id)
    try:
        _vote(context, motion, ballot_from_form(motion, fields))
    except UserError as error:
        htmx = context.request.headers.get("hx-request") == "true"
        status = 200 if htmx else next(s for kind, s in STATUS if isinstance(error, kind))
        return _motion_page(context, motion, problem=str(error), status=status)
    return _to_motion(motion, "voted")


@pages.post("/motions/{motion_id}/conflict", name="decisions.conflict")
def conflict(
    context: Context, motion_id: RowId, reason: Annotated[str, Form(max_length=1000)] = ""
) -> RedirectResponse:
    motion = get_motion(context.session, motion_id)
    declared, withdrawn = declare_conflict(
        context.session, motion, signed_in_person(context), reason
    )
    _audit(
        context,
        AuditAction.DECLARE_CONFLICT,
        motion,
        organization_id=declared.organization_id,
        reason=declared.reason,
        vote_withdrawn=withdrawn,
    )
    return _to_motion(motion, "recused")


def _vote(context: RouteContext, motion: Motion, ballot: BallotIn) -> Vote:
    """Cast the vote of the organization the signed-in person represents, and audit it."""
    person = signed_in_person(context)
    changing = any(v.organization_id == person.organization_id for v in motion.votes)
    cast = cast_vote(context.session, motion, person, ballot)
    detail: dict[str, Any] = {"changed": changing}
    if not motion.anonymous:
        detail["choice"] = describe_ballot(motion.kind, ballot_of(cast))
    _audit(context, AuditAction.CAST_VOTE, motion, organization_id=cast.organization_id, **detail)
    return cast


def _audit(
    context: RouteContext,
    action: AuditAction,
    motion: Motion,
    organization_id: int | None = None,
    **detail: Any,
) -> None:
    context.audit(
        action,
        target=f"motion {motion.id}: {motion.title}",
        organization_id=organization_id,
        motion_id=motion.id,
        collaborative_id=motion.collaborative_id,
        **detail,
    )


# --- JSON API -------------------------------------------------------------------------------


@api.get("/motions", name="api.motions")
def api_motions(context: Context, collaborative_id: CollaborativeId = None) -> list[MotionOut]:
    """Motions and polls, newest first, of one collaborative or of all."""
    chosen = get_collaborative(context.session, collaborative_id) if collaborative_id else None
    return [MotionOut.of(m) for m in motions(context.session, chosen)]


@api.get("/motions/{motion_id}", name="api.motion")
def api_motion(context: Context, motion_id: RowId) -> MotionOut:
    """A motion, how many organizations have voted, and its decision once closed."""
    return MotionOut.of(get_motion(context.session, motion_id))


@api.post("/motions/{motion_id}/votes", name="api.vote")
def api_vote(context: Context, motion_id: RowId, ballot: VoteIn) -> VoteOut:
    """Cast (or, by the same representative, change) the vote of your organization."""
    motion = get_motion(context.session, motion_id)
    cast = _vote(context, motion, BallotIn(ballot.position, ballot.marks))
    return VoteOut(
        motion_id=motion.id,
        organization_id=cast.organization_id,
        organization=cast.organization.name,
        position=cast.position,
        marks={mark.option_id: mark.value for mark in cast.marks},
        cast_at=cast.cast_at,
    )


@api.get("/decisions", name="api.decisions")
def api_decisions(context: Context, collaborative_id: CollaborativeId = None) -> list[DecisionOut]:
    """The decision log, newest first: each closed motion's outcome with its tally."""
    chosen = get_collaborative(context.session, collaborative_id) if collaborative_id else None
    return [DecisionOut.of(record) for record in decision_log(context.session, chosen)]
