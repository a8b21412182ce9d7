"""The app factory: one FastAPI application with every part's routes behind one gate."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from fastapi.staticfiles import StaticFiles
from starlette.routing import Mount

import commontable
from commontable.appdb import require_current
from commontable.audit import app_db_engine
from commontable.care import routes as care_routes
from commontable.config import Settings
from commontable.governance.decisions import routes as decisions_routes
from commontable.governance.delphi import routes as delphi_routes
from commontable.identity import routes as identity_routes
from commontable.jobs import routes as jobs_routes
from commontable.jobs import run_job, runs_jobs
from commontable.members import AddressLimit, SecretBox
from commontable.members import routes as members_routes
from commontable.plans import routes as plans_routes
from commontable.publishing import routes as publishing_routes
from commontable.reports import routes as reports_routes
from commontable.warehouse import routes as warehouse_routes
from commontable.web import errors, home, second_step, sign_in
from commontable.web.gate import WebState, gate
from commontable.web.headers import SecurityHeaders
from commontable.web.options import WebOptions, web_options
from commontable.web.templating import WEB, renderer, templates

FORM_LIMIT = 1 << 20  # bodies of anything but an upload: 1 MiB

DESCRIPTION = """The JSON API of a CommonTable collaborative. Members' systems authenticate
with an API token (`Authorization: Bearer ct_...`, issued on the organization's page) and
act as that organization's data submitter."""


def create_app(settings: Settings, options: WebOptions | None = None) -> FastAPI:
    """The web application on a workspace's stores; the app DB must be up to date."""
    options = options or web_options(settings)
    runs_jobs(run_job)  # jobs queued here run in the worker, or in the request (jobs = immediate)
    engine = app_db_engine(settings)
    require_current(engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="CommonTable",
        version=commontable.__version__,
        description=DESCRIPTION,
        openapi_url=None,  # served by the `openapi` route, behind the gate like every route
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(gate, scope="function")],
        lifespan=lifespan,
        max_body_size=FORM_LIMIT,
    )
    limit = AddressLimit.of(options.sign_in_address_limit, options.rate_limit_storage)
    secrets = SecretBox.from_file(Path(settings.resolve(settings.secrets_key_file)))
    app.state.web = WebState(engine, settings, options, renderer(templates()), limit, secrets)
    errors.install(app)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    for router in (
        sign_in.router,
        second_step.router,
        home.router,
        members_routes.pages,
        members_routes.api,
        warehouse_routes.pages,
        warehouse_routes.api,
        jobs_routes.pages,
        jobs_routes.api,
        identity_routes.pages,
        identity_routes.api,
        publishing_routes.pages,
        publishing_routes.api,
        plans_routes.pages,
        plans_routes.api,
        decisions_routes.pages,
        decisions_routes.api,
        delphi_routes.pages,
        delphi_routes.api,
        care_routes.pages,
        care_routes.api,
        reports_routes.pages,
    ):
        app.include_router(router)
    upload_limit = options.max_upload_mb << 20
    app.include_router(jobs_routes.uploads, max_body_size=upload_limit)
    app.include_router(jobs_routes.api_uploads, max_body_size=upload_limit)
    refuse_ungated_routes(app)
    return app


def routes_of(app: FastAPI) -> list[RouteContext]:
    """Every route the app serves, those of included routers too, as served (with prefixes)."""
    return list(iter_route_contexts(app.routes))


def refuse_ungated_routes(app: FastAPI) -> None:
    """Every route must pass the gate; only the static files are served without it."""
    for route in routes_of(app):
        if isinstance(route.original_route, Mount) and route.name == "static":
            continue
        dependant = getattr(route, "dependant", None) if route.methods else None
        gated = dependant is not None and any(
            dependency.call is gate for dependency in dependant.dependencies
        )
        if not isinstance(route.original_route, APIRoute) or not gated:
            raise RuntimeError(f"route {route.name} ({route.path}) does not pass the access gate")
