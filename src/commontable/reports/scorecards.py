"""Member scorecards: each organization's published results, its rank among peers of its type,
its trend, and its commitments in the action plan."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from commontable.display import number
from commontable.publishing import ENTITY_LABELS
from commontable.reports.goals import Commitment
from commontable.reports.pages import measure_path
from commontable.reports.published import ALL, Member, PublicMeasure, Published
from commontable.reports.rows import Judge, Row, rank, row


@dataclass(frozen=True)
class ScorecardLine:
    """One measure of a scorecard (one entity type: an organization may be reported as two)."""

    measure: PublicMeasure
    measure_path: str
    as_what: str  # e.g. "Clinics": whose peers it is ranked among
    result: Row
    whole: str
    rank: str
    trend: list[tuple[int, str]]


@dataclass(frozen=True)
class Scorecard:
    member: Member
    path: str
    pdf_path: str
    types: tuple[str, ...]  # the entity types it is reported as: clinic, health_plan...
    kinds: str  # the same in words: "clinic", "clinic, medical group"
    lines: list[ScorecardLine]
    commitments: list[Commitment]


def slug(member: Member) -> str:
    """A file name for the member's scorecard: its id and name, lower case, dashes."""
    words = re.sub(r"[^a-z0-9]+", "-", member.name.lower()).strip("-")
    return f"{member.id}-{words}"[:80].rstrip("-")


def scorecard_paths(published: Published) -> dict[int, str]:
    """Each organization with results this period -> its scorecard page (from the root)."""
    ids = {
        c.organization_id
        for c in published.cells
        if c.period == published.period and c.organization_id in published.members
    }
    return {i: f"scorecards/{slug(published.members[i])}.html" for i in sorted(ids)}


def _trend(
    published: Published, measure: PublicMeasure, judge: Judge, entity_type: str, entity_id: str
) -> list[tuple[int, str]]:
    found = []
    for period in published.periods:
        cell = next(
            (
                c
                for c in published.of(measure.measure_id, entity_type, ALL, period)
                if c.entity_id == entity_id
            ),
            None,
        )
        if cell is None:
            continue
        hidden = judge.hidden(cell)
        found.append((period, hidden or number(measure, cell.rate) or "no result"))
    return found


def scorecard(
    published: Published,
    member: Member,
    judge: Judge,
    path: str,
    commitments: Sequence[Commitment],
) -> Scorecard:
    """The organization's whole-population results this period, measure by measure."""
    own = sorted(
        (
            c
            for c in published.cells
            if c.organization_id == member.id
            and c.period == published.period
            and c.stratum_type == ALL
        ),
        key=lambda c: (c.measure_id, c.entity_type),
    )
    lines = []
    for cell in own:
        measure = published.measures.get(cell.measure_id)
        if measure is None:
            continue
        whole = published.whole(measure.measure_id)
        peers = published.of(measure.measure_id, cell.entity_type)
        lines.append(
            ScorecardLine(
                measure=measure,
                measure_path=measure_path(measure.measure_id),
                as_what=ENTITY_LABELS.get(cell.entity_type, cell.entity_type),
                result=row(cell, measure, judge, name=measure.title),
                whole="" if whole is None else (row(whole, measure, judge).rate or "not shown"),
                rank=rank(cell, peers, measure),
                trend=_trend(published, measure, judge, cell.entity_type, cell.entity_id),
            )
        )
    kinds = sorted({c.entity_type for c in own})
    return Scorecard(
        member=member,
        path=path,
        pdf_path=path.removesuffix(".html") + ".pdf",
        types=tuple(kinds),
        kinds=", ".join(k.replace("_", " ") for k in kinds),
        lines=lines,
        commitments=[c for c in commitments if c.organization_id == member.id],
    )
