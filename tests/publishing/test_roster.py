"""The roster becomes member organizations, each known by its roster id."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from commontable.audit import AuditAction, entries
from commontable.members import OrganizationType, add_organization
from commontable.members.models import Organization
from commontable.publishing.roster import import_roster
from commontable.warehouse import Warehouse


def organizations(db: Session) -> dict[str, Organization]:
    return {o.roster_id or o.name: o for o in db.scalars(select(Organization))}


def test_every_roster_organization_of_a_known_type_is_added(
    warehouse: Warehouse, db: Session
) -> None:
    done = import_roster(warehouse, db)
    assert sorted(done.added) == [
        "Finger Lakes Health Plan",
        "Flower City Downtown",
        "Flower City Greece",
        "Flower City Medical Group",
    ]
    assert done.skipped == ["Someone Else"]


def test_a_clinic_gets_its_medical_group_as_parent(warehouse: Warehouse, db: Session) -> None:
    import_roster(warehouse, db)
    found = organizations(db)
    assert found["ORG-CLINIC-1"].parent is found["ORG-GRP-1"]
    assert found["ORG-CLINIC-1"].type == OrganizationType.CLINIC
    assert found["ORG-CLINIC-1"].npi == "1234567893"


def test_an_organization_already_there_is_linked_by_name(warehouse: Warehouse, db: Session) -> None:
    existing = add_organization(db, "finger lakes health plan", OrganizationType.HEALTH_PLAN)
    done = import_roster(warehouse, db)
    assert existing.roster_id == "ORG-PLAN-1"
    assert done.linked == ["Finger Lakes Health Plan"]


def test_importing_twice_changes_nothing(warehouse: Warehouse, db: Session) -> None:
    import_roster(warehouse, db)
    again = import_roster(warehouse, db)
    assert (again.added, again.linked) == ([], [])
    assert len(entries(db, action=AuditAction.IMPORT_ROSTER)) == 1
