"""What the public report may read: published aggregates as the public reader sees them
(publishing.reader: suppressed cells without figures, cost figures outside the sharing rule
withheld, labels only where reliable), so no later step can show more.

The report reads only the app DB's published results and member organizations; it never opens
the warehouse, so no patient-level row can reach it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commontable.errors import UserError
from commontable.members import Organization, OrganizationType
from commontable.publishing import (
    ALL,
    COLLABORATIVE,
    Publication,
    PublishedMeasure,
    Reader,
    ResultCell,
    read_cells,
)


@dataclass(frozen=True)
class PublicMeasure:
    """A published measure's description."""

    measure_id: str
    title: str
    type: str
    steward: str
    version: str
    source: str
    higher_is_better: bool


@dataclass(frozen=True)
class Member:
    """A member organization, for scorecards and for who owns which clinic."""

    id: int
    name: str
    type: str
    parent_id: int | None


Key = tuple[str, int, str, str]  # measure, period, entity type, stratum type


@dataclass
class Published:
    """Every published period up to the report's, indexed for the pages."""

    period: int
    measures: dict[str, PublicMeasure]
    periods: list[int]  # oldest first, up to the report's period
    published_at: datetime
    audit: dict[str, Any] | None  # the publication's attacker audit (privacy.disclosure)
    members: dict[int, Member]
    collaborative_name: str
    cells: list[ResultCell]
    _index: dict[Key, list[ResultCell]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        index: dict[Key, list[ResultCell]] = defaultdict(list)
        for cell in self.cells:
            index[(cell.measure_id, cell.period, cell.entity_type, cell.stratum_type)].append(cell)
        self._index = dict(index)

    def of(
        self, measure_id: str, entity_type: str, stratum_type: str = ALL, period: int | None = None
    ) -> list[ResultCell]:
        """The cells of one measure, entity type and stratum type in a period (default: the
        report's), in a stable order: by entity name, then stratum."""
        found = self._index.get((measure_id, period or self.period, entity_type, stratum_type), [])
        return sorted(found, key=lambda c: (c.entity_name, c.entity_id, c.stratum))

    def whole(self, measure_id: str, period: int | None = None) -> ResultCell | None:
        """The collaborative's result for everyone."""
        return next(iter(self.of(measure_id, COLLABORATIVE, ALL, period)), None)

    @property
    def baseline(self) -> int:
        """The earliest published period: the impact section's baseline."""
        return self.periods[0]


def _measure(row: PublishedMeasure) -> PublicMeasure:
    return PublicMeasure(
        row.measure_id,
        row.title,
        row.type,
        row.steward,
        row.version,
        row.source,
        row.higher_is_better,
    )


def _members(session: Session) -> dict[int, Member]:
    rows = session.scalars(select(Organization).order_by(Organization.id))
    return {o.id: Member(o.id, o.name, str(o.type.value), o.parent_id) for o in rows}


def collaborative_name(members: Iterable[Member]) -> str:
    """The backbone organization's name (the top one if several), else a plain description."""
    backbone = [m for m in members if m.type == OrganizationType.COLLABORATIVE.value]
    backbone.sort(key=lambda m: (m.parent_id is not None, m.id))
    return backbone[0].name if backbone else "The collaborative"


def read_published(session: Session, period: int, reader: Reader | None = None) -> Published:
    """Every published result up to `period` as the public (`reader`: the public under the given
    rules) sees it; the period must be published."""
    publication = session.scalars(
        select(Publication).where(Publication.period == period).order_by(Publication.id.desc())
    ).first()
    if publication is None:
        raise UserError(
            f"no published results for {period}: run `commontable publish --period {period}` first"
        )
    cells = read_cells(session, reader or Reader(), up_to_period=period)
    members = _members(session)
    return Published(
        period=period,
        measures={
            m.measure_id: _measure(m)
            for m in session.scalars(select(PublishedMeasure).order_by(PublishedMeasure.measure_id))
        },
        periods=sorted({c.period for c in cells}),
        published_at=publication.published_at,
        audit=publication.audit,
        members=members,
        collaborative_name=collaborative_name(members.values()),
        cells=cells,
    )
