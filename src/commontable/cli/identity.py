"""Matching people across members: link, match, the review queue."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from commontable.cli.shared import (
    WarehouseUrl,
    Workspace,
    app_db_if_any,
    audit_cli,
    console,
    open_app_db,
    open_reading,
    open_warehouse,
    progress_bar,
    say_none_yet,
    settings_of,
)
from commontable.errors import UserError

if TYPE_CHECKING:
    from commontable.config import Settings
    from commontable.warehouse import Warehouse

commands = typer.Typer()


@commands.command()
def link(
    a: Annotated[Path, typer.Argument(help="person file (CSV) to dedupe, or the first to link")],
    id_column: Annotated[str, typer.Option(help="column with each record's id")],
    map_: Annotated[
        str,
        typer.Option(
            "--map",
            help="SOURCE_COL=FIELD,... (fields: first_name, last_name, birth_date, sex, "
            "address, address_2, city, state, zip, phone, ssn); columns mapped to one "
            "field are joined with a space",
        ),
    ],
    out: Annotated[Path, typer.Option(help="CSV to write: record_id, source, person_id, ...")],
    b: Annotated[Path | None, typer.Argument(help="second person file to link with A")] = None,
    threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="match probability that joins two records")
    ] = 0.9,
    truth: Annotated[
        str | None,
        typer.Option(
            help="regex whose first group in record_id names the true person (FEBRL: "
            "'rec-(\\d+)-'); prints pairwise precision, recall and F1"
        ),
    ] = None,
) -> None:
    """Match people: dedupe one person file or link two (Splink on DuckDB) into person_ids."""
    import time

    from commontable.identity import link_files, parse_mapping, score, truth_from_ids
    from commontable.spreadsheets import write_csv

    started = time.perf_counter()
    clusters = link_files(a, b, id_column, parse_mapping(map_), threshold)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_csv(clusters, out)
    people = len(clusters["person_id"].unique())
    console.print(
        f"link: {clusters.num_rows:,} records, {people:,} people in "
        f"{time.perf_counter() - started:.1f} s -> {out}"
    )
    if truth is not None:
        console.print(f"link: {score(clusters, truth_from_ids(clusters, truth)).summary()}")


@commands.command()
def match(
    threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="match probability that joins two records")
    ] = 0.9,
    review_band: Annotated[
        float,
        typer.Option(min=0.0, max=1.0, help="pairs from here up to the threshold go to review"),
    ] = 0.5,
    retrain: Annotated[
        bool, typer.Option(help="estimate the model again instead of reusing the saved one")
    ] = False,
    rebuild: Annotated[
        bool, typer.Option(help="forget existing person ids and cluster from scratch")
    ] = False,
    evaluate: Annotated[
        Path | None,
        typer.Option(help="a synthetic region folder: score the result against its truth"),
    ] = None,
    workspace: Workspace = Path("."),
    warehouse: WarehouseUrl = None,
) -> None:
    """Link every source's person records into one person_id (deterministic rules, then Splink)."""
    from commontable.identity import match_people, score_crosswalk, truth_of_region

    settings = settings_of(workspace, warehouse)
    truth = truth_of_region(evaluate) if evaluate is not None else None
    with open_warehouse(settings, changes_reading=True) as store, progress_bar() as bar:
        task = bar.add_task("match", total=None)
        result = match_people(
            store,
            settings.identity_model_path,
            threshold=threshold,
            review_low=review_band,
            retrain=retrain,
            rebuild=rebuild,
            progress=lambda step: bar.update(task, description=f"match: {step}"),
        )
        crosswalk = store.table("person_crosswalk").to_pyarrow() if truth is not None else None
        late = _reconcile_care(settings, store)
    console.print(result.summary())
    if late:
        console.print(late)
    if truth is not None and crosswalk is not None:
        console.print(f"match: {score_crosswalk(crosswalk, truth).summary()}")


def _reconcile_care(settings: Settings, store: Warehouse) -> str:
    """The live feed's events follow the match (care.after_match); what changed, or ""."""
    from commontable.care import reconcile

    with app_db_if_any(settings) as engine:
        done = reconcile(engine, store) if engine is not None else None
    if done is None or not done.events:
        return ""
    return (
        f"care: {done.events:,} feed events now with their matched person, "
        f"{done.notifications:,} late notifications"
    )


review_app = typer.Typer(help="Pairs of person records a reviewer decides.", no_args_is_help=True)
commands.add_typer(review_app, name="review")


@review_app.command("list")
def review_list(
    limit: Annotated[int, typer.Option(help="pairs to show")] = 50,
    workspace: Workspace = Path("."),
    warehouse: WarehouseUrl = None,
) -> None:
    """Show the pairs waiting for review (from the last `commontable match`), best first, as
    the web's match review orders them; audited."""
    from commontable.audit import AuditAction
    from commontable.identity import pair_count, review_pairs

    settings = settings_of(workspace, warehouse)
    with open_reading(settings) as store:
        waiting = pair_count(store)
        pairs = review_pairs(store, limit=limit)
    with open_app_db(settings.workspace) as session:
        audit_cli(session, AuditAction.VIEW_MATCH_REVIEW, "match review", pairs_shown=len(pairs))
    if not waiting:
        say_none_yet("pairs waiting for review", "`commontable match` puts uncertain pairs here")
        return
    table = Table(title=f"Match review: {waiting:,} pairs")
    for column in ("record", "person", "record", "person", "probability", "reason"):
        table.add_column(column)
    for pair in pairs:
        probability = pair.match_probability
        table.add_row(
            pair.left.key,
            pair.left.person_id,
            pair.right.key,
            pair.right.person_id,
            "" if probability is None else f"{probability:.3f}",
            pair.reason,
        )
    console.print(table)


@review_app.command("decide")
def review_decide(
    left: Annotated[str, typer.Argument(help="DATA_SOURCE:SOURCE_PERSON_ID")],
    right: Annotated[str, typer.Argument(help="DATA_SOURCE:SOURCE_PERSON_ID")],
    same: Annotated[
        bool | None,
        typer.Option("--same/--different", help="the same person (merge) or not (split)"),
    ] = None,
    by: Annotated[str, typer.Option(help="who decided (kept with the decision)")] = "",
    note: Annotated[str, typer.Option(help="why")] = "",
    workspace: Workspace = Path("."),
    warehouse: WarehouseUrl = None,
) -> None:
    """Record that two records are the same person or not, and apply it (stable ids kept);
    audited as the web's decisions are, naming the records by opaque reference."""
    from commontable.audit import AuditAction, record_reference
    from commontable.identity import decide, match_people, parse_record

    if same is None:
        raise UserError("say --same or --different")
    if not by:
        raise UserError("say who decided with --by NAME")
    settings = settings_of(workspace, warehouse)
    pair = (parse_record(left), parse_record(right))
    decision = "same" if same else "different"
    with open_warehouse(settings, changes_reading=True) as store:
        number = decide(store, pair[0], pair[1], decision, by, note)
        result = match_people(store, settings.identity_model_path)
        late = _reconcile_care(settings, store)
    with open_app_db(settings.workspace) as session:
        references = [record_reference(session, f"{s}:{i}") for s, i in pair]
        audit_cli(
            session,
            AuditAction.DECIDE_MATCH,
            f"match decision {number}",
            records=references,
            decision=decision,
            decision_id=number,
            applied=True,
        )
    console.print(f"decision {number} recorded ({left} {decision} {right}) and applied")
    console.print(result.summary())
    if late:
        console.print(late)
