"""Publishing copies a period's aggregates to the app DB, disclosure-controlled, and nothing
else: a hidden cell's figures are kept apart, never in the published table."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session

from commontable.audit import AuditAction, entries
from commontable.errors import UserError
from commontable.members import Organization
from commontable.publishing.cells import FIGURES
from commontable.publishing.models import (
    Publication,
    PublishedMeasure,
    PublishedResult,
    SuppressedResult,
)
from commontable.publishing.publish import publish_period
from commontable.publishing.roster import import_roster
from commontable.warehouse import Warehouse
from tests.publishing.conftest import RESULTS, result, write_results


def cells(db: Session) -> dict[tuple[str, str, str], PublishedResult]:
    return {(c.entity_type, c.entity_id, c.stratum): c for c in db.scalars(select(PublishedResult))}


def reasons(db: Session) -> dict[tuple[str, str, str], str]:
    return {
        (c.result.entity_type, c.result.entity_id, c.result.stratum): c.reason
        for c in db.scalars(select(SuppressedResult))
    }


def test_every_result_of_the_period_is_published(warehouse: Warehouse, db: Session) -> None:
    publication, _ = publish_period(warehouse, db, 2025, published_by="staff")
    assert publication.results == len(RESULTS)
    assert len(cells(db)) == len(RESULTS)


def test_small_cells_and_their_complements_are_hidden(warehouse: Warehouse, db: Session) -> None:
    publication, _ = publish_period(warehouse, db, 2025, published_by="staff")
    assert reasons(db) == {
        ("clinic", "ORG-CLINIC-1", "all"): "primary",
        ("clinic", "ORG-CLINIC-2", "all"): "complementary",
    }
    assert (publication.suppressed, publication.primary_suppressed) == (2, 1)


def test_a_hidden_cells_figures_are_not_in_the_published_table(
    warehouse: Warehouse, db: Session
) -> None:
    publish_period(warehouse, db, 2025, published_by="staff")
    hidden = cells(db)[("clinic", "ORG-CLINIC-1", "all")]
    assert hidden.suppressed
    assert hidden.status == "suppressed"
    assert all(getattr(hidden, name) is None for name in FIGURES)
    assert hidden.comparison is None


def test_a_hidden_cells_figures_are_kept_apart(warehouse: Warehouse, db: Session) -> None:
    publish_period(warehouse, db, 2025, published_by="staff")
    hidden = cells(db)[("clinic", "ORG-CLINIC-1", "all")].hidden
    assert hidden is not None
    assert (hidden.denominator, hidden.numerator) == (8, 5)


def test_the_publication_keeps_its_attacker_audit(warehouse: Warehouse, db: Session) -> None:
    publication, decision = publish_period(warehouse, db, 2025, published_by="staff")
    assert decision.audit.passed
    assert publication.audit is not None
    assert publication.audit["unprotected"] == 0
    assert publication.audit["hidden_cells"] == 2


def test_no_patient_level_column_crosses() -> None:
    columns = {c.name for c in PublishedResult.__table__.columns}
    assert not columns & {"person_id", "member_id", "birth_date", "first_name", "last_name"}


def test_results_name_their_member_organization(warehouse: Warehouse, db: Session) -> None:
    import_roster(warehouse, db)
    publish_period(warehouse, db, 2025, published_by="staff")
    found = cells(db)
    assert found[("clinic", "ORG-CLINIC-1", "all")].organization_id is not None
    assert found[("collaborative", "collaborative", "all")].organization_id is None


def test_a_member_is_named_as_the_app_db_names_it_not_as_submitted_rows_do(
    warehouse: Warehouse, db: Session
) -> None:
    import_roster(warehouse, db)
    member = db.scalars(select(Organization).where(Organization.roster_id == "ORG-CLINIC-1")).one()
    member.name = "Riverside Clinic (as the collaborative names it)"
    publish_period(warehouse, db, 2025, published_by="staff")
    found = cells(db)[("clinic", "ORG-CLINIC-1", "all")]
    assert found.entity_name == "Riverside Clinic (as the collaborative names it)"


def test_the_measure_is_described_from_the_library(warehouse: Warehouse, db: Session) -> None:
    publish_period(warehouse, db, 2025, published_by="staff")
    measure = db.get(PublishedMeasure, "CMS125")
    assert measure is not None
    assert measure.title == "Breast Cancer Screening"
    assert measure.higher_is_better


def test_publishing_a_period_again_replaces_its_cells(warehouse: Warehouse, db: Session) -> None:
    publish_period(warehouse, db, 2025, published_by="staff")
    write_results(warehouse, [result("collaborative", "collaborative", 500, 260)])
    publish_period(warehouse, db, 2025, published_by="staff")
    assert [c.denominator for c in cells(db).values()] == [500]
    assert db.scalar(select(sa.func.count()).select_from(Publication)) == 2


def test_other_periods_stay_published(warehouse: Warehouse, db: Session) -> None:
    write_results(
        warehouse, [*RESULTS, result("collaborative", "collaborative", 300, 100, period=2024)]
    )
    publish_period(warehouse, db, 2024, published_by="staff")
    publish_period(warehouse, db, 2025, published_by="staff")
    assert {c.period for c in db.scalars(select(PublishedResult))} == {2024, 2025}


def test_a_period_never_measured_is_refused(warehouse: Warehouse, db: Session) -> None:
    with pytest.raises(UserError, match="measure run --period 2019"):
        publish_period(warehouse, db, 2019, published_by="staff")


def test_publishing_is_audited(warehouse: Warehouse, db: Session) -> None:
    publish_period(warehouse, db, 2025, published_by="staff")
    [entry] = entries(db, action=AuditAction.PUBLISH_RESULTS)
    assert entry.target == "period 2025"
