"""The one reader of published results: every face (explorer, downloads, API, scorecards, plans,
the public report) reads cells through it, so each applies the same rules in the same place:

1. suppression: a suppressed cell's figures live apart (SuppressedResult) and are read only for
   the cell's own organization and the collaborative's data stewards (privacy.access);
2. the sharing rule for price and cost figures (privacy.safety_zone, Statement 6 by default): a
   cost figure outside the safety zone is withheld, but from its own organization and the
   data stewards;
3. the label: "better" / "worse" / "average" only where the published comparison (against the
   rest of the collaborative, false discovery rate controlled) is reliable enough, so every face
   says the same thing about the same cell.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, selectinload

from commontable.members import Organization
from commontable.privacy import (
    STATEMENT_6,
    Contributors,
    Principal,
    SharingRule,
    is_data_steward,
    may_see_own_detail,
    withheld_because,
)
from commontable.publishing.cells import (
    COLLABORATIVE,
    COST,
    REPORTED,
    SHOWN,
    SUPPRESSED,
    SUPPRESSED_TEXT,
    WITHHELD,
    ResultCell,
)
from commontable.publishing.models import PublishedMeasure, PublishedResult

DEFAULT_MIN_RELIABILITY = 0.7  # Adams et al., NEJM 2010;362:1014-21 (reports.verdicts)


@dataclass(frozen=True)
class Reader:
    """Who reads, and by which rules: the principal (None: the public), its organization and the
    organizations under it, the sharing rule for cost figures on a day, the reliability a label
    needs."""

    principal: Principal | None = None
    family: frozenset[int] = frozenset()
    sharing: SharingRule = STATEMENT_6
    as_of: date = field(default_factory=date.today)
    min_reliability: float = DEFAULT_MIN_RELIABILITY

    def sees_own_detail(self, organization_id: int | None) -> bool:
        return may_see_own_detail(self.principal, organization_id, self.family)

    @property
    def may_see_some_detail(self) -> bool:
        return bool(self.family) or is_data_steward(self.principal)


def reader_for(
    session: Session,
    principal: Principal | None,
    *,
    sharing: SharingRule = STATEMENT_6,
    as_of: date | None = None,
    min_reliability: float = DEFAULT_MIN_RELIABILITY,
) -> Reader:
    """The reader `principal` is (None: the public), with its organization's family."""
    family: frozenset[int] = frozenset()
    if principal is not None:
        own = principal.organization_id
        query = select(Organization.id).where(
            or_(Organization.id == own, Organization.parent_id == own)
        )
        family = frozenset(session.scalars(query))
    return Reader(principal, family, sharing, as_of or date.today(), min_reliability)


def _figures(source: Any) -> dict[str, Any]:
    return {name: getattr(source, name) for name in SHOWN}


def _is_cost(measure: PublishedMeasure | None) -> bool:
    return measure is not None and (measure.type == COST or "cost" in measure.type.lower())


def _reliable_enough(reliability: float | None, minimum: float) -> bool:
    return reliability is not None and not math.isnan(reliability) and reliability >= minimum


def verdict(cell: ResultCell, min_reliability: float) -> str | None:
    """The label a face may give: the comparison, where the cell is shown, enough people, and for
    a provider's or plan's result, reliable enough (Adams et al. 2010); a collaborative group of
    people (an equity view) needs no reliability."""
    if cell.hidden is not None or cell.status != REPORTED or cell.comparison is None:
        return None
    if cell.entity_type == COLLABORATIVE:
        return cell.comparison
    return cell.comparison if _reliable_enough(cell.reliability, min_reliability) else None


def seen(row: PublishedResult, reader: Reader, measure: PublishedMeasure | None) -> ResultCell:
    """A published row as `reader` may see it (the rules of the module docstring)."""
    own = reader.sees_own_detail(row.organization_id)
    base = ResultCell(
        measure_id=row.measure_id,
        period=row.period,
        entity_type=row.entity_type,
        entity_id=row.entity_id,
        entity_name=row.entity_name,
        organization_id=row.organization_id,
        stratum_type=row.stratum_type,
        stratum=row.stratum,
        status=row.status,
        comparison=row.comparison,
        verdict=None,
        hidden=None,
        own_detail=False,
        adjustment=row.adjustment,
    )
    if row.suppressed:
        kept = row.hidden if own else None  # read only for those who may see it
        if kept is None:
            return replace(base, status=SUPPRESSED, comparison=None, hidden=SUPPRESSED_TEXT)
        cell = replace(
            base,
            status=kept.status,
            comparison=kept.comparison,
            own_detail=True,
            **_figures(kept),
        )
        return replace(cell, verdict=verdict(cell, reader.min_reliability))
    cell = replace(base, **_figures(row))
    if _is_cost(measure):
        contributors = (
            None
            if row.providers is None
            else Contributors(row.providers, row.largest_provider_share)
        )
        reason = withheld_because(reader.sharing, row.period, reader.as_of, contributors)
        if reason is not None:
            if not own:
                return replace(base, status=WITHHELD, comparison=None, hidden=f"Withheld: {reason}")
            cell = replace(cell, own_detail=True)
    return replace(cell, verdict=verdict(cell, reader.min_reliability))


def _query(
    *,
    measure_id: str | None,
    period: int | None,
    up_to_period: int | None,
    entity_type: str | None,
    entity_types: Iterable[str] | None,
    entity_id: str | None,
    stratum_type: str | None,
    stratum: str | None,
    organization_id: int | None,
    with_hidden: bool,
) -> Select[PublishedResult]:
    query = select(PublishedResult)
    conditions = {
        PublishedResult.measure_id: measure_id,
        PublishedResult.period: period,
        PublishedResult.entity_type: entity_type,
        PublishedResult.entity_id: entity_id,
        PublishedResult.stratum_type: stratum_type,
        PublishedResult.stratum: stratum,
        PublishedResult.organization_id: organization_id,
    }
    for column, value in conditions.items():
        if value is not None:
            query = query.where(column == value)
    if up_to_period is not None:
        query = query.where(PublishedResult.period <= up_to_period)
    if entity_types is not None:
        query = query.where(PublishedResult.entity_type.in_(list(entity_types)))
    if with_hidden:
        query = query.options(selectinload(PublishedResult.hidden))
    return query


def read_cells(
    session: Session,
    reader: Reader,
    *,
    measure_id: str | None = None,
    period: int | None = None,
    up_to_period: int | None = None,
    entity_type: str | None = None,
    entity_types: Iterable[str] | None = None,
    entity_id: str | None = None,
    stratum_type: str | None = None,
    stratum: str | None = None,
    organization_id: int | None = None,
) -> list[ResultCell]:
    """The published cells matching the filters, as `reader` may see them."""
    query = _query(
        measure_id=measure_id,
        period=period,
        up_to_period=up_to_period,
        entity_type=entity_type,
        entity_types=entity_types,
        entity_id=entity_id,
        stratum_type=stratum_type,
        stratum=stratum,
        organization_id=organization_id,
        with_hidden=reader.may_see_some_detail,
    )
    measures = {m.measure_id: m for m in session.scalars(select(PublishedMeasure))}
    return [seen(row, reader, measures.get(row.measure_id)) for row in session.scalars(query)]
