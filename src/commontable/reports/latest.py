"""Where the latest report was built: a small file in the workspace, read by the web app."""

from __future__ import annotations

import json
from pathlib import Path

LATEST = "latest-report.json"


def record_latest(workspace: Path, site: Path, period: int) -> Path:
    """Note in the workspace that the report of `period` is at `site`; the note's path."""
    note = workspace / LATEST
    note.write_text(json.dumps({"period": period, "site": str(site.resolve())}, indent=2) + "\n")
    return note


def latest_site(workspace: Path) -> Path | None:
    """The folder of the latest report built for the workspace; None if there is none."""
    note = workspace / LATEST
    try:
        site = Path(json.loads(note.read_text())["site"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return site if site.is_dir() else None
