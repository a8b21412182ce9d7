"""`commontable publish`: a period's measure results, suppressed, from the warehouse to the app DB.

Only `measure_result` aggregates cross; the cells of small numbers are marked suppressed
(privacy.suppression) and every reader but the entity's own organization gets them blank.
A period published again replaces its cells in one transaction; the publication log keeps
every run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from commontable.errors import UserError
from commontable.measures.library import MEASURES
from commontable.members.models import Organization
from commontable.privacy.audit import AuditAction, record
from commontable.privacy.suppression import suppress
from commontable.publishing.models import Publication, PublishedMeasure, PublishedResult
from commontable.warehouse import Warehouse

COLUMNS = (
    "measure_id",
    "period",
    "entity_type",
    "entity_id",
    "entity_name",
    "stratum_type",
    "stratum",
    "denominator",
    "numerator",
    "member_years",
    "rate",
    "ci_low",
    "ci_high",
    "reliability",
    "expected",
    "oe_ratio",
    "oe_low",
    "oe_high",
    "risk_standardised_rate",
    "member_months",
    "paid_amount",
    "status",
    "comparison",
)


def period_results(warehouse: Warehouse, period: int) -> pd.DataFrame:
    """The period's rows of measure_result; a period never measured is the user's to fix."""
    results = warehouse.table("measure_result")
    found = results.filter(results.period == period).select(*COLUMNS).to_pandas()
    if found.empty:
        raise UserError(
            f"no measure results for {period}: run `commontable measure run --period {period}` "
            "first"
        )
    return found


def medical_groups(warehouse: Warehouse) -> dict[str, str]:
    """Each clinic's medical group on the roster (clinic id -> medical group id)."""
    roster = warehouse.table("organization")
    clinics = roster.filter(roster.parent_organization_id.notnull())
    pairs = clinics.select("organization_id", "parent_organization_id").distinct().to_pyarrow()
    return dict(zip(*(pairs[c].to_pylist() for c in pairs.column_names), strict=True))


def _describe_measures(session: Session, ids: list[str]) -> None:
    """Keep published_measures in step with the library for the measures being published."""
    for measure_id in ids:
        measure = MEASURES.get(measure_id)
        row = session.get(PublishedMeasure, measure_id) or PublishedMeasure(measure_id=measure_id)
        row.title = measure.title if measure else measure_id
        row.type = measure.type if measure else "unknown"
        row.steward = measure.steward if measure else ""
        row.version = measure.version if measure else ""
        row.source = measure.source if measure else ""
        row.higher_is_better = measure.higher_is_better if measure else True
        session.add(row)
    session.flush()


def _organizations_by_roster_id(session: Session) -> dict[str, int]:
    query = select(Organization.roster_id, Organization.id).where(
        Organization.roster_id.isnot(None)
    )
    return {str(roster_id): int(id_) for roster_id, id_ in session.execute(query)}


def _none_for_nan(value: Any) -> Any:
    return None if isinstance(value, float) and value != value else value


def cell_rows(
    results: pd.DataFrame, suppression: pd.Series, organizations: Mapping[str, int]
) -> list[dict[str, Any]]:
    """The rows to insert: each result with its suppression and its member organization."""
    frame = results.assign(
        suppression=suppression.to_numpy(),
        organization_id=results["entity_id"].map(dict(organizations)),
    )
    frame["organization_id"] = frame["organization_id"].where(
        frame["entity_type"] != "collaborative"
    )
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return [{str(k): _none_for_nan(v) for k, v in row.items()} for row in rows]


def publish(
    warehouse: Warehouse, session: Session, period: int, *, published_by: str
) -> Publication:
    """Publish the period's measure results into the app DB session's transaction."""
    results = period_results(warehouse, period)
    suppression = suppress(results, medical_groups(warehouse))
    _describe_measures(session, sorted(results["measure_id"].unique()))
    session.execute(delete(PublishedResult).where(PublishedResult.period == period))
    publication = Publication(
        period=period,
        published_by=published_by,
        results=len(results),
        suppressed=int(suppression.notna().sum()),
    )
    session.add(publication)
    session.flush()
    rows = cell_rows(results, suppression, _organizations_by_roster_id(session))
    session.execute(
        insert(PublishedResult), [{**row, "publication_id": publication.id} for row in rows]
    )
    record(
        session,
        AuditAction.PUBLISH_RESULTS,
        target=f"period {period}",
        detail={"results": publication.results, "suppressed": publication.suppressed},
    )
    return publication
