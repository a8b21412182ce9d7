"""The home dashboard, and the OpenAPI document of the JSON API."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import func, select

from commontable.display import interval_text, rate_text
from commontable.errors import UserError
from commontable.members import (
    Collaborative,
    CollaborativeType,
    Membership,
    Organization,
    covering,
    get_organization,
)
from commontable.publishing import headlines as headlines_of
from commontable.publishing import reader_of
from commontable.routing import Context
from commontable.warehouse.routes import Submission, recent_submissions

router = APIRouter(include_in_schema=False)


@router.get("/", name="home")
def home(context: Context) -> HTMLResponse:
    session = context.session
    organization = get_organization(session, context.signed_in.organization_id)
    seated = select(func.count(func.distinct(Membership.organization_id))).where(
        covering(date.today())
    )
    kinds = {
        kind: count
        for kind, count in session.execute(
            select(Collaborative.type, func.count()).group_by(Collaborative.type)
        )
    }
    recent: list[Submission] = []
    unavailable = ""
    try:
        recent = recent_submissions(context, organization)
    except UserError as error:  # the warehouse is busy (a command is loading) or not set up
        unavailable = str(error)
    reader = reader_of(session, context.principal, context.settings)
    period, headlines = headlines_of(session, reader)
    return context.page(
        "home.html",
        period=period,
        headlines=headlines,
        rate_text=rate_text,
        interval_text=interval_text,
        organization=organization,
        organizations=session.scalar(select(func.count()).select_from(Organization)) or 0,
        members=session.scalar(seated) or 0,
        collaboratives=sum(n for kind, n in kinds.items() if kind != CollaborativeType.WORKGROUP),
        workgroups=kinds.get(CollaborativeType.WORKGROUP, 0),
        recent=recent,
        unavailable=unavailable,
    )


@router.get("/api/openapi.json", name="openapi")
def openapi(request: Request) -> JSONResponse:
    """The OpenAPI document of the JSON API (the pages are left out)."""
    return JSONResponse(request.app.openapi())
