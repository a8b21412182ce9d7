"""The action plan: goals, targets, progress."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from commontable.cli.shared import Workspace, console, open_app_db, settings_of

if TYPE_CHECKING:
    from commontable.plans import GoalProgress

commands = typer.Typer()


plan_app = typer.Typer(help="The action plan: goals, targets, progress.", no_args_is_help=True)
commands.add_typer(plan_app, name="plan")


@plan_app.command("add")
def plan_add(
    title: Annotated[str, typer.Argument(help="the plan's title")],
    collaborative: Annotated[int, typer.Option(help="the collaborative's id")],
    start_year: Annotated[int, typer.Option(help="first year of the plan")],
    end_year: Annotated[int, typer.Option(help="last year of the plan")],
    active: Annotated[bool, typer.Option("--active", help="adopted already (not a draft)")] = False,
    workspace: Workspace = Path("."),
) -> None:
    """Start a collaborative's action plan (a draft unless --active); audited."""
    from commontable.audit import command_line_actor
    from commontable.members import get_collaborative
    from commontable.plans import PlanStatus, create_plan

    status = PlanStatus.ACTIVE if active else PlanStatus.DRAFT
    with open_app_db(workspace) as session:
        where = get_collaborative(session, collaborative)
        plan = create_plan(
            session,
            where,
            title,
            start_year=start_year,
            end_year=end_year,
            status=status,
            by=command_line_actor(),
        )
        said = f"plan {plan.id}: {plan.title} ({where.name}, {start_year}-{end_year}, {status})"
    console.print(said, markup=False, highlight=False)


@plan_app.command("add-goal")
def plan_add_goal(
    title: Annotated[str, typer.Argument(help="the goal, in words")],
    plan: Annotated[int, typer.Option("--plan", help="the plan's id")],
    measure: Annotated[str, typer.Option(help="a published measure's id, e.g. CMS125")],
    baseline_period: Annotated[int, typer.Option(help="the baseline's measurement year")],
    target: Annotated[str, typer.Option(help="target value, e.g. 75% or 0.75")],
    by: Annotated[
        datetime, typer.Option(formats=["%Y-%m-%d"], help="target date, e.g. 2027-12-31")
    ],
    entity_type: Annotated[str, typer.Option(help="clinic, health_plan, ...")] = "collaborative",
    entity_id: Annotated[str, typer.Option(help="the entity's id in the results")] = "",
    stratum_type: Annotated[str, typer.Option(help="age_band, sex, ...")] = "all",
    stratum: Annotated[str, typer.Option(help="the stratum, e.g. 50-64")] = "",
    workspace: Workspace = Path("."),
) -> None:
    """Set a goal on a published measure (custom measures: on the plan's page); audited."""
    from commontable.audit import command_line_actor
    from commontable.plans import add_goal, get_plan, goal_spec

    with open_app_db(workspace) as session:
        chosen = get_plan(session, plan)
        spec = goal_spec(
            session,
            title,
            baseline_period,
            target,
            by.date(),
            measure,
            entity_type=entity_type,
            entity_id=entity_id,
            stratum_type=stratum_type,
            stratum=stratum,
        )
        goal = add_goal(session, chosen, spec, by=command_line_actor())
        said = f"goal {goal.id} of plan {chosen.id}: {goal.title}"
    console.print(said, markup=False, highlight=False)


def _goal_figure(progress: GoalProgress, period: int | None, value: float | None) -> str:
    """A goal's value of a period for the table; * marks a cell the public does not see."""
    from commontable.plans import value_text

    if value is None or period is None:
        return "-"
    small = any(o.period == period and o.own_detail for o in progress.series)
    return f"{value_text(progress.unit, value)}{'*' if small else ''} ({period})"


@plan_app.command("progress")
def plan_progress(
    plan: Annotated[
        int | None, typer.Option("--plan", help="one plan's id; default: every plan but drafts")
    ] = None,
    public: Annotated[
        bool, typer.Option("--public", help="as the public sees it: small cells left out")
    ] = False,
    workspace: Workspace = Path("."),
) -> None:
    """Each goal with its baseline, latest value, target and whether it is on track, computed
    from published results; * marks a small cell the public does not see."""
    from commontable.members import Role
    from commontable.plans import goals_with_progress, share_text, value_text
    from commontable.privacy import Principal, sharing_rule
    from commontable.publishing import Reader

    settings = settings_of(workspace, None)
    # Whoever runs commands holds the app DB itself, so they see what its data stewards see.
    steward = Principal(0, frozenset({Role.STAFF, Role.DATA_STEWARD}), "the command line")
    reader = Reader(
        None if public else steward,
        sharing=sharing_rule(settings.report_cost_sharing),
        min_reliability=settings.report_min_reliability,
    )
    table = Table(title="Goals and their progress")
    columns = ("plan", "goal", "measure", "for", "baseline", "latest", "target", "of the way")
    for column in (*columns, "status"):
        table.add_column(column)
    with open_app_db(workspace) as session:
        found = goals_with_progress(session, plan_id=plan, reader=reader)
        for p in found:
            status = str(p.status) + (" (within 95% CI)" if p.within_interval else "")
            table.add_row(
                f"{p.plan_id}: {p.plan_title}",
                f"{p.goal_id}: {p.title}",
                p.measure_id or f"{p.measure_title} (custom)",
                p.scope.label,
                _goal_figure(p, p.baseline_period, p.baseline),
                _goal_figure(p, p.latest_period, p.latest),
                f"{value_text(p.unit, p.target)} by {p.target_date}",
                share_text(p.percent_of_way),
                status,
            )
    if not found:
        console.print("no goals yet: add them on a plan's page or with `commontable plan add-goal`")
        return
    console.print(table)
