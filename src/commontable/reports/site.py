"""`commontable report build`: the public report as a static site (HTML, CSS, SVG, no script)
and PDFs, from published aggregates only.

The site is written to a folder beside the target and swapped in when complete, so a web
server never serves half a report; links are relative, so it works from a file system too.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from time import perf_counter
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy.orm import Session

from commontable.errors import UserError
from commontable.privacy import STATEMENT_6, SharingRule
from commontable.publishing import ENTITY_LABELS, WITHHELD, Reader
from commontable.reports.goals import public_commitments, public_goals
from commontable.reports.impact import impact
from commontable.reports.pages import Chart, glance, measure_page, reported_measures
from commontable.reports.pdf import write_pdf
from commontable.reports.published import Published, read_published
from commontable.reports.rows import Judge
from commontable.reports.scorecards import Scorecard, scorecard, scorecard_paths
from commontable.reports.summaries import goal_lines, impact_lines
from commontable.reports.verdicts import DEFAULT_MIN_RELIABILITY

HERE = Path(__file__).parent
MARKER = ".commontable-report"  # marks a folder this command wrote, which it may replace
PDF = "report.pdf"
# measures.statistics.MIN_DENOMINATOR: results with fewer are "too few" to compare (not imported:
# the statistics load slowly; a test holds the two equal).
MIN_DENOMINATOR = 30


@dataclass(frozen=True)
class ReportOptions:
    """What to build: the period, the day it is built for, and the collaborative's rules."""

    period: int
    as_of: date
    min_reliability: float = DEFAULT_MIN_RELIABILITY
    sharing: SharingRule = STATEMENT_6
    pdf: bool = True


@dataclass(frozen=True)
class BuiltReport:
    """Where the report went and what it holds."""

    site: Path
    period: int
    pages: int
    charts: int
    scorecards: int
    withheld: int
    pdf: Path | None
    pdf_pages: int
    seconds: float


@cache
def environment() -> Environment:
    """The report's templates: autoescaped, and a misspelt name is an error."""
    return Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


Progress = Callable[[str], None]  # what the build is doing, for a progress bar


class Writer:
    """Writes the site's pages and charts into a folder, counting them."""

    def __init__(
        self, folder: Path, common: dict[str, Any], progress: Progress | None = None
    ) -> None:
        self.folder = folder
        self.common = common
        self.pages: list[Path] = []
        self.charts = 0
        self.progress = progress or (lambda _step: None)

    def page(self, path: str, template: str, title: str, **values: Any) -> Path:
        target = self.folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        root = "../" * path.count("/")
        html = (
            environment()
            .get_template(template)
            .render(**self.common, root=root, title=title, **values)
        )
        target.write_text(html, encoding="utf-8")
        self.pages.append(target)
        self.progress(f"pages written: {len(self.pages)}")
        return target

    def chart(self, chart: Chart | None) -> None:
        if chart is None:
            return
        target = self.folder / chart.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(chart.svg, encoding="utf-8")
        self.charts += 1


def _staging(out: Path) -> Path:
    """A fresh folder beside `out` to build in; `out` must be empty, or a report built before."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise UserError(f"{out} exists and is not a report built before: choose another --out")
    staging = out.with_name(f".{out.name}.building")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    (staging / MARKER).write_text("built by `commontable report build`; replaced on rebuild\n")
    return staging


def _swap(staging: Path, out: Path) -> None:
    """Put the finished site at `out`, removing the report it replaces."""
    old = out.with_name(f".{out.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def _grouped(cards: list[Scorecard]) -> list[tuple[str, list[Scorecard]]]:
    """Scorecards by the kind of entity (the first, if several), in the explorer's order."""
    groups: dict[str, list[Scorecard]] = defaultdict(list)
    for card in cards:
        groups[card.types[0] if card.types else ""].append(card)
    order = [t for t in ENTITY_LABELS if t in groups] + sorted(set(groups) - set(ENTITY_LABELS))
    return [
        (ENTITY_LABELS.get(t, t or "Other"), sorted(groups[t], key=lambda c: c.member.name))
        for t in order
    ]


def _write_site(
    session: Session, published: Published, options: ReportOptions, writer: Writer
) -> tuple[list[Path], list[Scorecard], int]:
    """Every page and chart; the pages of the whole-report PDF, the scorecards, withheld cells."""
    withheld = sum(
        1 for c in published.cells if c.period == published.period and c.status == WITHHELD
    )
    judge = Judge(options.min_reliability)
    links = scorecard_paths(published)
    measures = reported_measures(published)
    in_pdf = [
        writer.page(
            "index.html",
            "index.html",
            "Results",
            current="index",
            glance=glance(published, measures, judge),
            goals=goal_lines(published, public_goals(session)),
        )
    ]
    for measure in measures:
        page = measure_page(published, measure, judge, links)
        for section in [*page.comparisons, *page.equity]:
            writer.chart(section.chart)
        writer.chart(page.trend_chart)
        in_pdf.append(
            writer.page(page.path, "measure.html", measure.title, current="measure", page=page)
        )
    cost, avoided = impact(published)
    in_pdf.append(
        writer.page(
            "impact.html",
            "impact.html",
            "Impact",
            current="impact",
            cost=cost,
            lines=impact_lines(avoided),
            baseline=published.baseline,
        )
    )
    in_pdf.append(
        writer.page(
            "methods.html",
            "methods.html",
            "Methods",
            current="methods",
            rule=options.sharing,
            min_denominator=MIN_DENOMINATOR,
            audit=published.audit,
        )
    )
    cards = [
        scorecard(published, published.members[i], judge, path, public_commitments(session, i))
        for i, path in links.items()
    ]
    for card in cards:
        writer.page(card.path, "scorecard.html", card.member.name, current="scorecards", card=card)
    writer.page(
        "scorecards/index.html",
        "scorecards.html",
        "Member scorecards",
        current="scorecards",
        groups=_grouped(cards),
    )
    return in_pdf, cards, withheld


def build_report(
    session: Session, out: Path, options: ReportOptions, progress: Progress | None = None
) -> BuiltReport:
    """Build the public report of `options.period` into `out` (replacing a report built there
    before) from the app DB's published results; `progress` hears each step."""
    start = perf_counter()
    public = Reader(
        sharing=options.sharing, as_of=options.as_of, min_reliability=options.min_reliability
    )
    published = read_published(session, options.period, public)
    staging = _staging(out)
    common = {
        "collaborative": published.collaborative_name,
        "period": published.period,
        "periods": published.periods,
        "published": f"{published.published_at:%d %B %Y}",
        "min_reliability": options.min_reliability,
        "pdf": options.pdf,
    }
    writer = Writer(staging, common, progress)
    try:
        in_pdf, cards, withheld = _write_site(session, published, options, writer)
        shutil.copyfile(HERE / "static" / "report.css", staging / "report.css")
        pdf_pages = 0
        if options.pdf:
            writer.progress("printing the report as PDF")
            pdf_pages = write_pdf(in_pdf, staging / PDF)
            for number, card in enumerate(cards, start=1):
                writer.progress(f"printing scorecards as PDF: {number} of {len(cards)}")
                write_pdf([staging / card.path], staging / card.pdf_path)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuiltReport(
        site=out,
        period=published.period,
        pages=len(writer.pages),
        charts=writer.charts,
        scorecards=len(cards),
        withheld=withheld,
        pdf=out / PDF if options.pdf else None,
        pdf_pages=pdf_pages,
        seconds=perf_counter() - start,
    )
