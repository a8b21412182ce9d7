"""One mapping from the error family (`commontable.errors`) to pages and JSON answers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from commontable.errors import (
    ConfigError,
    Conflict,
    Forbidden,
    InvalidSubmission,
    NotAuthenticated,
    NotFound,
    Reauthenticate,
    TooManyAttempts,
    UserError,
)
from commontable.routing import RouteContext
from commontable.web.gate import WebState

STATUS: list[tuple[type[UserError], int]] = [
    (NotAuthenticated, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (TooManyAttempts, 429),
    (InvalidSubmission, 422),
    (ConfigError, 503),
    (UserError, 400),
]
TITLES = {
    400: "That did not work",
    401: "Please sign in",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    409: "Conflict",
    413: "Too large",
    422: "Please check what you sent",
    429: "Too many tries",
    503: "Not available",
}


def status_of(error: UserError) -> int:
    return next(status for kind, status in STATUS if isinstance(error, kind))


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def sign_in_url(request: Request, confirm: bool = False) -> str:
    """The sign-in page (or the page confirming the password), returning to this page after."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return ("/sign-in/confirm?" if confirm else "/sign-in?") + urlencode({"next": here})


def error_page(request: Request, status: int, message: str) -> Response:
    """The error page, in the layout of whoever is signed in (anonymous if unknown)."""
    context = getattr(request.state, "route_context", None)
    values: dict[str, Any] = {"title": TITLES.get(status, "Error"), "message": message}
    if isinstance(context, RouteContext):
        return context.page("error.html", status_code=status, **values)
    values |= {"principal": None, "csrf_token": "", "may": lambda *_: False}
    web: WebState = request.app.state.web
    return web.render(request, "error.html", values, status)


def _user_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, UserError)
    status = status_of(error)
    if is_api(request):
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"detail": str(error)}, status_code=status, headers=headers)
    if status == 401:
        where = sign_in_url(request, confirm=isinstance(error, Reauthenticate))
        if request.headers.get("hx-request") == "true":  # HTMX swaps answers; make it navigate
            return Response(status_code=401, headers={"HX-Redirect": where})
        return RedirectResponse(where, status_code=303)
    return error_page(request, status, str(error))


def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if is_api(request):
        return JSONResponse(
            {"detail": error.detail}, status_code=error.status_code, headers=error.headers
        )
    return error_page(request, error.status_code, str(error.detail))


async def _validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    if is_api(request):
        return await request_validation_exception_handler(request, error)
    problems = "; ".join(
        f"{'.'.join(str(p) for p in problem['loc'][1:]) or 'request'}: {problem['msg']}"
        for problem in error.errors()
    )
    return error_page(request, 422, problems)


def install(app: FastAPI) -> None:
    app.add_exception_handler(UserError, _user_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
