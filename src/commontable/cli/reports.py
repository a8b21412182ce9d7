"""The public report and member scorecards."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from commontable.cli.shared import Workspace, console, open_app_db, progress_bar, settings_of

commands = typer.Typer()


report_app = typer.Typer(help="The public report and member scorecards.", no_args_is_help=True)
commands.add_typer(report_app, name="report")


@report_app.command("build")
def report_build(
    period: Annotated[int, typer.Option(help="the published measurement year to report")],
    out: Annotated[Path, typer.Option(help="folder for the site (replaced if a report)")],
    workspace: Workspace = Path("."),
    pdf: Annotated[bool, typer.Option(help="also print the report and scorecards as PDF")] = True,
) -> None:
    """Build the public report of a published period: a static site (HTML, CSS, SVG charts, no
    JavaScript) with member scorecards, and its PDFs; the web app serves it at /report/."""
    from datetime import date

    from commontable.privacy import sharing_rule
    from commontable.reports import ReportOptions, build_report, record_latest

    settings = settings_of(workspace)
    options = ReportOptions(
        period=period,
        as_of=date.today(),
        min_reliability=settings.report_min_reliability,
        sharing=sharing_rule(settings.report_cost_sharing),
        pdf=pdf,
    )
    with open_app_db(workspace) as session, progress_bar() as bar:
        task = bar.add_task("report", total=None)
        built = build_report(
            session, out, options, lambda step: bar.update(task, description=f"report: {step}")
        )
    record_latest(settings.workspace, built.site, built.period)
    printed = f", PDF {built.pdf_pages} pages ({built.pdf})" if built.pdf else ""
    console.print(
        f"report: {built.pages} pages, {built.charts} charts, {built.scorecards} scorecards, "
        f"{built.withheld} cost figures withheld{printed}, in {built.seconds:.0f} s; "
        f"open {built.site / 'index.html'} (or /report/ in the web app)",
        markup=False,
        highlight=False,
    )
