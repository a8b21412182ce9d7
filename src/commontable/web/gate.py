"""The gate every request passes before its route runs: one unit of work, who is asking,
CSRF, and the access policy (`commontable.privacy.access.POLICY`).

Order: a number in the path or query beyond the database's 64-bit integers names nothing (404,
never a database overflow); a route without a rule is refused (fail closed); a non-public route
needs someone signed in (pages redirect to sign-in, the API answers 401; a session unused for
`idle_minutes` has ended); a state-changing request made with a cookie must carry the CSRF
token; then the route's rule decides, and a patient-level route asks a person whose password
is older than `reauth_minutes` to confirm it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from commontable.appdb import session_factory, utcnow
from commontable.care.routes import organization_of_notification, organization_of_team
from commontable.config import Settings
from commontable.errors import Forbidden, NotAuthenticated, NotFound, Reauthenticate
from commontable.jobs.routes import organization_of_job
from commontable.members import AddressLimit, SecretBox, login_for_session, verify_token
from commontable.privacy import POLICY, About, Principal, person_principal, token_principal
from commontable.routing import Renderer, RouteContext
from commontable.warehouse.routes import organization_of_submission
from commontable.web.options import WebOptions

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
LARGEST_ID = 2**63 - 1  # SQLite's and PostgreSQL's BIGINT, DuckDB's BIGINT


@dataclass(frozen=True)
class WebState:
    """What the app factory sets up once: the app DB engine, settings, options, templates, the
    limit on sign-in attempts per client address, and the key of second-factor secrets."""

    engine: Engine
    settings: Settings
    options: WebOptions
    render: Renderer
    sign_in_limit: AddressLimit
    secrets: SecretBox  # opens second-factor secrets


@dataclass(frozen=True)
class Caller:
    """Who the request's credentials name, and the browser secret its CSRF token derives from."""

    principal: Principal | None
    browser_secret: str | None  # the session cookie's secret, or the sign-in form's cookie
    with_cookie: bool
    authenticated_at: datetime | None = None  # when a signed-in person last gave their password


def csrf_token_for(browser_secret: str) -> str:
    """The CSRF token of a browser: derived from its HttpOnly cookie, so a page of another site
    can neither read nor compute it."""
    return hmac.new(browser_secret.encode(), b"commontable csrf", hashlib.sha256).hexdigest()


async def sent_csrf_token(request: Request) -> str | None:
    """The CSRF token a state-changing request carries: the X-CSRF-Token header (HTMX) or the
    form's csrf_token field."""
    if request.method in SAFE_METHODS:
        return None
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.headers.get("content-type", "").startswith(FORMS):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def gate(
    request: Request, csrf_sent: Annotated[str | None, Depends(sent_csrf_token)]
) -> Iterator[None]:
    """Open the request's unit of work (committed after the route returns, before the response
    is sent), identify the caller and apply the access policy."""
    web: WebState = request.app.state.web
    name = getattr(request.scope.get("route"), "name", None)
    with session_factory(web.engine).begin() as session:
        caller = _identify(request, session, web.options)
        secret = caller.browser_secret
        context = RouteContext(
            request,
            session,
            web.settings,
            caller.principal,
            csrf_token_for(secret) if secret else "",
            web.render,
        )
        request.state.route_context = context
        with context.resources:
            _admit(request, context, caller, name, csrf_sent)
            yield


def _admit(
    request: Request, context: RouteContext, caller: Caller, name: str | None, csrf: str | None
) -> None:
    """Refuse the request unless the route's rule admits the caller."""
    _check_numbers(request)
    rule = POLICY.get(name or "")
    if rule is None:
        raise Forbidden(f"no access rule covers the route '{name}', so it is refused to all")
    if not rule.public and caller.principal is None:
        raise NotAuthenticated("sign in to see this page")
    if request.method not in SAFE_METHODS and caller.with_cookie:
        _check_csrf(csrf, context.csrf_token)
    organization_id = None
    if rule.about is not None and rule.turns_on_organization(caller.principal):
        organization_id = _organization_concerned(rule.about, request, context)
    if not rule.allows(caller.principal, organization_id):
        raise Forbidden(f"this needs {rule.summary}; ask a CommonTable admin if you should")
    if rule.patient_level and caller.authenticated_at is not None:
        options: WebOptions = request.app.state.web.options
        if utcnow() - caller.authenticated_at > options.reauth_after:
            raise Reauthenticate("patient-level data: confirm your password to go on")


def _check_numbers(request: Request) -> None:
    """Refuse, as not found, any whole number in the path or query that no stored id can be."""
    values = [*map(str, request.path_params.values()), *request.query_params.values()]
    for value in values:
        digits = value.strip().removeprefix("-").removeprefix("+")
        if digits.isascii() and digits.isdigit() and len(digits) > 18 and int(digits) > LARGEST_ID:
            raise NotFound("nothing here has that number")


def _identify(request: Request, session: Session, options: WebOptions) -> Caller:
    """The API takes a Bearer token; pages and the API take the sign-in session cookie."""
    authorization = request.headers.get("authorization")
    if authorization and request.url.path.startswith("/api/"):
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticated("send the API token as: Authorization: Bearer <token>")
        return Caller(token_principal(verify_token(session, token.strip())), None, False)
    session_secret = request.cookies.get(options.cookie_name)
    if session_secret:
        try:
            login = login_for_session(session, session_secret, idle=options.idle_timeout)
        except NotAuthenticated:
            pass  # expired, idle too long or signed out elsewhere: the request is anonymous
        else:
            principal = person_principal(login.person)
            return Caller(principal, session_secret, True, login.authenticated_at or utcnow())
    signin_secret = request.cookies.get(options.signin_cookie_name)
    return Caller(None, signin_secret, True)


def _check_csrf(sent: str | None, expected: str) -> None:
    if not expected or not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Forbidden(
            "the form's security token is missing or out of date; reload the page and try again"
        )


def _organization_concerned(about: About, request: Request, context: RouteContext) -> int | None:
    """The organization a route is about, from its path; None when there is no such thing."""
    raw = str(request.path_params.get(about.value, ""))
    if not (raw.isascii() and raw.isdigit()):
        return None
    if about is About.ORGANIZATION:
        return int(raw)
    if about is About.JOB:
        return organization_of_job(context, int(raw))
    if about is About.CARE_TEAM:
        return organization_of_team(context, int(raw))
    if about is About.NOTIFICATION:
        return organization_of_notification(context, int(raw))
    return organization_of_submission(context, int(raw))
