"""The web application and its job worker."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from commontable.cli.shared import Workspace, console, settings_of

commands = typer.Typer()


@commands.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on; 0.0.0.0 for all")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="port to listen on")] = 8000,
    with_worker: Annotated[
        bool,
        typer.Option(
            "--worker/--no-worker",
            help="start the job worker beside the server (--no-worker: one runs elsewhere)",
        ),
    ] = True,
    workspace: Workspace = Path("."),
) -> None:
    """Serve the web application and the JSON API (/api) with uvicorn, the job worker, and the
    live ADT feeds the workspace configures (`care_feeds`)."""
    import uvicorn

    from commontable.care import feed_settings, start_feeds, stop_feeds
    from commontable.web import create_app

    settings = settings_of(workspace)
    feeds = feed_settings(settings.care_feeds)
    application = create_app(settings)
    worker = None
    if settings.jobs == "worker" and with_worker:
        from commontable.jobs import start_worker

        worker = start_worker(workspace)
    listeners = start_feeds(workspace, feeds)
    for feed in feeds:
        console.print(f"ADT feed of {feed.source} on MLLP port {feed.port}")
    console.print(f"CommonTable at http://{host}:{port}/ (API: /api/openapi.json); Ctrl+C stops")
    try:
        uvicorn.run(application, host=host, port=port, proxy_headers=True, log_level="info")
    finally:
        stop_feeds(listeners)  # each notifies and loads what has arrived, then stops
        if worker is not None:
            worker.terminate()  # it finishes the job it runs, then stops
            worker.wait()


@commands.command()
def worker(workspace: Workspace = Path(".")) -> None:
    """Run the jobs the web and the API queue (loads, match decisions) one at a time, each in
    the warehouse's turn; `serve` starts one. SIGTERM stops it after the job under way, Ctrl+C
    at once (a load under way is rolled back whole)."""
    from commontable.jobs import run_worker

    console.print("CommonTable worker: running queued jobs; Ctrl+C stops it")
    run_worker(settings_of(workspace))
