"""The collaborative's roster (warehouse `organization`) as member organizations in the app DB.

Results name clinics, medical groups, plans and hospitals by their roster id; importing the
roster gives each its organization (matched by roster id, then NPI, then name, else added), so
that an organization's people see their own results. Re-importing changes nothing already there.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commontable.audit import AuditAction, record
from commontable.members import Organization, OrganizationType, add_organization
from commontable.warehouse import Warehouse

# The roster's organization_type (warehouse contracts/vocab.py) -> the app DB's.
TYPES = {
    "health plan": OrganizationType.HEALTH_PLAN,
    "hospital": OrganizationType.HOSPITAL,
    "clinic": OrganizationType.CLINIC,
    "medical group": OrganizationType.CLINIC,
    "cbo": OrganizationType.CBO,
    "employer": OrganizationType.PURCHASER,
    "public health": OrganizationType.PUBLIC_HEALTH,
    "consumer advocate": OrganizationType.CONSUMER_ADVOCATE,
    "collaborative": OrganizationType.COLLABORATIVE,
}


@dataclass(frozen=True)
class RosterImport:
    added: list[str]
    linked: list[str]  # existing organizations now known by their roster id
    skipped: list[str]  # roster rows of a type the app DB has no kind for

    def summary(self) -> str:
        return (
            f"roster: {len(self.added)} organizations added, {len(self.linked)} linked to their "
            f"roster id, {len(self.skipped)} skipped (type other)"
        )


def roster_rows(warehouse: Warehouse) -> list[dict[str, str | None]]:
    """One row per roster organization (its latest submission's values), parents first."""
    roster = warehouse.table("organization")
    latest = roster.group_by("organization_id").aggregate(
        name=roster.name.argmax(roster.ingest_datetime),
        organization_type=roster.organization_type.argmax(roster.ingest_datetime),
        parent_organization_id=roster.parent_organization_id.argmax(roster.ingest_datetime),
        npi=roster.npi.argmax(roster.ingest_datetime),
        tin=roster.tin.argmax(roster.ingest_datetime),
    )
    rows = latest.order_by("organization_id").to_pyarrow().to_pylist()
    return sorted(rows, key=lambda row: row["parent_organization_id"] is not None)


def _existing(session: Session, row: dict[str, str | None]) -> Organization | None:
    for condition in (
        Organization.roster_id == row["organization_id"],
        Organization.npi == row["npi"] if row["npi"] else None,
        func.lower(Organization.name) == str(row["name"]).lower(),
    ):
        if condition is not None:
            found = session.scalars(select(Organization).where(condition)).first()
            if found is not None:
                return found
    return None


def import_roster(
    warehouse: Warehouse, session: Session, *, actor_person_id: int | None = None
) -> RosterImport:
    """Give every roster organization its app DB organization, in the session's transaction."""
    added: list[str] = []
    linked: list[str] = []
    skipped: list[str] = []
    by_roster_id: dict[str, Organization] = {}
    for row in roster_rows(warehouse):
        roster_id, name = str(row["organization_id"]), str(row["name"])
        kind = TYPES.get(str(row["organization_type"]))
        if kind is None:
            skipped.append(name)
            continue
        organization = _existing(session, row)
        if organization is None:
            organization = add_organization(
                session,
                name,
                kind,
                npi=row["npi"],
                tin=row["tin"],
                parent=by_roster_id.get(str(row["parent_organization_id"])),
            )
            added.append(name)
        elif organization.roster_id != roster_id:
            linked.append(name)
        organization.roster_id = roster_id
        by_roster_id[roster_id] = organization
    session.flush()
    if added or linked:
        record(
            session,
            AuditAction.IMPORT_ROSTER,
            actor_person_id=actor_person_id,
            target="organization roster",
            detail={"added": added, "linked": linked},
        )
    return RosterImport(added, linked, skipped)
