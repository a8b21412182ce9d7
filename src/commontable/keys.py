"""Key files a workspace keeps outside its databases (the audit key, the secrets key): made once,
readable by their owner only."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def key_file(path: Path, make: Callable[[], bytes]) -> bytes:
    """The contents of `path` (surrounding white space stripped); when there is no such file
    yet, it is written first with what `make` returns, owner-only (0600)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(make())
    return path.read_bytes().strip()
