"""The synthetic region: `commontable synth`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from commontable.cli.shared import Workspace, console, progress_bar
from commontable.errors import UserError

commands = typer.Typer()


@commands.command()
def synth(
    out: Annotated[
        Path | None, typer.Option(help="folder for the region (default: WORKSPACE/region)")
    ] = None,
    people: Annotated[int, typer.Option(min=100, help="number of people")] = 20_000,
    seed: Annotated[int, typer.Option(help="random seed; same seed, same files")] = 7,
    years: Annotated[str, typer.Option(help="calendar years, e.g. 2023-2025")] = "2023-2025",
    feed: Annotated[
        bool,
        typer.Option(
            "--feed", help="instead: replay a day of the region's ADT over MLLP (--mllp-port)"
        ),
    ] = False,
    mllp_port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="the listener's port (--feed)")
    ] = None,
    rate: Annotated[
        float,
        typer.Option(min=0.0, help="messages per second (--feed; 0: as fast as acknowledged)"),
    ] = 0.0,
    day: Annotated[
        str, typer.Option(help="the day to replay, YYYY-MM-DD (--feed; default: the last)")
    ] = "",
    wait: Annotated[
        float, typer.Option(min=0.0, help="seconds to wait for the listener (--feed)")
    ] = 30.0,
    workspace: Workspace = Path("."),
) -> None:
    """Generate a synthetic region: members' source files and the ground truth. With --feed,
    replay a day of the region's hospital ADT messages to a listener instead."""
    from commontable.synth import generate_region

    out = out or workspace / "region"
    if feed:
        if mllp_port is None:
            raise UserError("--feed sends to a listener: give its --mllp-port")
        _replay_day(out, mllp_port, rate, day, wait)
        return
    first, _, last = years.partition("-")
    try:
        span = (int(first), int(last or first))
    except ValueError as error:
        raise UserError(f"--years '{years}' should look like 2023-2025") from error
    with progress_bar() as bar:
        task = bar.add_task("synth", total=None)

        def report(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=total)

        summary = generate_region(people=people, seed=seed, out=out, years=span, progress=report)
    rows = sum(summary.files.values())
    console.print(
        f"synth: {summary.people:,} people, {summary.organizations} organizations, "
        f"{len(summary.files)} files, {rows:,} rows in {summary.seconds:.1f} s -> {out}"
    )


def _replay_day(region: Path, port: int, rate: float, day: str, wait: float) -> None:
    """A day of every HL7 ADT file of the region (sources/*/adt.hl7), in order, over MLLP."""
    import asyncio
    import socket
    import time

    from commontable.care import messages_in, replay_messages

    files = sorted((region / "sources").glob("*/adt.hl7"))
    if not files:
        raise UserError(f"{region}: no sources/*/adt.hl7 (generate the region first)")
    messages = [m for f in files for m in messages_in(f)]
    stamps = [_stamp(m) for m in messages]
    chosen = day.replace("-", "") or max(stamps)[:8]
    if len(chosen) != 8 or not chosen.isdigit():
        raise UserError(f"--day '{day}' should look like 2025-12-31")
    todays = [m for m, s in sorted(zip(messages, stamps, strict=True), key=lambda p: p[1])
              if s.startswith(chosen)]  # fmt: skip
    if not todays:
        raise UserError(f"no ADT message of {day} in {region}")
    deadline = time.monotonic() + wait
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise UserError(f"no listener on 127.0.0.1:{port} after {wait:.0f} s") from None
            time.sleep(0.2)
    replayed = asyncio.run(replay_messages(todays, "127.0.0.1", port, rate))
    console.print(f"{chosen[:4]}-{chosen[4:6]}-{chosen[6:]}: {replayed.summary()}", markup=False)


def _stamp(message: bytes) -> str:
    """MSH-7, the message's time (YYYYMMDDHHMMSS)."""
    fields = message.split(b"\r", 1)[0].decode(errors="replace").split("|")
    return fields[6] if len(fields) > 6 else ""
