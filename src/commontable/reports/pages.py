"""The content of the index and the measure pages, as plain data for the templates.

Every figure comes from `Published` (read by the public reader: hidden figures already blank,
with the reason); paths are relative to the site's root.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from commontable.display import (
    interval_chart,
    is_cost,
    is_proportion,
    number,
    rate_text,
    trend_chart,
    unit,
)
from commontable.publishing import (
    ALL,
    COLLABORATIVE,
    COMPARED,
    ENTITY_LABELS,
    STRATUM_LABELS,
    ResultCell,
)
from commontable.reports.explanations import direction, explanation
from commontable.reports.published import PublicMeasure, Published
from commontable.reports.rows import Judge, Row, best_first, count_heading, points, row

# Whom the public report compares (issue 7), and the equity views of the collaborative.
EQUITY = ("race", "ethnicity", "payer_type", "county", "sdoh_risk")
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Chart:
    """An SVG chart file of the site, with the text that stands in for it."""

    path: str
    alt: str
    svg: str


@dataclass(frozen=True)
class Section:
    """A comparison table (and its chart): entities of one type, or groups of people."""

    id: str
    heading: str
    who: str  # the first column's heading: Clinic, Health plan, Race...
    caption: str
    rows: list[Row]
    chart: Chart | None


@dataclass(frozen=True)
class TrendLine:
    name: str
    href: str | None
    figures: list[str]


@dataclass(frozen=True)
class TrendTable:
    """Results over the published periods, one line per entity."""

    caption: str
    periods: list[int]
    lines: list[TrendLine]


@dataclass(frozen=True)
class MeasurePage:
    measure: PublicMeasure
    path: str
    explanation: str
    direction: str
    unit: str
    count_heading: str
    cost: bool
    whole: Row | None
    comparisons: list[Section]
    trend: TrendTable
    trend_chart: Chart | None
    entity_trends: list[TrendTable]
    equity: list[Section]


@dataclass(frozen=True)
class Glance:
    """A measure's line on the index: the collaborative's result now and in the period before."""

    measure: PublicMeasure
    path: str
    whole: Row | None
    before: str


def file_name(measure_id: str) -> str:
    """A measure id as a file name: CMS125, PQI-90 stay as they are; anything else is a dash."""
    return re.sub(r"[^A-Za-z0-9._-]", "-", measure_id).lstrip(".") or "measure"


def measure_path(measure_id: str) -> str:
    return f"measures/{file_name(measure_id)}.html"


def reported_measures(published: Published) -> list[PublicMeasure]:
    """The measures with results in the report's period, by id."""
    have = {c.measure_id for c in published.cells if c.period == published.period}
    return [m for key, m in sorted(published.measures.items()) if key in have]


def _figure(measure: PublicMeasure, cell: ResultCell | None, judge: Judge) -> str:
    if cell is None:
        return "not published"
    hidden = judge.hidden(cell)
    return hidden if hidden is not None else number(measure, cell.rate) or "no result"


def _in(measure: PublicMeasure) -> str:
    """What a table's bare figures are, for its caption: ' (per 1,000 member-years)'."""
    return "" if is_proportion(measure) else f" ({unit(measure)})"


def _stratum_name(stratum: str) -> str:
    if stratum == UNKNOWN:
        return "Unknown or not recorded"
    words = stratum.replace("_", " ")
    return words[:1].upper() + words[1:]


def _chart_alt(what: str, measure: PublicMeasure, shown: int, reference: str) -> str:
    return (
        f"Chart of {measure.title} for {shown} {what}: each rate as a dot with its 95% "
        f"interval as a line, and the whole collaborative's rate ({reference}) as a dashed "
        "line. The table below gives the same figures."
    )


def comparison(
    published: Published,
    measure: PublicMeasure,
    entity_type: str,
    judge: Judge,
    links: Mapping[int, str],
) -> Section | None:
    """The measure's results of one entity type this period, best first, with a chart."""
    cells = published.of(measure.measure_id, entity_type)
    if not cells:
        return None
    ordered = best_first(cells, measure, judge)
    whole = published.whole(measure.measure_id)
    reference = whole.rate if whole is not None and judge.visible(whole) else None
    found = points(ordered, judge, lambda c: c.entity_name)
    heading = ENTITY_LABELS.get(entity_type, entity_type)
    chart = None
    if found:
        chart = Chart(
            f"charts/{file_name(measure.measure_id)}-{entity_type}.svg",
            _chart_alt(heading.lower(), measure, len(found), rate_text(measure, reference)),
            interval_chart(
                found,
                title=f"{measure.title}: {heading.lower()}, {published.period}",
                axis_title=unit(measure).capitalize(),
                percent=is_proportion(measure),
                reference=reference,
            ),
        )
    rows = [row(c, measure, judge, href=links.get(c.organization_id or -1)) for c in ordered]
    caption = f"{measure.title}, {heading.lower()}, {published.period}, best first"
    who = heading.removesuffix("s") if entity_type != "county" else "County"
    return Section(entity_type, heading, who, caption, rows, chart)


def equity(
    published: Published, measure: PublicMeasure, stratum_type: str, judge: Judge
) -> Section | None:
    """The collaborative's result for groups of people (race, ethnicity, payer type, county,
    social risk)."""
    cells = published.of(measure.measure_id, COLLABORATIVE, stratum_type)
    if not cells:
        return None
    whole = published.whole(measure.measure_id)
    reference = whole.rate if whole is not None and judge.visible(whole) else None
    heading = STRATUM_LABELS.get(stratum_type, stratum_type)
    found = points(cells, judge, lambda c: _stratum_name(c.stratum), group=True)
    chart = None
    if found:
        chart = Chart(
            f"charts/{file_name(measure.measure_id)}-by-{stratum_type}.svg",
            _chart_alt(
                f"groups by {heading.lower()}", measure, len(found), rate_text(measure, reference)
            ),
            interval_chart(
                found,
                title=f"{measure.title} by {heading.lower()}, {published.period}",
                axis_title=unit(measure).capitalize(),
                percent=is_proportion(measure),
                reference=reference,
            ),
        )
    rows = [row(c, measure, judge, name=_stratum_name(c.stratum), group=True) for c in cells]
    caption = f"{measure.title} by {heading.lower()}, whole collaborative, {published.period}"
    return Section(f"by-{stratum_type}", f"By {heading.lower()}", heading, caption, rows, chart)


def _trend_line(
    published: Published,
    measure: PublicMeasure,
    judge: Judge,
    entity_type: str,
    entity_id: str,
    name: str,
    href: str | None,
) -> TrendLine:
    figures = []
    for period in published.periods:
        cells = published.of(measure.measure_id, entity_type, ALL, period)
        cell = next((c for c in cells if c.entity_id == entity_id), None)
        figures.append(_figure(measure, cell, judge))
    return TrendLine(name, href, figures)


def trends(
    published: Published, measure: PublicMeasure, judge: Judge, links: Mapping[int, str]
) -> tuple[TrendTable, Chart | None, list[TrendTable]]:
    """The collaborative's result over the periods (table and chart), and each entity's."""
    whole = _trend_line(
        published, measure, judge, COLLABORATIVE, COLLABORATIVE, "Whole collaborative", None
    )
    table = TrendTable(
        f"{measure.title}, whole collaborative, by period{_in(measure)}", published.periods, [whole]
    )
    found = []
    for period in published.periods:
        cell = published.whole(measure.measure_id, period)
        if cell is not None and judge.visible(cell):
            found.extend(points([cell], judge, lambda c: str(c.period)))
    chart = None
    if len(found) > 1:
        chart = Chart(
            f"charts/{file_name(measure.measure_id)}-trend.svg",
            f"Chart of the whole collaborative's {measure.title} in each published period "
            f"({', '.join(p.label for p in found)}), with 95% intervals. The table gives the "
            "same figures.",
            trend_chart(
                found,
                title=f"{measure.title}, whole collaborative",
                axis_title=unit(measure).capitalize(),
                percent=is_proportion(measure),
            ),
        )
    by_entity = []
    for entity_type in COMPARED:
        entities = {
            (c.entity_id, c.entity_name, c.organization_id)
            for c in published.cells
            if c.measure_id == measure.measure_id
            and c.entity_type == entity_type
            and c.stratum_type == ALL
        }
        if not entities or len(published.periods) < 2:
            continue
        lines = [
            _trend_line(published, measure, judge, entity_type, i, n, links.get(o or -1))
            for i, n, o in sorted(entities, key=lambda e: (e[1], e[0]))
        ]
        heading = ENTITY_LABELS.get(entity_type, entity_type).lower()
        by_entity.append(
            TrendTable(
                f"{measure.title}, {heading}, by period{_in(measure)}", published.periods, lines
            )
        )
    return table, chart, by_entity


def measure_page(
    published: Published, measure: PublicMeasure, judge: Judge, links: Mapping[int, str]
) -> MeasurePage:
    """Everything the measure's page shows."""
    whole = published.whole(measure.measure_id)
    comparisons = [comparison(published, measure, t, judge, links) for t in COMPARED]
    groups = [equity(published, measure, s, judge) for s in EQUITY]
    trend, trend_svg, entity_trends = trends(published, measure, judge, links)
    return MeasurePage(
        measure=measure,
        path=measure_path(measure.measure_id),
        explanation=explanation(measure),
        direction=direction(measure),
        unit=unit(measure),
        count_heading=count_heading(measure),
        cost=is_cost(measure),
        whole=None if whole is None else row(whole, measure, judge, name="Whole collaborative"),
        comparisons=[s for s in comparisons if s is not None],
        trend=trend,
        trend_chart=trend_svg,
        entity_trends=entity_trends,
        equity=[s for s in groups if s is not None],
    )


def glance(published: Published, measures: Sequence[PublicMeasure], judge: Judge) -> list[Glance]:
    """The index's table: each measure's collaborative result now and in the period before."""
    earlier = [p for p in published.periods if p < published.period]
    lines = []
    for measure in measures:
        whole = published.whole(measure.measure_id)
        before = ""
        if earlier:
            previous = published.whole(measure.measure_id, earlier[-1])
            before = f"{earlier[-1]}: {_figure(measure, previous, judge)}"
        lines.append(
            Glance(
                measure,
                measure_path(measure.measure_id),
                None if whole is None else row(whole, measure, judge, name=measure.title),
                before,
            )
        )
    return lines
