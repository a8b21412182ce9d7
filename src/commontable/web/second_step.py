"""The steps of signing in after the password: the second factor's code (or setting one up the
first time), and the password again before patient-level pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from commontable.audit import AuditAction
from commontable.errors import NotAuthenticated, TooManyAttempts, UserError
from commontable.members import (
    MAX_CODE_FAILURES,
    LoginSession,
    accept_code,
    check_account,
    clear_account,
    complete_login_session,
    confirm_login_session,
    count_failure,
    enrol,
    enrolment_uri,
    get_person,
    login_for_session,
    new_secret,
    pending_login_session,
    qr_svg,
    verify_password,
)
from commontable.routing import Context, RouteContext
from commontable.web.gate import WebState, csrf_token_for
from commontable.web.sign_in import safe_next, sign_in_form, signed_in_response

router = APIRouter(include_in_schema=False)


# --- the second factor --------------------------------------------------------------------


def _pending(context: RouteContext, stage: str) -> tuple[LoginSession, str]:
    """The browser's half-signed-in session at `stage`, and its cookie's secret."""
    options = context.request.app.state.web.options
    secret = context.request.cookies.get(options.cookie_name, "")
    login = pending_login_session(context.session, secret)
    if login.pending != stage:
        raise NotAuthenticated("sign in with your password first")
    return login, secret


def _second_step_page(
    context: RouteContext,
    template: str,
    next: str,
    problem: str = "",
    status: int = 200,
    **values: object,
) -> Response:
    request = context.request
    options = request.app.state.web.options
    form_secret = request.cookies.get(options.signin_cookie_name) or ""
    return context.page(
        template,
        status_code=status,
        csrf_token=csrf_token_for(form_secret) if form_secret else "",
        next=safe_next(next),
        problem=problem,
        **values,
    )


def _wrong_code(context: RouteContext, login: LoginSession) -> bool:
    """Count a wrong code; True when that was the last try and the half-signed-in session is
    ended (after MAX_CODE_FAILURES)."""
    login.code_failures += 1
    person = login.person
    ended = login.code_failures >= MAX_CODE_FAILURES
    context.audit(
        AuditAction.SECOND_FACTOR_FAILED,
        target=person.email,
        organization_id=person.organization_id,
        failures=login.code_failures,
        ended=ended,
    )
    if ended:
        context.session.delete(login)
    return ended


def _start_again(context: RouteContext, next: str) -> Response:
    """The sign-in form again, after too many wrong codes."""
    problem = "too many wrong codes: sign in again with your password"
    response = sign_in_form(context, next, problem=problem, status=401)
    response.delete_cookie(context.request.app.state.web.options.cookie_name, path="/")
    return response


@router.get("/sign-in/code", name="sign_in_code_page")
def sign_in_code_page(context: Context, next: str = "/") -> Response:
    _pending(context, "code")
    return _second_step_page(context, "sign_in_code.html", next)


@router.post("/sign-in/code", name="sign_in_code")
def sign_in_code(
    context: Context,
    code: Annotated[str, Form(max_length=16)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    login, secret = _pending(context, "code")
    web: WebState = context.request.app.state.web
    person = login.person
    assert person.totp_secret is not None  # a "code" session is of an enrolled person
    if not accept_code(person, web.secrets.open(person.totp_secret), code):
        if _wrong_code(context, login):
            return _start_again(context, next)
        problem = "that code is not right, or was used already"
        return _second_step_page(context, "sign_in_code.html", next, problem, 401)
    complete_login_session(login, lifetime=web.options.session_lifetime)
    return signed_in_response(context, person, secret, next, second_factor="totp")


@router.get("/sign-in/enrol", name="sign_in_enrol_page")
def sign_in_enrol_page(context: Context, next: str = "/") -> Response:
    login, _ = _pending(context, "enrol")
    return _enrol_page(context, login, new_secret(), next)


def _enrol_page(
    context: RouteContext, login: LoginSession, key: str, next: str, problem: str = ""
) -> Response:
    web: WebState = context.request.app.state.web
    uri = enrolment_uri(key, login.person.email)
    return _second_step_page(
        context,
        "sign_in_enrol.html",
        next,
        problem,
        401 if problem else 200,
        key=key,
        qr=qr_svg(uri),
        sealed=web.secrets.seal(key),
    )


@router.post("/sign-in/enrol", name="sign_in_enrol")
def sign_in_enrol(
    context: Context,
    sealed: Annotated[str, Form(max_length=400)],
    code: Annotated[str, Form(max_length=16)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    login, secret = _pending(context, "enrol")
    web: WebState = context.request.app.state.web
    key = web.secrets.open(sealed)  # the key shown on the form, sealed so it cannot be swapped
    person = login.person
    try:
        enrol(person, web.secrets, key, code)
    except UserError as error:
        if _wrong_code(context, login):
            return _start_again(context, next)
        return _enrol_page(context, login, key, next, str(error))
    context.audit(
        AuditAction.ENROL_SECOND_FACTOR,
        target=person.email,
        organization_id=person.organization_id,
        person_id=person.id,
    )
    complete_login_session(login, lifetime=web.options.session_lifetime)
    return signed_in_response(context, person, secret, next, second_factor="totp")


# --- confirming the password before patient-level pages ------------------------------------


@router.get("/sign-in/confirm", name="sign_in_confirm_page")
def sign_in_confirm_page(context: Context, next: str = "/") -> Response:
    return context.page("sign_in_confirm.html", next=safe_next(next), problem="")


@router.post("/sign-in/confirm", name="sign_in_confirm")
def sign_in_confirm(
    context: Context,
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """The password again: patient-level pages open for `reauth_minutes` more. Wrong passwords
    count towards the account's lock, as at sign-in."""
    request = context.request
    web: WebState = request.app.state.web
    ip = request.client.host if request.client else "unknown"
    person_id = context.signed_in.person_id
    assert person_id is not None  # only a session's person reaches this page
    person = get_person(context.session, person_id)
    try:
        web.sign_in_limit.check(ip)
        check_account(context.session, person.email)
    except TooManyAttempts as refused:
        context.audit(AuditAction.SIGN_IN_THROTTLED, target=person.email, reason=str(refused))
        return context.page(
            "sign_in_confirm.html", status_code=429, next=safe_next(next), problem=str(refused)
        )
    matches = (
        person.password_hash is not None and verify_password(password, person.password_hash)[0]
    )
    if not matches:
        web.sign_in_limit.failed(ip)
        count_failure(context.session, person.email)
        context.audit(AuditAction.SIGN_IN_FAILED, target=person.email, reason="confirm password")
        problem = "that is not your password"
        return context.page(
            "sign_in_confirm.html", status_code=401, next=safe_next(next), problem=problem
        )
    login = login_for_session(context.session, request.cookies.get(web.options.cookie_name, ""))
    confirm_login_session(login)
    clear_account(context.session, person.email)
    context.audit(AuditAction.CONFIRM_PASSWORD, target=person.email)
    return RedirectResponse(safe_next(next), status_code=303)
