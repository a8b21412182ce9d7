"""What a route knows about the request it serves: who is asking, as the access gate admitted
them, the unit of work the request runs in, and how to answer with a page.

The web app's gate builds a `RouteContext` for every request before any route runs; parts'
routes take it as a `Context` parameter, so no part imports the web app.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.security import HTTPBearer
from sqlalchemy.orm import Session

from commontable.audit import Actor, AuditAction
from commontable.config import Settings
from commontable.errors import Forbidden, NotAuthenticated
from commontable.members import SIGN_IN_AGAIN, unread_count
from commontable.privacy import Principal, may

Renderer = Callable[[Request, str, dict[str, Any], int], HTMLResponse]
Resource = TypeVar("Resource")


@dataclass
class RouteContext:
    """The request's principal (None: nobody signed in), DB session and page renderer."""

    request: Request
    session: Session
    settings: Settings
    principal: Principal | None
    csrf_token: str
    render: Renderer
    resources: ExitStack = field(default_factory=ExitStack)  # closed when the request ends
    _kept: dict[str, Any] = field(default_factory=dict)

    def keep(self, key: str, opener: Callable[[], AbstractContextManager[Resource]]) -> Resource:
        """A resource for the rest of the request (a warehouse connection), opened on first
        use and closed after the route has answered."""
        if key not in self._kept:
            self._kept[key] = self.resources.enter_context(opener())
        resource: Resource = self._kept[key]
        return resource

    @property
    def signed_in(self) -> Principal:
        """The principal of a route whose rule admits only signed-in callers."""
        if self.principal is None:
            raise NotAuthenticated(SIGN_IN_AGAIN)
        return self.principal

    def may(self, route: str, organization_id: int | None = None) -> bool:
        """Whether the caller may use another route (to show its link or button)."""
        return may(route, self.principal, organization_id)

    def page(self, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
        """The HTML page `template`, with the layout's values (principal, CSRF token, how many
        unread notices the person has; not counted on an error page) added."""
        values = {"principal": self.principal, "csrf_token": self.csrf_token, **values}
        values["may"] = self.may
        person_id = self.principal.person_id if self.principal else None
        if "unread_notices" not in values:
            counted = person_id is not None and status_code < 400  # none on an error page
            values["unread_notices"] = (
                unread_count(self.session, person_id) if person_id is not None and counted else 0
            )
        return self.render(self.request, template, values, status_code)

    @property
    def actor(self) -> Actor:
        """The caller, as the audit log names them."""
        principal = self.principal
        if principal is None:
            return Actor()
        how = {} if principal.token_id is None else {"api_token_id": principal.token_id}
        return Actor(principal.person_id, principal.organization_id, how)

    def audit(
        self,
        action: AuditAction,
        *,
        target: str = "",
        organization_id: int | None = None,
        **detail: Any,
    ) -> None:
        """Record what the caller did, in this request's transaction."""
        self.actor.record(
            self.session, action, target=target, organization_id=organization_id, **detail
        )


def route_context(request: Request) -> RouteContext:
    """The context the gate set; without one the route is not behind the gate: refuse."""
    context = getattr(request.state, "route_context", None)
    if not isinstance(context, RouteContext):
        raise Forbidden("this route is not behind the access gate; refused")
    return context


Context = Annotated[RouteContext, Depends(route_context)]

# How a member's system says who it is on the JSON API (the gate checks it; the routers declare
# it so the OpenAPI document shows it).
bearer = HTTPBearer(auto_error=False, description="an API token of a member organization")
