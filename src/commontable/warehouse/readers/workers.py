"""Processes that read a large submission side by side, and end when the load that started them
ends, even when it is killed (no orphans holding memory for minutes)."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1  # linux/prctl.h: the signal a process gets when its parent ends


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` processes started afresh (spawned: never a fork of a process running
    DuckDB's threads), children of the load itself, each set to be killed when the load ends.
    (A fork server would outlive a killed load, and its workers with it.)"""
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=die_with,
        initargs=(os.getpid(),),
    )


def die_with(parent: int, how: signal.Signals = signal.SIGKILL) -> None:
    """Ask Linux to end this process (with `how`) when the one that started it ends; if that
    happened already (while this one was starting), go now."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, how)
    if os.getppid() != parent:
        os._exit(1)
