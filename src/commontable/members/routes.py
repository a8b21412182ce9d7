"""Members on the web: the directory, an organization's page, collaboratives and workgroups,
people and their roles, API tokens; and the organizations in the JSON API.

Who may use each route is decided by `commontable.privacy.access.POLICY`; every change to
people, roles and tokens is audited.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Path, Security
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import func, select

from commontable.appdb import MAX_ID
from commontable.audit import AuditAction
from commontable.errors import Forbidden, NotFound, UserError
from commontable.members.administration import (
    enrol_person,
    give_role,
    take_role,
    unlock_account,
)
from commontable.members.administration import reset_second_factor as second_factor_reset
from commontable.members.collaboratives import ancestors, get_collaborative
from commontable.members.memberships import covering, current_members, current_memberships_of
from commontable.members.models import (
    ApiToken,
    Collaborative,
    Membership,
    Organization,
    OrganizationType,
    Role,
)
from commontable.members.notices import mark_read, notices_for
from commontable.members.organizations import get_organization, list_organizations
from commontable.members.people import get_person, people_of
from commontable.members.schemas import NoticeOut, OrganizationOut
from commontable.members.sign_in_guard import locked_until
from commontable.members.tokens import LIFETIMES, SCOPES, issue_token, revoke_token, tokens_of
from commontable.privacy import api_tokens, may_grant, may_see_people_of, people_access
from commontable.routing import Context, RouteContext, bearer, one_of

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["members"], dependencies=[Security(bearer)])

# Messages a redirect may ask a page to show; never text taken from the address.
NOTICES = {
    "person-added": "Person added.",
    "role-granted": "Role granted.",
    "role-revoked": "Role revoked.",
    "token-revoked": "API token revoked.",
    "unlocked": "Account unlocked: its failed sign-ins are forgotten.",
    "second-factor-reset": "Second factor reset: a new one is set up at the next sign-in.",
}

NoticeId = Annotated[int, Path(ge=1, le=MAX_ID)]  # a notice's id in a path


def _back_to(organization_id: int, notice: str, anchor: str) -> RedirectResponse:
    return RedirectResponse(
        f"/organizations/{organization_id}?notice={notice}#{anchor}", status_code=303
    )


# --- the directory and an organization's page ----------------------------------------------


@pages.get("/members", name="members.directory")
def directory(context: Context, type: str = "", collaborative: str = "") -> HTMLResponse:
    kind = one_of(OrganizationType, type, "type of organization") if type else None
    seated_at = None
    if collaborative:
        if not (collaborative.isascii() and collaborative.isdigit()):
            raise UserError(f"'{collaborative}' is not a collaborative")
        seated_at = get_collaborative(context.session, int(collaborative))
    organizations = list_organizations(context.session, kind, seated_at)
    every_collaborative = context.session.scalars(
        select(Collaborative).order_by(Collaborative.name)
    ).all()
    return context.page(
        "members/directory.html",
        organizations=organizations,
        seats=_seats_of(context, organizations),
        types=list(OrganizationType),
        collaboratives=every_collaborative,
        chosen_type=kind,
        chosen_collaborative=seated_at,
    )


def _seats_of(
    context: RouteContext, organizations: list[Organization]
) -> dict[int, list[Membership]]:
    """Each organization's memberships in force today, in one query."""
    query = (
        select(Membership)
        .join(Membership.collaborative)
        .where(
            Membership.organization_id.in_([o.id for o in organizations]),
            covering(date.today()),
        )
        .order_by(Collaborative.name)
    )
    seats: dict[int, list[Membership]] = defaultdict(list)
    for membership in context.session.scalars(query):
        seats[membership.organization_id].append(membership)
    return seats


@pages.get("/organizations/{organization_id}", name="members.organization")
def organization_page(context: Context, organization_id: int, notice: str = "") -> HTMLResponse:
    session = context.session
    organization = get_organization(session, organization_id)
    sees_people = may_see_people_of(context.principal, organization.id)
    people = people_of(session, organization) if sees_people else None
    return context.page(
        "members/organization.html",
        organization=organization,
        memberships=current_memberships_of(session, organization),
        people=people,
        locks={
            person.id: until
            for person in people or []
            if (until := locked_until(session, person.email)) is not None
        },
        tokens=tokens_of(session, organization)
        if context.may("members.issue_token", organization.id)
        else None,
        roles=list(Role),
        scopes=SCOPES,
        lifetimes=LIFETIMES,
        grantable=[role for role in Role if may_grant(context.principal, role)],
        notice=NOTICES.get(notice, ""),
    )


# --- collaboratives and workgroups ----------------------------------------------------------


@dataclass
class Branch:
    """A collaborative in the tree, with how many organizations sit at it today."""

    collaborative: Collaborative
    members: int
    children: list[Branch] = field(default_factory=list)


def _tree(context: RouteContext) -> list[Branch]:
    """Every collaborative, nested under its parent, in two queries."""
    session = context.session
    counts = {
        collaborative_id: count
        for collaborative_id, count in session.execute(
            select(Membership.collaborative_id, func.count())
            .where(covering(date.today()))
            .group_by(Membership.collaborative_id)
        )
    }
    everything = session.scalars(select(Collaborative).order_by(Collaborative.name)).all()
    branches = {c.id: Branch(c, counts.get(c.id, 0)) for c in everything}
    roots = []
    for collaborative in everything:
        branch = branches[collaborative.id]
        if collaborative.parent_id is None:
            roots.append(branch)
        else:
            branches[collaborative.parent_id].children.append(branch)
    return roots


@pages.get("/collaboratives", name="members.collaboratives")
def collaboratives(context: Context) -> HTMLResponse:
    return context.page("members/collaboratives.html", tree=_tree(context))


@pages.get("/collaboratives/{collaborative_id}", name="members.collaborative")
def collaborative_page(context: Context, collaborative_id: int) -> HTMLResponse:
    collaborative = get_collaborative(context.session, collaborative_id)
    return context.page(
        "members/collaborative.html",
        collaborative=collaborative,
        trail=list(reversed(ancestors(context.session, collaborative))),
        members=current_members(context.session, collaborative),
    )


# --- people, roles and API tokens (audited) ------------------------------------------------


@pages.post("/organizations/{organization_id}/people", name="members.add_person")
def add_person_to(
    context: Context,
    organization_id: int,
    email: Annotated[str, Form(max_length=320)],
    name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1024)],
    roles: Annotated[list[str] | None, Form()] = None,
) -> RedirectResponse:
    organization = get_organization(context.session, organization_id)
    chosen = [one_of(Role, value, "role") for value in roles or []]
    for role in chosen:
        if not may_grant(context.principal, role):
            raise Forbidden(f"only an admin may give the {role.value} role")
    enrol_person(
        context.session,
        email,
        name,
        organization,
        roles=chosen,
        password=password,
        by=context.actor,
    )
    return _back_to(organization.id, "person-added", "people")


@pages.post("/people/{person_id}/roles", name="members.grant_role")
def grant_role_to(
    context: Context, person_id: int, role: Annotated[str, Form()]
) -> RedirectResponse:
    person = get_person(context.session, person_id)
    chosen = one_of(Role, role, "role")
    give_role(context.session, person, chosen, by=context.actor)
    return _back_to(person.organization_id, "role-granted", "people")


@pages.post("/people/{person_id}/roles/{role}/revoke", name="members.revoke_role")
def revoke_role_of(context: Context, person_id: int, role: str) -> RedirectResponse:
    person = get_person(context.session, person_id)
    chosen = one_of(Role, role, "role")
    if chosen is Role.ADMIN and person.id == context.signed_in.person_id:
        raise UserError("you cannot take your own admin role away; ask another admin")
    take_role(context.session, person, chosen, by=context.actor)
    return _back_to(person.organization_id, "role-revoked", "people")


@pages.get("/access-review", name="members.access_review")
def access_review(context: Context) -> HTMLResponse:
    """Who can see what and when they last did: the admin's periodic access review."""
    return context.page(
        "members/access_review.html",
        people=people_access(context.session),
        tokens=api_tokens(context.session),
    )


@pages.post("/people/{person_id}/unlock", name="members.unlock")
def unlock_person(context: Context, person_id: int) -> RedirectResponse:
    """Lift a lock that failed sign-ins put on a person's account (admins; audited)."""
    person = get_person(context.session, person_id)
    unlock_account(context.session, person, by=context.actor)
    return _back_to(person.organization_id, "unlocked", "people")


@pages.post("/people/{person_id}/second-factor/reset", name="members.reset_second_factor")
def reset_second_factor(context: Context, person_id: int) -> RedirectResponse:
    """Forget a person's second factor (a lost phone); they set up a new one (admins; audited)."""
    person = get_person(context.session, person_id)
    second_factor_reset(context.session, person, by=context.actor)
    return _back_to(person.organization_id, "second-factor-reset", "people")


@pages.post("/organizations/{organization_id}/tokens", name="members.issue_token")
def issue_token_for(
    context: Context,
    organization_id: int,
    name: Annotated[str, Form(max_length=200)],
    scopes: Annotated[list[str], Form(max_length=2)],
    days: Annotated[int, Form()] = LIFETIMES[-1],
) -> HTMLResponse:
    organization = get_organization(context.session, organization_id)
    person_id = context.signed_in.person_id
    issuer = get_person(context.session, person_id) if person_id is not None else None
    issued = issue_token(
        context.session, organization, name, issuer, scopes=tuple(scopes), days=days
    )
    context.audit(
        AuditAction.ISSUE_TOKEN,
        target=issued.token.prefix,
        organization_id=organization.id,
        token_id=issued.token.id,
        name=issued.token.name,
        scopes=issued.token.scopes,
        expires_at=issued.token.expires_at.isoformat(),
    )
    return context.page(
        "members/token_issued.html",
        status_code=201,
        organization=organization,
        token=issued.token,
        secret=issued.secret,
    )


@pages.post("/tokens/{token_id}/revoke", name="members.revoke_token")
def revoke_token_of(context: Context, token_id: int) -> RedirectResponse:
    token = context.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"no API token with id {token_id}")
    revoke_token(context.session, token)
    context.audit(
        AuditAction.REVOKE_TOKEN,
        target=token.prefix,
        organization_id=token.organization_id,
        token_id=token.id,
    )
    return _back_to(token.organization_id, "token-revoked", "tokens")


# --- the signed-in person's own notices (every query is by their person id) ----------------


def _own_person_id(context: RouteContext) -> int:
    person_id = context.signed_in.person_id
    if person_id is None:
        raise Forbidden("notices are for people signed in, not for API tokens")
    return person_id


@pages.get("/notices", name="members.notices")
def notices_page(context: Context, notice: str = "") -> HTMLResponse:
    notices = notices_for(context.session, _own_person_id(context))
    return context.page(
        "members/notices.html",
        notices=notices,
        unread_notices=sum(1 for n in notices if n.read_at is None),
        notice="Marked read." if notice == "read" else "",
    )


@pages.post("/notices/{notice_id}/read", name="members.notice_read")
def notice_read(context: Context, notice_id: NoticeId) -> RedirectResponse:
    mark_read(context.session, _own_person_id(context), notice_id)
    return RedirectResponse("/notices?notice=read", status_code=303)


# --- JSON API -------------------------------------------------------------------------------


@api.get("/organizations", name="api.organizations")
def api_organizations(
    context: Context, type: OrganizationType | None = None
) -> list[OrganizationOut]:
    """The organizations at the table, by name, optionally of one type."""
    return [OrganizationOut.model_validate(o) for o in list_organizations(context.session, type)]


@api.get("/notices", name="api.notices")
def api_notices(context: Context, unread: bool = False) -> list[NoticeOut]:
    """Your own notices, newest first; only the unread ones with ?unread=true."""
    notices = notices_for(context.session, _own_person_id(context), unread_only=unread)
    return [NoticeOut.model_validate(n) for n in notices]
