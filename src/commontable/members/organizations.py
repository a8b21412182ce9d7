"""Organizations at the table, their parent organizations and their sites."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commontable.errors import Conflict, NotFound, UserError
from commontable.members.identifiers import (
    data_source_from_name,
    normalise_data_source,
    normalise_npi,
    normalise_tin,
)
from commontable.members.memberships import covering
from commontable.members.models import (
    Collaborative,
    Membership,
    Organization,
    OrganizationType,
    Site,
    SiteType,
)


def add_organization(
    session: Session,
    name: str,
    type: OrganizationType,
    *,
    npi: str | None = None,
    tin: str | None = None,
    parent: Organization | None = None,
    data_source: str | None = None,
) -> Organization:
    """Register an organization; names are unique whatever their case, and so are NPIs.

    `data_source` is the name its submissions carry in the warehouse; by default a slug of its
    name (`Cascade Health Plan` submits as `cascade-health-plan`).
    """
    name = _clean_name(name, "organization")
    npi = normalise_npi(npi) if npi else None
    if _named(session, name) is not None:
        raise Conflict(f"an organization named '{name}' already exists")
    key = _free_data_source(session, data_source or data_source_from_name(name))
    if npi is not None:
        holder = session.scalars(select(Organization).where(Organization.npi == npi)).first()
        if holder is not None:
            raise Conflict(f"NPI {npi} already belongs to '{holder.name}'")
    organization = Organization(
        name=name,
        type=type,
        npi=npi,
        tin=normalise_tin(tin) if tin else None,
        parent=parent,
        data_source=key,
    )
    session.add(organization)
    session.flush()
    return organization


def set_data_source(session: Session, organization: Organization, data_source: str) -> None:
    """Change the name an organization's submissions are filed under in the warehouse."""
    key = normalise_data_source(data_source)
    if key != organization.data_source:
        organization.data_source = _free_data_source(session, key)
        session.flush()


def organization_for_data_source(session: Session, data_source: str) -> Organization | None:
    """The organization whose submissions carry this data source name; None if nobody's."""
    query = select(Organization).where(Organization.data_source == data_source)
    return session.scalars(query).first()


def _free_data_source(session: Session, data_source: str) -> str:
    key = normalise_data_source(data_source)
    holder = organization_for_data_source(session, key)
    if holder is not None:
        raise Conflict(
            f"data source '{key}' already belongs to '{holder.name}'; choose another with "
            "data_source=..."
        )
    return key


def get_organization(session: Session, organization_id: int) -> Organization:
    """The organization with this id."""
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise NotFound(f"no organization with id {organization_id}")
    return organization


def find_organization(session: Session, name_or_id: str) -> Organization:
    """The organization a person typed: its id, or its name in any case."""
    if name_or_id.strip().isdigit():
        return get_organization(session, int(name_or_id))
    organization = _named(session, " ".join(name_or_id.split()))
    if organization is None:
        raise NotFound(
            f"no organization named '{name_or_id}'; see `commontable org list` "
            "or add it with `commontable org add`"
        )
    return organization


def list_organizations(
    session: Session,
    type: OrganizationType | None = None,
    collaborative: Collaborative | None = None,
    on: date | None = None,
) -> list[Organization]:
    """Organizations by name, optionally of one type, or seated at one collaborative on `on`
    (default today)."""
    query = select(Organization).order_by(Organization.name)
    if type is not None:
        query = query.where(Organization.type == type)
    if collaborative is not None:
        seated = select(Membership.organization_id).where(
            Membership.collaborative_id == collaborative.id, covering(on or date.today())
        )
        query = query.where(Organization.id.in_(seated))
    return list(session.scalars(query))


def set_parent_organization(
    session: Session, organization: Organization, parent: Organization | None
) -> None:
    """Place an organization under another (a clinic under its medical group), never in a loop."""
    if parent is not None and organization in _lineage(parent):
        raise UserError(
            f"'{organization.name}' cannot sit under '{parent.name}', which is part of it"
        )
    organization.parent = parent
    session.flush()


def add_site(
    session: Session,
    organization: Organization,
    name: str,
    type: SiteType,
    *,
    address: str,
    city: str,
    state: str,
    zip_code: str,
    npi: str | None = None,
) -> Site:
    """Add a place the organization works from, with its street address."""
    name = _clean_name(name, "site")
    state = state.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", state):
        raise UserError(f"state '{state}' should be a two-letter USPS code such as WA")
    zip_code = zip_code.strip()
    if not re.fullmatch(r"[0-9]{5}(-?[0-9]{4})?", zip_code):
        raise UserError(f"ZIP code '{zip_code}' should have 5 digits (or ZIP+4)")
    if any(site.name.lower() == name.lower() for site in organization.sites):
        raise Conflict(f"'{organization.name}' already has a site named '{name}'")
    site = Site(
        organization=organization,
        name=name,
        type=type,
        address=address.strip(),
        city=city.strip(),
        state=state,
        zip_code=zip_code,
        npi=normalise_npi(npi) if npi else None,
    )
    session.add(site)
    session.flush()
    return site


def _lineage(organization: Organization) -> list[Organization]:
    """The organization, its parent, its parent's parent... up to the top."""
    chain = [organization]
    while chain[-1].parent is not None:
        chain.append(chain[-1].parent)
    return chain


def _named(session: Session, name: str) -> Organization | None:
    query = select(Organization).where(func.lower(Organization.name) == name.lower())
    return session.scalars(query).first()


def _clean_name(name: str, what: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise UserError(f"a {what} needs a name")
    return cleaned
