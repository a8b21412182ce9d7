"""The live ADT feed: an MLLP listener (HL7 v2 over TCP, python-hl7's asyncio streams) that
acknowledges each message once it is safe on disk (AA) or kept with its reason (AE, AR); hands
the accepted ones on every fifth of a second to be notified (care.arrivals), and every second
in batches to be loaded like any submission; and sends what is due by email and webhook."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import hl7.mllp

from commontable.care.adt_messages import ACCEPT, acknowledgement, examine
from commontable.care.spool import Spool

log = logging.getLogger(__name__)
LoadBatch = Callable[[Path], None]  # loads a batch file; the file is removed when it returns
NotifyRound = Callable[[list[str]], object]  # makes accepted messages into notifications
Deliver = Callable[[], object]  # sends what is due by email and webhook


@dataclass
class FeedCounts:
    """What the listener has received since it started."""

    accepted: int = 0
    refused: int = 0
    batches: int = 0
    failed_batches: list[str] = field(default_factory=list)


class AdtFeed:
    """One listener: its spool, its batch loader, and what it has counted."""

    def __init__(
        self,
        spool: Spool,
        load_batch: LoadBatch,
        batch_seconds: float = 1.0,
        notify_round: NotifyRound | None = None,
        notify_seconds: float = 0.2,
        deliver: Deliver | None = None,
        deliver_seconds: float = 1.0,
    ) -> None:
        self.spool = spool
        self.load_batch = load_batch
        self.batch_seconds = batch_seconds
        self.notify_round = notify_round
        self.notify_seconds = notify_seconds
        self.deliver = deliver
        self.deliver_seconds = deliver_seconds
        self.counts = FeedCounts()
        self.stopping = asyncio.Event()
        # Accepted messages not notified yet: at start, those a stop or crash left unloaded.
        self.arrived: list[str] = spool.unloaded() if notify_round else []

    async def conversation(
        self, reader: hl7.mllp.HL7StreamReader, writer: hl7.mllp.HL7StreamWriter
    ) -> None:
        """Answer one sender's messages, one acknowledgement each, until it hangs up."""
        try:
            while True:
                try:
                    block = await reader.readblock()
                except asyncio.IncompleteReadError:
                    return  # the sender closed the connection
                except (ValueError, hl7.mllp.InvalidBlockError) as error:
                    log.warning("MLLP framing error from a sender: %s", error)
                    return
                writer.writeblock(self.receive(block))
                await writer.drain()
        finally:
            writer.close()

    def receive(self, block: bytes) -> bytes:
        """Keep one message (accepted in the spool, refused with its reason) and answer it."""
        examined = examine(block)
        if examined.code == ACCEPT:
            self.spool.keep(examined.text)
            self.counts.accepted += 1
            if self.notify_round is not None:
                self.arrived.append(examined.text)
        else:
            self.spool.refuse(examined.text, examined.code, examined.reason or "")
            self.counts.refused += 1
        return acknowledgement(examined)

    async def load_waiting(self) -> None:
        """Load every batch waiting, the spool's new messages last; a batch that fails stays
        for the next round (and the next start)."""
        self.spool.take()
        for batch in self.spool.waiting_batches():
            try:
                await asyncio.to_thread(self.load_batch, batch)
            except Exception as error:  # the feed goes on; the batch waits on disk
                log.exception("loading %s failed", batch)
                self.counts.failed_batches.append(f"{batch.parent.name}: {error}")
                return
            self.counts.batches += 1

    async def keep_loading(self) -> None:
        """Load what has arrived every `batch_seconds` until `stopping` is set, then once more.
        It is never cancelled in the middle of a load: a load runs in a thread, which
        cancelling would leave running beside the next."""
        while not self.stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), self.batch_seconds)
            await self.load_waiting()
        await self.load_waiting()  # what arrived while the last load ran

    async def notify_arrived(self) -> None:
        """Notify what has arrived since the last round; a round that fails is tried again."""
        if self.notify_round is None or not self.arrived:
            return
        taken, self.arrived = self.arrived, []
        try:
            await asyncio.to_thread(self.notify_round, taken)
        except Exception:  # the feed goes on; the messages wait for the next round
            log.exception("notifying %d messages failed", len(taken))
            self.arrived[:0] = taken

    async def deliver_due(self) -> None:
        """Send what is due by email and webhook; a round that fails is tried again later."""
        if self.deliver is None:
            return
        try:
            await asyncio.to_thread(self.deliver)
        except Exception:  # the feed goes on; what was not sent stays due
            log.exception("delivering notifications failed")

    async def keep_notifying(self) -> None:
        """Notify every `notify_seconds` and deliver every `deliver_seconds` until `stopping`
        is set, then once more."""
        loop = asyncio.get_running_loop()
        delivered_at = loop.time()
        while not self.stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), self.notify_seconds)
            await self.notify_arrived()
            if loop.time() - delivered_at >= self.deliver_seconds:
                await self.deliver_due()
                delivered_at = loop.time()
        await self.notify_arrived()
        await self.deliver_due()


async def serve_feed(
    feed: AdtFeed, host: str, port: int, started: asyncio.Event | None = None
) -> None:
    """Listen on host:port until cancelled; what is accepted is loaded before it returns."""
    server = await hl7.mllp.start_hl7_server(feed.conversation, host, port)
    loading = asyncio.create_task(feed.keep_loading())
    notifying = asyncio.create_task(feed.keep_notifying())
    if started is not None:
        started.set()
    try:
        async with server:
            await server.serve_forever()
    finally:
        feed.stopping.set()
        await notifying
        await loading  # the load under way ends, then what has arrived is loaded
