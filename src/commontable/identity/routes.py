"""The match review queue on the web and the JSON API: pairs of source records the matcher was
unsure of (or that would merge two persons), shown side by side, and a reviewer's decision
(the same person, or different people) recorded and applied.

The pairs hold patient demographics, so every view is audited, and so is every decision (naming
records by opaque reference, never by a member's patient id); who may see and decide is decided
by `commontable.privacy.access`: the collaborative's data steward every pair, an organization's
analysts only pairs whose two records their organization sent. SSNs are never shown.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Security
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from commontable.audit import AuditAction, record_reference
from commontable.errors import Forbidden, UserError
from commontable.identity import decisions
from commontable.identity.review_queue import PAGE_SIZE, Side, Sources, pair_count, review_pairs
from commontable.jobs import Job, JobKind, JobStatus
from commontable.jobs.routes import find_job, queue_job
from commontable.members import get_organization, get_person
from commontable.privacy import records_visible_to
from commontable.routing import Context, RouteContext, bearer
from commontable.warehouse.routes import warehouse

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["match review"], dependencies=[Security(bearer)])

NOTICES = {
    "same": "Decision recorded: the two records are the same person.",
    "different": "Decision recorded: the two records are different people.",
}
NOT_APPLIED = " No saved matching model yet, so it applies on the next `commontable match` run."


# --- reading the queue ----------------------------------------------------------------------


# --- deciding -------------------------------------------------------------------------------


def reviewed_sources(context: RouteContext) -> Sources:
    """The data sources whose records the reviewer sees: every one for the data steward, their
    own organization's for an analyst (the gate has let only these two through)."""
    scope = records_visible_to(context.principal)
    if scope == "all":
        return None
    if scope == "none":
        raise Forbidden("the match review is for the data steward and analysts")
    return [get_organization(context.session, context.signed_in.organization_id).data_source]


def _decide(context: RouteContext, left: str, right: str, decision: str) -> Job:
    """Queue the decision as a job (recorded and applied in the warehouse's turn); the job's
    audit entry names the records by opaque reference, and so does its request."""
    principal = context.signed_in
    if principal.person_id is None:
        raise UserError("only a signed-in person may decide on a pair")
    if decision not in decisions.DECISIONS:
        raise UserError(f"decision '{decision}' should be one of: {', '.join(decisions.DECISIONS)}")
    reviewer = get_person(context.session, principal.person_id).email
    pair = (decisions.parse_record(left), decisions.parse_record(right))
    if pair[0] == pair[1]:
        raise UserError("a decision needs two different records")
    sources = reviewed_sources(context)
    if sources is not None and not all(source in sources for source, _ in pair):
        # Said the same way whether or not the record exists: nothing about others' records.
        raise Forbidden("you may decide only on pairs of your own organization's records")
    keys = [f"{source}:{source_id}" for source, source_id in pair]
    request = {
        "decision": decision,
        "records": [record_reference(context.session, key) for key in keys],
    }
    private = {"left": keys[0], "right": keys[1], "reviewer": reviewer}
    return queue_job(context, JobKind.DECIDE_MATCH, principal.organization_id, request, private)


# --- pages ----------------------------------------------------------------------------------


def _queue_page(
    context: RouteContext, page: int, *, notice: str = "", problem: str = "", status: int = 200
) -> HTMLResponse:
    store = warehouse(context)
    sources = reviewed_sources(context)
    pairs = review_pairs(store, offset=(page - 1) * PAGE_SIZE, sources=sources)
    total = pair_count(store, sources)
    context.audit(
        AuditAction.VIEW_MATCH_REVIEW,
        target="match review",
        page=page,
        pairs_shown=len(pairs),
    )
    return context.page(
        "match_review/queue.html",
        status_code=status,
        pairs=pairs,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        first_pair=(page - 1) * PAGE_SIZE + 1,
        notice=notice,
        problem=problem,
    )


def _notice_of(context: RouteContext, job_id: int | None) -> tuple[str, str]:
    """What became of the reviewer's own decision job: a notice, or the problem it met."""
    job = find_job(context, job_id) if job_id is not None else None
    if job is None or job.kind is not JobKind.DECIDE_MATCH:
        return "", ""
    if job.requested_by_id != context.signed_in.person_id:
        return "", ""
    if job.status is JobStatus.FAILED:
        return "", f"The decision was not recorded: {job.message}"
    if job.status is not JobStatus.DONE:
        return f"Decision received; it is recorded and applied in turn (job {job.id}).", ""
    notice = NOTICES.get(str(job.outcome.get("decision")), "")
    return notice + ("" if job.outcome.get("applied") else NOT_APPLIED), ""


@pages.get("/match-review", name="identity.review")
def review_page(
    context: Context,
    page: Annotated[int, Query(ge=1)] = 1,
    job: Annotated[int | None, Query(ge=1)] = None,
) -> HTMLResponse:
    notice, problem = _notice_of(context, job)
    return _queue_page(context, page, notice=notice, problem=problem)


@pages.post("/match-review/decide", name="identity.decide")
def decide_pair(
    context: Context,
    request: Request,
    left: Annotated[str, Form(max_length=400)] = "",
    right: Annotated[str, Form(max_length=400)] = "",
    decision: Annotated[str, Form(max_length=20)] = "",
    page: Annotated[int, Form(ge=1)] = 1,
) -> Response:
    try:
        job = _decide(context, left, right, decision)
    except Forbidden:
        raise
    except UserError as error:
        # HTMX swaps only successful answers; a plain form gets the status too.
        htmx = request.headers.get("hx-request") == "true"
        return _queue_page(context, page, problem=str(error), status=200 if htmx else 400)
    return RedirectResponse(f"/match-review?page={page}&job={job.id}", status_code=303)


# --- JSON API -------------------------------------------------------------------------------


class RecordOut(BaseModel):
    """One record of a pair, with its demographics as the matcher compares them (no SSN)."""

    data_source: str
    source_person_id: str
    person_id: str | None
    first_name: str | None
    last_name: str | None
    birth_date: str | None
    sex: str | None
    address: str | None
    city: str | None
    state: str | None
    zip: str | None
    phone: str | None


class PairOut(BaseModel):
    left: RecordOut
    right: RecordOut
    match_probability: float | None
    reason: str


class ReviewPage(BaseModel):
    total: int
    offset: int
    limit: int
    pairs: list[PairOut]


def _record_out(side: Side) -> RecordOut:
    return RecordOut(
        data_source=side.data_source,
        source_person_id=side.source_person_id,
        person_id=side.person_id,
        **{k: None if v is None else str(v) for k, v in side.demographics.items()},
    )


@api.get("/match-review", name="api.match_review")
def api_match_review(
    context: Context,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> ReviewPage:
    """Pairs of records to review, best first, with both records' demographics (no SSN)."""
    store = warehouse(context)
    sources = reviewed_sources(context)
    pairs = review_pairs(store, offset=offset, limit=limit, sources=sources)
    context.audit(
        AuditAction.VIEW_MATCH_REVIEW,
        target="match review",
        offset=offset,
        pairs_shown=len(pairs),
    )
    return ReviewPage(
        total=pair_count(store, sources),
        offset=offset,
        limit=limit,
        pairs=[
            PairOut(
                left=_record_out(pair.left),
                right=_record_out(pair.right),
                match_probability=pair.match_probability,
                reason=pair.reason,
            )
            for pair in pairs
        ],
    )
