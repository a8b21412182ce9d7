"""The match review queue on the web and the JSON API: pairs of source records the matcher was
unsure of (or that would merge two persons), shown side by side, and a reviewer's decision
(the same person, or different people) recorded and applied.

The pairs hold patient demographics, so every view is audited, and so is every decision (naming
records by opaque reference, never by a member's patient id); who may see and decide is decided
by `commontable.privacy.access`: the collaborative's data steward every pair, an organization's
analysts only pairs whose two records their organization sent. SSNs are never shown.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import ibis
from fastapi import APIRouter, Form, Query, Request, Security
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.security import HTTPBearer
from pydantic import BaseModel

from commontable.errors import Forbidden, UserError
from commontable.identity import decisions
from commontable.identity.match import match
from commontable.identity.records import source_records
from commontable.members import get_organization, get_person
from commontable.privacy.access import records_visible_to
from commontable.privacy.audit import AuditAction, record_reference
from commontable.privacy.requests import Context, RouteContext
from commontable.warehouse import Warehouse
from commontable.warehouse.routes import warehouse

pages = APIRouter(include_in_schema=False)
bearer = HTTPBearer(auto_error=False, description="an API token of a member organization")
api = APIRouter(prefix="/api", tags=["match review"], dependencies=[Security(bearer)])

PAGE_SIZE = 50
# Shown side by side; the SSN is compared by the matcher but never shown.
DEMOGRAPHICS = (
    "first_name",
    "last_name",
    "birth_date",
    "sex",
    "address",
    "city",
    "state",
    "zip",
    "phone",
)
# One decision is recorded and applied at a time: match() rewrites the derived tables whole.
_decision_lock = threading.Lock()
NOTICES = {
    "same": "Decision recorded: the two records are the same person.",
    "different": "Decision recorded: the two records are different people.",
}
NOT_APPLIED = " No saved matching model yet, so it applies on the next `commontable match` run."


# --- reading the queue ----------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One record of a pair: where it comes from, its person, and its demographics (no SSN)."""

    data_source: str
    source_person_id: str
    person_id: str | None
    demographics: dict[str, Any]

    @property
    def key(self) -> str:
        """The record as the decision form sends it: DATA_SOURCE:SOURCE_PERSON_ID."""
        return f"{self.data_source}:{self.source_person_id}"


@dataclass(frozen=True)
class Pair:
    left: Side
    right: Side
    match_probability: float | None
    reason: str


Sources = list[str] | None  # the data sources whose pairs a reviewer sees; None: every one


def _queue(store: Warehouse, sources: Sources) -> ibis.Table:
    """The pairs the reviewer may see: both records from `sources`."""
    review = store.table("match_review")
    if sources is None:
        return review
    return review.filter(review.data_source_l.isin(sources) & review.data_source_r.isin(sources))


def _ordered(store: Warehouse, sources: Sources) -> ibis.Table:
    """The queue, best pair first (ties in a stable order)."""
    review = _queue(store, sources)
    return review.order_by(
        [
            ibis.desc("match_probability"),
            "data_source_l",
            "source_person_id_l",
            "data_source_r",
            "source_person_id_r",
        ]
    )


def pair_count(store: Warehouse, sources: Sources = None) -> int:
    return int(_queue(store, sources).count().execute())


def _demographics(store: Warehouse, record_ids: set[str]) -> dict[str, dict[str, Any]]:
    """The records' person fields as the matcher compares them, by record id; no SSN."""
    if not record_ids:
        return {}
    records = source_records(store)
    records = records.filter(records.record_id.isin(sorted(record_ids)))
    rows = records.select("record_id", *DEMOGRAPHICS).to_pyarrow().to_pylist()
    return {row.pop("record_id"): _shown(row) for row in rows}


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}


def review_pairs(
    store: Warehouse, offset: int = 0, limit: int = PAGE_SIZE, sources: Sources = None
) -> list[Pair]:
    """A page of the queue with both records' demographics."""
    rows = _ordered(store, sources).limit(limit, offset=offset).to_pyarrow().to_pylist()
    ids = {
        f"{row[f'data_source_{s}']}|{row[f'source_person_id_{s}']}" for row in rows for s in "lr"
    }
    people = _demographics(store, ids)

    def side(row: dict[str, Any], s: str) -> Side:
        source, source_id = row[f"data_source_{s}"], row[f"source_person_id_{s}"]
        found = people.get(f"{source}|{source_id}", dict.fromkeys(DEMOGRAPHICS))
        return Side(source, source_id, row[f"person_id_{s}"], found)

    return [
        Pair(side(row, "l"), side(row, "r"), row["match_probability"], row["reason"] or "")
        for row in rows
    ]


# --- deciding -------------------------------------------------------------------------------


def _apply(store: Warehouse, model: Path) -> bool:
    """Apply the decisions with the saved model; False when there is none yet (training a
    model is `commontable match`'s work, not a web request's)."""
    if not model.exists():
        return False
    match(store, model)
    return True


def reviewed_sources(context: RouteContext) -> Sources:
    """The data sources whose records the reviewer sees: every one for the data steward, their
    own organization's for an analyst (the gate has let only these two through)."""
    scope = records_visible_to(context.principal)
    if scope == "all":
        return None
    if scope == "none":
        raise Forbidden("the match review is for the data steward and analysts")
    return [get_organization(context.session, context.signed_in.organization_id).data_source]


def _decide(context: RouteContext, left: str, right: str, decision: str) -> bool:
    """Record and apply a decision, and audit it; whether it was applied already."""
    principal = context.signed_in
    if principal.person_id is None:
        raise UserError("only a signed-in person may decide on a pair")
    reviewer = get_person(context.session, principal.person_id).email
    pair = (decisions.parse_record(left), decisions.parse_record(right))
    sources = reviewed_sources(context)
    if sources is not None and not all(source in sources for source, _ in pair):
        # Said the same way whether or not the record exists: nothing about others' records.
        raise Forbidden("you may decide only on pairs of your own organization's records")
    store = warehouse(context)
    with _decision_lock:
        decision_id = decisions.decide(store, pair[0], pair[1], decision, reviewer)
        applied = _apply(store, context.settings.identity_model_path)
    context.audit(
        AuditAction.DECIDE_MATCH,
        target=f"match decision {decision_id}",
        records=[record_reference(context.session, f"{s}:{i}") for s, i in pair],
        decision=decision,
        decision_id=decision_id,
        applied=applied,
    )
    return applied


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


@pages.get("/match-review", name="identity.review")
def review_page(
    context: Context,
    page: Annotated[int, Query(ge=1)] = 1,
    done: Annotated[str, Query(max_length=20)] = "",
    pending: Annotated[bool, Query()] = False,
) -> HTMLResponse:
    notice = NOTICES.get(done, "")
    if notice and pending:
        notice += NOT_APPLIED
    return _queue_page(context, page, notice=notice)


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
        applied = _decide(context, left, right, decision)
    except Forbidden:
        raise
    except UserError as error:
        # HTMX swaps only successful answers; a plain form gets the status too.
        htmx = request.headers.get("hx-request") == "true"
        return _queue_page(context, page, problem=str(error), status=200 if htmx else 400)
    pending = "" if applied else "&pending=true"
    return RedirectResponse(f"/match-review?page={page}&done={decision}{pending}", status_code=303)


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
