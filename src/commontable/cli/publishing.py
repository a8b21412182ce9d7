"""Publishing a period's results, with disclosure control."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from commontable.cli.shared import (
    WarehouseUrl,
    Workspace,
    console,
    open_app_db,
    open_warehouse,
    settings_of,
)

commands = typer.Typer()


@commands.command()
def publish(
    period: Annotated[int, typer.Option(help="measurement year, e.g. 2025")],
    workspace: Workspace = Path("."),
    warehouse: WarehouseUrl = None,
) -> None:
    """Publish a period's measure results to the app DB: aggregates only, small counts and enough
    other cells hidden that none can be worked out (checked by an attacker audit); replaces the
    period's earlier publication."""
    import getpass

    from commontable.publishing import publish_period as publish_results

    settings = settings_of(workspace, warehouse)
    with (
        console.status("publishing: disclosure control over every result cell..."),
        open_warehouse(settings) as store,
        open_app_db(workspace) as session,
    ):
        done, decision = publish_results(store, session, period, published_by=getpass.getuser())
        said = (
            f"publish: {done.results:,} results for {period}, {done.suppressed:,} hidden "
            f"({done.primary_suppressed:,} with counts of 1-10, "
            f"{done.suppressed - done.primary_suppressed:,} to protect them; "
            f"{decision.protection_programs:,} linear programs, "
            f"{decision.protection_seconds:.1f} s)\n{decision.audit.summary()}"
        )
    console.print(said)
