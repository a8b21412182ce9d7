"""`commontable publish`: a period's measure results, disclosure-controlled, from the warehouse to
the app DB.

Only `measure_result` aggregates cross. Disclosure control runs over everything the period
publishes at once (privacy.disclosure): small counts and enough other cells are hidden that an
attacker combining every published figure and relation can work out none of them, and the audit
that proves it is kept with the publication. A hidden cell's figures are written apart
(SuppressedResult), never into the published table. A period published again replaces its cells
in one transaction; the publication log keeps every run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from commontable.audit import AuditAction, record
from commontable.errors import UserError
from commontable.measures import CLINIC, HEALTH_PLAN, HOSPITAL, MEASURES, MEDICAL_GROUP
from commontable.members import Organization
from commontable.privacy import Decision, control, linked_tables
from commontable.publishing.cells import COLUMNS, FIGURES, SUPPRESSED
from commontable.publishing.models import (
    COMPLEMENTARY,
    PRIMARY,
    Publication,
    PublishedMeasure,
    PublishedResult,
    SuppressedResult,
)
from commontable.publishing.structure import structure
from commontable.warehouse import Warehouse

# Measures whose numerator only counts the people behind the figure (costs: members paid for).
COUNTED_NOT_SHOWN = frozenset(m.id for m in MEASURES.values() if m.is_cost)


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


MEMBER_ENTITIES = (CLINIC, MEDICAL_GROUP, HEALTH_PLAN, HOSPITAL)  # member organizations


def _members(session: Session) -> dict[str, tuple[int, str]]:
    """Member organizations by roster id (clinics, groups, hospitals) and by name (health plans,
    named as payers in their own eligibility), in lower case: their app DB id and name."""
    rows = session.execute(select(Organization.roster_id, Organization.id, Organization.name))
    members = [(roster_id, int(id_), name) for roster_id, id_, name in rows]
    by_name = {name.lower(): (id_, name) for _, id_, name in members}
    by_roster_id = {str(r).lower(): (id_, name) for r, id_, name in members if r is not None}
    return by_name | by_roster_id


def _none_for_nan(value: Any) -> Any:
    return None if isinstance(value, float) and value != value else value


def cell_rows(
    results: pd.DataFrame, organizations: Mapping[str, tuple[int, str]]
) -> list[dict[str, Any]]:
    """The rows to insert: each result with its member organization (`organizations`: by
    lower-case roster id or name), named as the app DB names it, not as submitted rows do;
    NaN as None."""
    member = (
        results["entity_id"]
        .str.lower()
        .map(dict(organizations))
        .where(results["entity_type"].isin(MEMBER_ENTITIES))
    )
    frame = results.assign(
        organization_id=member.map(lambda found: found[0], na_action="ignore"),
        entity_name=member.map(lambda found: found[1], na_action="ignore").fillna(
            results["entity_name"]
        ),
    )
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return [{str(k): _none_for_nan(v) for k, v in row.items()} for row in rows]


def _shown(row: dict[str, Any], hidden: bool) -> dict[str, Any]:
    """A cell as published: a hidden cell keeps who and what it is, nothing more."""
    if not hidden:
        return {**row, "suppressed": False}
    blank = dict.fromkeys(FIGURES)
    return {**row, **blank, "status": SUPPRESSED, "comparison": None, "suppressed": True}


def decide(warehouse: Warehouse, results: pd.DataFrame) -> Decision:
    """Which of the period's result cells to hide (privacy.disclosure.control)."""
    model = linked_tables(results, structure(results["measure_id"], medical_groups(warehouse)))
    return control(model)


def publish_period(
    warehouse: Warehouse,
    session: Session,
    period: int,
    *,
    published_by: str,
    actor_person_id: int | None = None,
) -> tuple[Publication, Decision]:
    """Publish the period's measure results into the app DB session's transaction; audited,
    with the person who asked for it when it was asked on the web."""
    results = period_results(warehouse, period)
    decision = decide(warehouse, results)
    _describe_measures(session, sorted(results["measure_id"].unique()))
    session.execute(delete(PublishedResult).where(PublishedResult.period == period))
    publication = Publication(
        period=period,
        published_by=published_by,
        results=len(results),
        suppressed=int(decision.hidden.sum()),
        primary_suppressed=int(decision.primary.sum()),
        audit={
            **asdict(decision.audit),
            "protection_programs": decision.protection_programs,
            "protection_seconds": round(decision.protection_seconds, 2),
        },
    )
    session.add(publication)
    session.flush()
    rows = cell_rows(results, _members(session))
    shown = [
        {**_shown(row, bool(hidden)), "publication_id": publication.id}
        for row, hidden in zip(rows, decision.hidden, strict=True)
    ]
    for row in shown:  # how many members had a payment is not a cost figure's to show
        if row["measure_id"] in COUNTED_NOT_SHOWN:
            row["numerator"] = None
    ids = session.scalars(
        insert(PublishedResult).returning(PublishedResult.id, sort_by_parameter_order=True), shown
    ).all()
    reasons = np.where(decision.primary, PRIMARY, COMPLEMENTARY)
    kept = [
        {
            "result_id": id_,
            "reason": str(reason),
            "status": row["status"],
            "comparison": row["comparison"],
            **{name: row[name] for name in FIGURES},
        }
        for id_, row, hidden, reason in zip(ids, rows, decision.hidden, reasons, strict=True)
        if hidden
    ]
    if kept:
        session.execute(insert(SuppressedResult), kept)
    record(
        session,
        AuditAction.PUBLISH_RESULTS,
        actor_person_id=actor_person_id,
        target=f"period {period}",
        detail={
            "results": publication.results,
            "suppressed": publication.suppressed,
            "primary": publication.primary_suppressed,
            "audit_passed": decision.audit.passed,
        },
    )
    return publication, decision
