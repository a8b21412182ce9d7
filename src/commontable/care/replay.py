"""Replaying a file of ADT messages to a live feed over MLLP at a chosen rate, as a hospital's
interface engine would send them: for the demo, for testing a listener, and for the feed's
benchmark (each acknowledgement's latency)."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import hl7.mllp
import numpy as np

from commontable.errors import UserError

MESSAGE_START = re.compile(r"(?:^|[\r\n]+)(?=MSH\|)")


def messages_in(path: Path) -> list[bytes]:
    """The messages of an HL7 v2 file (each begins at an MSH segment), segments ended by CR."""
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    text = path.read_bytes().decode("utf-8", errors="replace")
    found = []
    for piece in MESSAGE_START.split(text.replace("\x0b", "").replace("\x1c", "")):
        lines = [line for line in re.split(r"\r\n|\r|\n", piece) if line.strip()]
        if lines and lines[0].startswith("MSH|"):
            found.append(("\r".join(lines) + "\r").encode())
    if not found:
        raise UserError(f"{path}: no HL7 v2 message (a line beginning MSH|) in it")
    return found


@dataclass
class Replayed:
    """What came back: acknowledgement codes by count, and each message's round trip."""

    codes: dict[str, int] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)
    sent_at: list[float] = field(default_factory=list)  # time.perf_counter() at each send
    elapsed: float = 0.0

    def percentile(self, share: float) -> float:
        return float(np.percentile(self.seconds, share)) if self.seconds else float("nan")

    def summary(self) -> str:
        codes = ", ".join(f"{n} {code}" for code, n in sorted(self.codes.items()))
        rate = len(self.seconds) / self.elapsed if self.elapsed else float("nan")
        return (
            f"replayed {len(self.seconds)} messages in {self.elapsed:.1f} s ({rate:.0f}/s): "
            f"{codes}; acknowledgement p50 {self.percentile(50) * 1000:.1f} ms, "
            f"p99 {self.percentile(99) * 1000:.1f} ms"
        )


async def replay_messages(
    messages: Sequence[bytes], host: str, port: int, rate: float = 0.0
) -> Replayed:
    """Send `messages` over one connection, each after the last one's acknowledgement, at most
    `rate` per second (0: as fast as the acknowledgements come)."""
    try:
        reader, writer = await hl7.mllp.open_hl7_connection(host, port)
    except OSError as error:
        raise UserError(f"no listener at {host}:{port} ({error.strerror or error})") from None
    done = Replayed()
    start = time.perf_counter()
    try:
        for n, message in enumerate(messages):
            if rate > 0:
                due = start + n / rate
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
            sent = time.perf_counter()
            done.sent_at.append(sent)
            writer.writeblock(message)
            await writer.drain()
            ack = (await reader.readblock()).decode(errors="replace")
            done.seconds.append(time.perf_counter() - sent)
            code = _code(ack)
            done.codes[code] = done.codes.get(code, 0) + 1
    finally:
        writer.close()
        await writer.wait_closed()
    done.elapsed = time.perf_counter() - start
    return done


def _code(ack: str) -> str:
    for segment in re.split(r"[\r\n]+", ack):
        if segment.startswith("MSA|"):
            return segment.split("|")[1] or "?"
    return "?"
