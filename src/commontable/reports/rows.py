"""One line of a results table as the report shows it: figures, or why there are none."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from commontable.display import (
    Point,
    count_text,
    interval_text,
    number,
    per,
    rate_text,
    reliability_text,
)
from commontable.publishing import ResultCell, rank_among
from commontable.reports.published import PublicMeasure
from commontable.reports.verdicts import Verdict, group_verdict, verdict


@dataclass(frozen=True)
class Judge:
    """The reliability threshold a label needs (cells arrive from the reader with their hidden
    figures already blank and the reason said)."""

    min_reliability: float

    def hidden(self, cell: ResultCell) -> str | None:
        """Why the cell's figures are not shown; None: they are."""
        return cell.hidden

    def visible(self, cell: ResultCell) -> bool:
        return cell.shown


@dataclass(frozen=True)
class Row:
    """A result line: who, rate, 95% interval, count, reliability, verdict, or why hidden."""

    name: str
    href: str | None
    rate: str  # the bare figure: 71.0%, 575.0, $412.35
    rate_unit: str  # with its unit: 575.0 per 1,000 member-years, $412.35 PMPM
    interval: str
    count: str
    reliability: str
    verdict: Verdict
    hidden: str | None


def count_heading(measure: PublicMeasure) -> str:
    """What the count column counts for this kind of measure."""
    if per(measure) > 1:
        return "Member-years"
    if "cost" in measure.type.lower():
        return "Members"
    return "Eligible"


def row(
    cell: ResultCell,
    measure: PublicMeasure,
    judge: Judge,
    *,
    name: str | None = None,
    href: str | None = None,
    group: bool = False,
) -> Row:
    """The cell as a table line; `group` compares a group of people (an equity view) instead of
    a provider or plan."""
    hidden = judge.hidden(cell)
    label = name if name is not None else cell.entity_name
    if hidden is not None:
        return Row(label, href, "", "", "", "", "", Verdict(None, "Not rated"), hidden)
    count = cell.member_years if per(measure) > 1 else cell.denominator
    return Row(
        name=label,
        href=href,
        rate=number(measure, cell.rate),
        rate_unit=rate_text(measure, cell.rate),
        interval=interval_text(measure, cell.ci_low, cell.ci_high),
        count=count_text(count),
        reliability=reliability_text(cell.reliability),
        verdict=group_verdict(cell) if group else verdict(cell, judge.min_reliability),
        hidden=None,
    )


def best_first(
    cells: Sequence[ResultCell], measure: PublicMeasure, judge: Judge
) -> list[ResultCell]:
    """Shown cells best rate first (ties by name), then the hidden ones by name."""
    shown = [c for c in cells if judge.visible(c)]
    sign = -1.0 if measure.higher_is_better else 1.0
    shown.sort(key=lambda c: (sign * (c.rate or 0.0), c.entity_name, c.stratum))
    hidden = [c for c in cells if not judge.visible(c)]
    return shown + sorted(hidden, key=lambda c: (c.entity_name, c.stratum))


def points(
    cells: Sequence[ResultCell],
    judge: Judge,
    label: Callable[[ResultCell], str],
    *,
    group: bool = False,
) -> list[Point]:
    """Chart points of the shown cells (hidden cells are never drawn), labelled by `label`."""
    found = []
    for cell in cells:
        if not judge.visible(cell):
            continue
        said = group_verdict(cell) if group else verdict(cell, judge.min_reliability)
        assert cell.rate is not None
        found.append(Point(label(cell), cell.rate, cell.ci_low, cell.ci_high, said.kind))
    return found


def rank(cell: ResultCell, peers: Sequence[ResultCell], measure: PublicMeasure) -> str:
    """'3 of 12': its place among peers with a shown, reported rate (1 = best), as the explorer's
    scorecard ranks it; '' if unranked."""
    place, count = rank_among(cell, list(peers), measure.higher_is_better)
    return "" if place is None else f"{place} of {count}"
