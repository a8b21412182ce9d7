"""Care coordination from the command line: `commontable care listen` (the live ADT feed)."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path
from typing import Annotated

import typer

from commontable.cli.shared import WarehouseUrl, Workspace, console, open_warehouse, settings_of
from commontable.cli.warehouse import admissions_of, audit_loads
from commontable.config import Settings

commands = typer.Typer()
care_app = typer.Typer(help="Care coordination: the live ADT feed.", no_args_is_help=True)
commands.add_typer(care_app, name="care")
FEEDS = "care/feeds"  # in the workspace: one spool folder per sending member


@care_app.command("listen")
def care_listen(
    mllp_port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port for MLLP")],
    source: Annotated[str, typer.Option(help="the member sending this feed (its data source)")],
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    batch_seconds: Annotated[
        float, typer.Option(min=0.1, help="load what has arrived this often")
    ] = 1.0,
    time_zone: Annotated[
        str, typer.Option(help="the sender's time zone (HL7 times carry none)")
    ] = "America/Chicago",
    workspace: Workspace = Path("."),
    warehouse: WarehouseUrl = None,
) -> None:
    """Receive a hospital's ADT messages (A01, A02, A03, A04, A08, A11, A13) over MLLP: each is
    acknowledged AA once safe on disk, or AE/AR with the reason (and kept with it). Within a
    second, each event (ED visit, admission, discharge, transfer, death) notifies the care
    teams that follow the person, as their rules say; what is accepted is loaded like any
    submission, every `--batch-seconds`. Ctrl+C stops it after loading what has arrived."""
    import asyncio

    from commontable.appdb import require_current
    from commontable.audit import app_db_engine
    from commontable.care import AdtFeed, Arrivals, Spool, serve_feed, zone_of
    from commontable.errors import InvalidSubmission
    from commontable.warehouse import SubmissionResult, load_submission

    settings = settings_of(workspace, warehouse)
    admission = admissions_of(settings, [source])[source]
    spool = Spool(Path(settings.resolve(FEEDS)) / source)
    engine = app_db_engine(settings)
    require_current(engine)
    people = SourcePeople(settings, source)
    arrivals = Arrivals(engine, source, people.current, zone_of(time_zone))

    def load_batch(batch: Path) -> None:
        try:
            with open_warehouse(settings, changes_reading=True) as store:
                result = load_submission(store, batch.parent, source, None, admission)
        except InvalidSubmission as error:  # logged as rejected; the batch is kept aside
            result = SubmissionResult(None, source, "rejected", message=str(error))
            kept = spool.folder / "rejected-batches" / batch.parent.name
            kept.parent.mkdir(exist_ok=True, mode=0o700)
            shutil.move(batch.parent, kept)
        else:
            shutil.rmtree(batch.parent)
        audit_loads(settings, [result])
        people.refresh()
        console.print(result.summary(), markup=False, highlight=False)

    feed = AdtFeed(spool, load_batch, batch_seconds, arrivals.round)
    console.print(f"listening for {source}'s ADT feed on {host}:{mllp_port} (MLLP); Ctrl+C stops")
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C: what has arrived is loaded first
        asyncio.run(serve_feed(feed, host, mllp_port))
    engine.dispose()
    counts, notified = feed.counts, arrivals.notified
    console.print(
        f"feed stopped: {counts.accepted} accepted, {counts.refused} refused (kept in "
        f"{spool.folder}), {counts.batches} batches loaded; {notified.events} events, "
        f"{notified.notifications} notifications, {notified.retracted} retracted"
    )


class SourcePeople:
    """The feed's patient ids -> person ids as the last match left them, read again after a
    load when a minute has passed (a match may have run meanwhile)."""

    EVERY_SECONDS = 60.0

    def __init__(self, settings: Settings, source: str) -> None:
        self.settings, self.source = settings, source
        self.known: dict[str, str] = {}
        self.read_at = -self.EVERY_SECONDS
        self.refresh()

    def refresh(self) -> None:
        import time

        from commontable.identity import source_people

        if time.monotonic() - self.read_at < self.EVERY_SECONDS:
            return
        with open_warehouse(self.settings) as store:
            self.known = source_people(store, self.source)
        self.read_at = time.monotonic()

    def current(self) -> dict[str, str]:
        return self.known


@care_app.command("replay")
def care_replay(
    file: Annotated[Path, typer.Argument(help="a file of HL7 v2 ADT messages, e.g. synth's")],
    mllp_port: Annotated[int, typer.Option(min=1, max=65535, help="the listener's port")],
    host: Annotated[str, typer.Option(help="the listener's address")] = "127.0.0.1",
    rate: Annotated[
        float, typer.Option(min=0.0, help="messages per second (0: as fast as acknowledged)")
    ] = 0.0,
    limit: Annotated[int, typer.Option(min=0, help="send only the first N (0: all)")] = 0,
) -> None:
    """Send a file's ADT messages to a listener over MLLP, as a hospital's interface engine
    would (e.g. a synthetic region's `sources/HOSPITAL/adt.hl7`); says what came back and how
    long each acknowledgement took (p50, p99)."""
    import asyncio

    from commontable.care import messages_in, replay_messages

    messages = messages_in(file)
    chosen = messages[:limit] if limit else messages
    replayed = asyncio.run(replay_messages(chosen, host, mllp_port, rate))
    console.print(replayed.summary(), markup=False, highlight=False)
