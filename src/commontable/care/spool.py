"""Where the live feed keeps what it receives before it is loaded: each accepted message is
appended to the spool and synced to disk before its AA goes back, so an acknowledged message
survives a crash; each refused one is kept with its reason, never lost."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

ACCEPTED = "accepted.hl7"
REFUSED = "refused.jsonl"


class Spool:
    """The feed's folder: accepted messages waiting for their load, refused ones with reasons,
    and the batches taken for loading."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.batches = folder / "batches"
        self.batches.mkdir(parents=True, exist_ok=True, mode=0o700)

    def _append(self, name: str, text: str) -> None:
        descriptor = os.open(self.folder / name, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(descriptor, text.encode())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def keep(self, message: str) -> None:
        """Keep an accepted message (segments ended by CR; a blank line between messages)."""
        self._append(ACCEPTED, message.rstrip("\r") + "\r\r")

    def refuse(self, message: str, code: str, reason: str) -> None:
        """Keep a refused message with its acknowledgement code and reason."""
        received = datetime.now(UTC).isoformat(timespec="seconds")
        line = {"received_at": received, "code": code, "reason": reason, "message": message}
        self._append(REFUSED, json.dumps(line) + "\n")

    def take(self) -> Path | None:
        """The accepted messages so far as a batch file for loading (None: there are none);
        messages that arrive meanwhile start a new spool."""
        waiting = self.folder / ACCEPTED
        if not waiting.exists() or waiting.stat().st_size == 0:
            return None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        batch = self.batches / stamp / "adt.hl7"
        batch.parent.mkdir(mode=0o700)
        os.replace(waiting, batch)
        return batch

    def waiting_batches(self) -> list[Path]:
        """Batches taken but not loaded yet (a crash between taking and loading), oldest first."""
        return sorted(self.batches.glob("*/adt.hl7"))

    def unloaded(self) -> list[str]:
        """Every accepted message not loaded yet (waiting batches, then the spool), in order:
        what a restart notifies again (notifying is idempotent)."""
        files = [*self.waiting_batches(), self.folder / ACCEPTED]
        texts = [path.read_text() for path in files if path.exists()]
        return [message for text in texts for message in text.split("\r\r") if message.strip()]

    def refused(self) -> list[dict[str, str]]:
        """The refused messages, oldest first."""
        path = self.folder / REFUSED
        lines = path.read_text().splitlines() if path.exists() else []
        return [json.loads(line) for line in lines]
