"""Delphi studies on the web and in the JSON API: the list of studies, a study's page (staff
set it up and open and close rounds), a panelist's rating form with the round before's
feedback, and each round's results. Who may use each route is decided by
`commontable.privacy.access.POLICY`; every change and every set of ratings is audited (the
ratings themselves are not written to the audit log)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from commontable.appdb import MAX_ID, utcnow
from commontable.audit import AuditAction
from commontable.errors import Conflict, Forbidden, NotFound, UserError
from commontable.governance.delphi.forms import answers_from_form
from commontable.governance.delphi.models import DelphiStudy, StakeholderGroup, StudyRule
from commontable.governance.delphi.rating import Answer, feedback, panelist_of, rate
from commontable.governance.delphi.results import round_results
from commontable.governance.delphi.rules import RULES
from commontable.governance.delphi.schemas import (
    AttritionOut,
    RatedOut,
    RatingsIn,
    ResultOut,
    RoundResultsOut,
    StudyOut,
)
from commontable.governance.delphi.studies import (
    add_item,
    add_panelist,
    agreed_set,
    close_round,
    create_study,
    current_round,
    get_study,
    open_round,
    studies,
)
from commontable.members import Collaborative, Role, get_collaborative, get_person, people_with_role
from commontable.routing import (
    Context,
    FormFields,
    RouteContext,
    RowId,
    one_of,
    signed_in_person,
    utc_time,
)

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/delphi", tags=["Delphi studies"])

NOTICES = {
    "created": "Study created. Add its items and panel, then open the first round.",
    "item": "Item added.",
    "panelist": "Panelist added.",
    "opened": "The round is open; panelists can rate.",
    "closed": "The round is closed.",
    "finished": "The round is closed and the study has finished.",
    "rated": "Your ratings are saved. You may revise them until the round closes.",
}
STATUS = [(Forbidden, 403), (NotFound, 404), (Conflict, 409), (UserError, 400)]


def _to_study(study: DelphiStudy, notice: str) -> RedirectResponse:
    return RedirectResponse(f"/delphi/{study.id}?notice={notice}", status_code=303)


def _audit(context: RouteContext, action: AuditAction, study: DelphiStudy, **detail: Any) -> None:
    context.audit(
        action,
        target=f"Delphi study {study.id}: {study.title}",
        study_id=study.id,
        collaborative_id=study.collaborative_id,
        **detail,
    )


# --- pages ----------------------------------------------------------------------------------


@pages.get("/delphi", name="delphi.studies")
def studies_page(context: Context) -> HTMLResponse:
    session = context.session
    return context.page(
        "governance/studies.html",
        studies=studies(session),
        collaboratives=session.scalars(select(Collaborative).order_by(Collaborative.name)).all(),
        rules=list(RULES.values()),
    )


@pages.get("/delphi/{study_id}", name="delphi.study")
def study_page(context: Context, study_id: RowId, notice: str = "") -> HTMLResponse:
    session = context.session
    study = get_study(session, study_id)
    viewer = signed_in_person(context)
    staff = context.may("delphi.add_panelist")
    return context.page(
        "governance/study.html",
        study=study,
        open_round=current_round(study),
        agreed=agreed_set(study),
        on_panel=any(p.person_id == viewer.id for p in study.panelists),
        groups=list(StakeholderGroup),
        candidates=people_with_role(session, Role.MEMBER_REPRESENTATIVE) if staff else [],
        panel_sizes={g: sum(p.group is g for p in study.panelists) for g in StakeholderGroup},
        rule_title=RULES[study.rule.value].title,
        notice=NOTICES.get(notice, ""),
    )


@pages.get("/delphi/{study_id}/rate", name="delphi.rate_form")
def rate_form(context: Context, study_id: RowId, notice: str = "") -> HTMLResponse:
    study = get_study(context.session, study_id)
    return _rate_page(context, study, notice=NOTICES.get(notice, ""))


def _rate_page(
    context: RouteContext,
    study: DelphiStudy,
    *,
    notice: str = "",
    problem: str = "",
    status: int = 200,
) -> HTMLResponse:
    panelist = panelist_of(study, signed_in_person(context))
    open_round = current_round(study)
    return context.page(
        "governance/rate.html",
        status_code=status,
        study=study,
        panelist=panelist,
        open_round=open_round if open_round and utcnow() < open_round.closes_at else None,
        items=feedback(study, panelist),
        notice=notice,
        problem=problem,
    )


@pages.get("/delphi/{study_id}/rounds/{number}", name="delphi.results")
def results_page(
    context: Context, study_id: RowId, number: RowId, by_group: bool = False
) -> HTMLResponse:
    study = get_study(context.session, study_id)
    results = round_results(context.session, study, number, by_group=by_group)
    return context.page(
        "governance/results.html",
        study=study,
        results=results,
        by_group=by_group,
        group_labels={g.value: g.label for g in StakeholderGroup},
        last_closed=max(r.number for r in study.rounds if r.closed_at is not None),
    )


# --- staff: set up and run the study (audited) ------------------------------------------------


@pages.post("/delphi", name="delphi.create")
def create(
    context: Context,
    collaborative: Annotated[int, Form(ge=1, le=MAX_ID)],
    title: Annotated[str, Form(max_length=200)],
    rule: Annotated[str, Form(max_length=10)] = "cos",
    question: Annotated[str, Form(max_length=1000)] = "",
    max_rounds: Annotated[int, Form()] = 3,
) -> RedirectResponse:
    chosen = one_of(StudyRule, rule, "consensus rule")
    study = create_study(
        context.session,
        get_collaborative(context.session, collaborative),
        title,
        rule=chosen,
        question=question,
        max_rounds=max_rounds,
        created_by=signed_in_person(context),
    )
    _audit(context, AuditAction.CREATE_STUDY, study, rule=study.rule.value)
    return _to_study(study, "created")


@pages.post("/delphi/{study_id}/items", name="delphi.add_item")
def add_study_item(
    context: Context,
    study_id: RowId,
    text: Annotated[str, Form(max_length=500)],
    measure_id: Annotated[str, Form(max_length=40)] = "",
) -> RedirectResponse:
    study = get_study(context.session, study_id)
    item = add_item(context.session, study, text, measure_id or None)
    _audit(context, AuditAction.CHANGE_STUDY, study, added_item=item.label)
    return _to_study(study, "item")


@pages.post("/delphi/{study_id}/panel", name="delphi.add_panelist")
def add_study_panelist(
    context: Context,
    study_id: RowId,
    person: Annotated[int, Form(ge=1, le=MAX_ID)],
    group: Annotated[str, Form(max_length=32)],
) -> RedirectResponse:
    study = get_study(context.session, study_id)
    chosen = one_of(StakeholderGroup, group, "stakeholder group")
    seat = add_panelist(context.session, study, get_person(context.session, person), chosen)
    _audit(context, AuditAction.CHANGE_STUDY, study, added_panelist=seat.person_id, group=group)
    return _to_study(study, "panelist")


@pages.post("/delphi/{study_id}/rounds", name="delphi.open_round")
def open_next_round(
    context: Context, study_id: RowId, closes_at: Annotated[str, Form(max_length=40)]
) -> RedirectResponse:
    study = get_study(context.session, study_id)
    opened = open_round(context.session, study, utc_time(closes_at, "the closing time"))
    _audit(
        context,
        AuditAction.OPEN_ROUND,
        study,
        round=opened.number,
        closes_at=opened.closes_at.isoformat(),
    )
    return _to_study(study, "opened")


@pages.post("/delphi/{study_id}/rounds/close", name="delphi.close_round")
def close_open_round(context: Context, study_id: RowId) -> RedirectResponse:
    study = get_study(context.session, study_id)
    closed = close_round(context.session, study)
    _audit(
        context,
        AuditAction.CLOSE_ROUND,
        study,
        round=closed.number,
        stopped=closed.stopped,
        reason=closed.reason,
        agreed_set=[item.label for item in agreed_set(study)],
    )
    return _to_study(study, "finished" if closed.stopped else "closed")


# --- panelists: rate (audited, without the ratings) -----------------------------------------


@pages.post("/delphi/{study_id}/rate", name="delphi.rate")
def rate_items(context: Context, study_id: RowId, fields: FormFields) -> Response:
    study = get_study(context.session, study_id)
    try:
        _rate(context, study, answers_from_form(study, fields))
    except UserError as error:
        htmx = context.request.headers.get("hx-request") == "true"
        status = 200 if htmx else next(s for kind, s in STATUS if isinstance(error, kind))
        return _rate_page(context, study, problem=str(error), status=status)
    return RedirectResponse(f"/delphi/{study.id}/rate?notice=rated", status_code=303)


def _rate(context: RouteContext, study: DelphiStudy, answers: dict[int, Answer]) -> int:
    person = signed_in_person(context)
    rated = rate(context.session, study, person, answers)
    _audit(context, AuditAction.RATE_ITEMS, study, round=rated.number, items=len(answers))
    return rated.number


# --- JSON API -------------------------------------------------------------------------------


@api.get("/studies", name="api.delphi_studies")
def api_studies(context: Context) -> list[StudyOut]:
    """Every Delphi study, newest first."""
    return [StudyOut.of(study) for study in studies(context.session)]


@api.get("/studies/{study_id}", name="api.delphi_study")
def api_study(context: Context, study_id: RowId) -> StudyOut:
    """A study with its items, panel sizes, rounds and (once finished) the agreed set."""
    return StudyOut.of(get_study(context.session, study_id))


@api.get("/studies/{study_id}/rounds/{number}", name="api.delphi_results")
def api_results(
    context: Context, study_id: RowId, number: RowId, by_group: bool = False
) -> RoundResultsOut:
    """A closed round's statistics and verdicts per item (and stakeholder group)."""
    study = get_study(context.session, study_id)
    results = round_results(context.session, study, number, by_group=by_group)
    return RoundResultsOut(
        study_id=study.id,
        round=number,
        rule=study.rule.value,
        results=[ResultOut(**row) for row in results.rows],
        attrition=[AttritionOut(**row) for row in results.attrition],
        stop=results.stopping.stop,
        stop_reason=results.stopping.reason,
    )


@api.post("/studies/{study_id}/ratings", name="api.delphi_rate")
def api_rate(context: Context, study_id: RowId, sent: RatingsIn) -> RatedOut:
    """Rate (or revise) items in the open round, as a panelist."""
    study = get_study(context.session, study_id)
    answers = {r.item_id: Answer(r.rating, r.comment) for r in sent.ratings}
    number = _rate(context, study, answers)
    return RatedOut(study_id=study.id, round=number, rated=sorted(answers))
