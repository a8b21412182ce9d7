"""Signing in and out: a server-side session in an HttpOnly cookie; every attempt is audited."""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from commontable.appdb import utcnow
from commontable.audit import AuditAction, record
from commontable.errors import NotAuthenticated, TooManyAttempts, UserError
from commontable.members import (
    Person,
    authenticate,
    check_account,
    clear_account,
    count_failure,
    end_login_session,
    needs_second_factor,
    normalise_email,
    start_login_session,
)
from commontable.routing import Context, RouteContext
from commontable.web.gate import WebState, csrf_token_for

router = APIRouter(include_in_schema=False)
SIGN_IN_FORM_HOURS = 2


def safe_next(next: str) -> str:
    """Where to go after signing in: a path on this site, never another site."""
    if next.startswith("/") and not next.startswith(("//", "/\\")):
        return next
    return "/"


def secure_cookies(request: Request) -> bool:
    web: WebState = request.app.state.web
    return request.url.scheme == "https" or web.options.secure_cookies


def sign_in_form(
    context: RouteContext,
    next: str,
    email: str = "",
    problem: str = "",
    status: int = 200,
    retry_after: int | None = None,
) -> Response:
    """The sign-in form, with a CSRF token tied to a short-lived cookie of its own."""
    request = context.request
    options = request.app.state.web.options
    secret = request.cookies.get(options.signin_cookie_name) or secrets.token_urlsafe(32)
    response = context.page(
        "sign_in.html",
        status_code=status,
        csrf_token=csrf_token_for(secret),
        next=safe_next(next),
        email=email,
        problem=problem,
    )
    response.set_cookie(
        options.signin_cookie_name,
        secret,
        max_age=SIGN_IN_FORM_HOURS * 3600,
        path="/sign-in",
        secure=secure_cookies(request),
        httponly=True,
        samesite="lax",
    )
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


@router.get("/sign-in", name="sign_in_page")
def sign_in_page(context: Context, next: str = "/") -> Response:
    if context.principal is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return sign_in_form(context, next)


@router.post("/sign-in", name="sign_in")
def sign_in(
    context: Context,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    request = context.request
    web: WebState = request.app.state.web
    options = web.options
    ip = request.client.host if request.client else "unknown"
    try:
        who = normalise_email(email)
    except UserError:  # not even an address: keep what was typed
        who = email.strip().lower()
    try:
        web.sign_in_limit.check(ip)
        check_account(context.session, who)
    except TooManyAttempts as refused:
        context.audit(AuditAction.SIGN_IN_THROTTLED, target=who, ip=ip, reason=str(refused))
        return sign_in_form(context, next, email, str(refused), 429, refused.retry_after)
    try:
        person = authenticate(context.session, email, password)
    except NotAuthenticated as error:
        web.sign_in_limit.failed(ip)
        locks = count_failure(context.session, who)
        record(
            context.session,
            AuditAction.SIGN_IN_FAILED,
            target=who,
            detail={"ip": ip, "reason": str(error)},
        )
        if locks:
            record(context.session, AuditAction.LOCK_ACCOUNT, target=who, detail={"ip": ip})
        return sign_in_form(context, next, email, str(error), status=401)
    clear_account(context.session, who)
    required = options.second_factor == "required"
    stage = None
    if needs_second_factor(person, required):
        stage = "code" if person.totp_secret is not None else "enrol"
    secret = start_login_session(
        context.session, person, lifetime=options.session_lifetime, pending=stage
    )
    if stage is None:
        return signed_in_response(context, person, secret, next)
    response = RedirectResponse(f"/sign-in/{stage}?{urlencode({'next': safe_next(next)})}", 303)
    set_session_cookie(request, response, secret)
    return response


def signed_in_response(
    context: RouteContext, person: Person, secret: str, next: str, **detail: object
) -> Response:
    """Audit a completed sign-in and send the browser on with its session cookie."""
    request = context.request
    ip = request.client.host if request.client else None
    record(
        context.session,
        AuditAction.SIGN_IN,
        actor_person_id=person.id,
        organization_id=person.organization_id,
        target=person.email,
        detail={"ip": ip, **detail},
    )
    person.last_login_at = utcnow()
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(request, response, secret)
    response.delete_cookie(request.app.state.web.options.signin_cookie_name, path="/sign-in")
    return response


def set_session_cookie(request: Request, response: Response, secret: str) -> None:
    options = request.app.state.web.options
    response.set_cookie(
        options.cookie_name,
        secret,
        max_age=int(options.session_lifetime.total_seconds()),
        path="/",
        secure=secure_cookies(request),
        httponly=True,
        samesite="lax",
    )


@router.post("/sign-out", name="sign_out")
def sign_out(context: Context) -> Response:
    request = context.request
    options = request.app.state.web.options
    secret = request.cookies.get(options.cookie_name)
    if secret:
        end_login_session(context.session, secret)
    context.audit(AuditAction.SIGN_OUT, target=context.signed_in.name)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(
        options.cookie_name,
        path="/",
        secure=secure_cookies(request),
        httponly=True,
        samesite="lax",
    )
    return response
