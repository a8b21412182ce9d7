"""The live ADT feeds a workspace runs beside its web app (`care_feeds`: SOURCE:PORT each), each
a `commontable care listen` child process that Linux stops (SIGTERM: what has arrived is
notified and loaded first) when the process that started it ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from commontable.errors import ConfigError
from commontable.warehouse import die_with


@dataclass(frozen=True)
class FeedSetting:
    source: str
    port: int


def feed_settings(values: list[str]) -> list[FeedSetting]:
    """`care_feeds` read: SOURCE:PORT each, ports 1-65535, each port once."""
    found = []
    for value in values:
        source, colon, port = value.strip().rpartition(":")
        if not colon or not source or not port.isdigit() or not 0 < int(port) < 65536:
            raise ConfigError(
                f"care_feeds: '{value}' should be SOURCE:PORT, e.g. lakeside-general-hospital:2575"
            )
        found.append(FeedSetting(source, int(port)))
    ports = [feed.port for feed in found]
    if len(set(ports)) != len(ports):
        raise ConfigError("care_feeds: two feeds on one port")
    return found


def start_feeds(workspace: Path, feeds: list[FeedSetting]) -> list[subprocess.Popen[bytes]]:
    """One listener process per feed, for `workspace`."""
    return [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "commontable",
                "care",
                "listen",
                "--mllp-port",
                str(feed.port),
                "--source",
                feed.source,
                "--workspace",
                str(workspace),
            ],
            preexec_fn=partial(die_with, os.getpid(), signal.SIGTERM),
        )  # fmt: skip
        for feed in feeds
    ]


def stop_feeds(processes: list[subprocess.Popen[bytes]], timeout: float = 120.0) -> None:
    """Stop each listener as a service manager would (SIGTERM) and wait for it."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        process.wait(timeout=timeout)
