"""Data submissions on the web and the JSON API: the submission log, and what each submission
accepted and quarantined, row by row (uploads are queued as jobs: `commontable.jobs.routes`).

Quarantined rows hold submitted values, so they are patient-level: every view and download
is audited. Who may see which submission is decided by `commontable.privacy.access`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Security
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from sqlalchemy import select

from commontable.audit import AuditAction
from commontable.errors import NotFound
from commontable.members import Organization, get_organization, organization_for_data_source
from commontable.privacy import may_see_submissions_of, sees_every_organization
from commontable.routing import Context, RouteContext, bearer
from commontable.warehouse.reading import Tables, reading_copy
from commontable.warehouse.submissions import (
    Submission,
    find_submission,
    quarantine_csv,
    quarantine_reasons,
    quarantine_rows,
    quarantined_count,
    submission_log,
)

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["submissions"], dependencies=[Security(bearer)])

PAGE_SIZE = 50


# --- reading the submission log and the quarantine -----------------------------------------


def warehouse(context: RouteContext) -> Tables:
    """What pages read of the warehouse: its reading copy, opened once per request and closed
    after it (never the warehouse itself, which a load may be writing)."""
    return context.keep("reading", lambda: reading_copy(context.settings))


def organization_of_submission(context: RouteContext, submission_id: int) -> int | None:
    """The organization that sent a submission (for the access policy); None if unknown."""
    found = find_submission(warehouse(context), submission_id)
    if found is None:
        return None
    organization = organization_for_data_source(context.session, found.data_source)
    return organization.id if organization is not None else None


def recent_submissions(context: RouteContext, organization: Organization) -> list[Submission]:
    """An organization's five newest submissions, if the caller may see its submission log."""
    if not may_see_submissions_of(context.principal, organization.id):
        return []
    return submission_log(warehouse(context), [organization.data_source], limit=5)


def _visible_sources(context: RouteContext) -> list[str] | None:
    """Staff see every submission (None: no filter); others their organization's only."""
    principal = context.signed_in
    if sees_every_organization(principal):
        return None
    return [get_organization(context.session, principal.organization_id).data_source]


def _organizations_by_source(
    context: RouteContext, rows: list[Submission]
) -> dict[str, Organization]:
    sources = {row.data_source for row in rows}
    query = select(Organization).where(Organization.data_source.in_(sources))
    return {o.data_source: o for o in context.session.scalars(query)} if sources else {}


def _submission_or_404(context: RouteContext, submission_id: int) -> Submission:
    found = find_submission(warehouse(context), submission_id)
    if found is None:
        raise NotFound(f"no submission {submission_id}; see the list of submissions")
    return found


# --- pages ----------------------------------------------------------------------------------


@pages.get("/submissions", name="submissions.list")
def submission_list(context: Context) -> HTMLResponse:
    rows = submission_log(warehouse(context), _visible_sources(context), limit=500)
    return context.page(
        "submissions/list.html",
        submissions=rows,
        organizations=_organizations_by_source(context, rows),
        organization=None,
        sees_all=sees_every_organization(context.principal),
    )


@pages.get("/organizations/{organization_id}/submissions", name="submissions.of_organization")
def organization_submissions(context: Context, organization_id: int) -> HTMLResponse:
    organization = get_organization(context.session, organization_id)
    rows = submission_log(warehouse(context), [organization.data_source], limit=500)
    return context.page(
        "submissions/list.html",
        submissions=rows,
        organizations={organization.data_source: organization},
        organization=organization,
        sees_all=False,
    )


@pages.get("/organizations/{organization_id}/submissions/new", name="submissions.new")
def new_submission(context: Context, organization_id: int) -> HTMLResponse:
    organization = get_organization(context.session, organization_id)
    return context.page("submissions/new.html", organization=organization)


@pages.get("/submissions/{submission_id}", name="submissions.detail")
def submission_detail(
    context: Context, submission_id: int, page: Annotated[int, Query(ge=1)] = 1
) -> HTMLResponse:
    store = warehouse(context)
    submission = _submission_or_404(context, submission_id)
    size = PAGE_SIZE
    rows = quarantine_rows(store, submission_id, offset=(page - 1) * size, limit=size)
    organization = organization_for_data_source(context.session, submission.data_source)
    context.audit(
        AuditAction.VIEW_SUBMISSION,
        target=f"submission {submission_id}",
        organization_id=organization.id if organization else None,
        page=page,
        rows_shown=len(rows),
    )
    values = quarantined_count(store, submission_id)
    return context.page(
        "submissions/detail.html",
        submission=submission,
        organization=organization,
        reasons=quarantine_reasons(store, submission_id),
        rows=rows,
        page=page,
        pages=max(1, -(-values // size)),
        values=values,
        first_row=(page - 1) * size + 1,
    )


@pages.get("/submissions/{submission_id}/quarantine.csv", name="submissions.quarantine_csv")
def quarantine_download(context: Context, submission_id: int) -> Response:
    submission = _submission_or_404(context, submission_id)
    rows = quarantine_rows(warehouse(context), submission_id)
    organization = organization_for_data_source(context.session, submission.data_source)
    context.audit(
        AuditAction.DOWNLOAD_QUARANTINE,
        target=f"submission {submission_id}",
        organization_id=organization.id if organization else None,
        rows=len(rows),
    )
    return Response(
        quarantine_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": (
                f'attachment; filename="submission-{submission_id}-quarantine.csv"'
            )
        },
    )


# --- JSON API -------------------------------------------------------------------------------


class QuarantinedValue(BaseModel):
    file_name: str
    table_name: str | None
    row_ref: str
    column_name: str | None
    value: str | None
    reason: str


class QuarantinePage(BaseModel):
    submission_id: int
    total: int
    offset: int
    limit: int
    rows: list[QuarantinedValue]


@api.get("/submissions", name="api.submissions")
def api_submissions(
    context: Context, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[Submission]:
    """Submissions the caller may see, newest first: a member's own, or all for staff."""
    rows = submission_log(warehouse(context), _visible_sources(context), limit=limit)
    return rows


@api.get("/submissions/{submission_id}", name="api.submission")
def api_submission(context: Context, submission_id: int) -> Submission:
    """One submission's log entry."""
    return _submission_or_404(context, submission_id)


@api.get("/submissions/{submission_id}/quarantine", name="api.quarantine")
def api_quarantine(
    context: Context,
    submission_id: int,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> QuarantinePage:
    """The submission's quarantined values with their reasons, a page at a time."""
    submission = _submission_or_404(context, submission_id)
    rows = quarantine_rows(warehouse(context), submission_id, offset=offset, limit=limit)
    organization = organization_for_data_source(context.session, submission.data_source)
    context.audit(
        AuditAction.VIEW_QUARANTINE,
        target=f"submission {submission_id}",
        organization_id=organization.id if organization else None,
        offset=offset,
        rows_shown=len(rows),
    )
    return QuarantinePage(
        submission_id=submission_id,
        total=quarantined_count(warehouse(context), submission_id),
        offset=offset,
        limit=limit,
        rows=[QuarantinedValue.model_validate(row) for row in rows],
    )
