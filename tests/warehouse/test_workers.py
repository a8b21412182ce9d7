"""The processes reading a large submission end with the load that started them, even when it
is killed: no orphans left holding memory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

PROBE = """
import time
from commontable.warehouse.readers.workers import worker_pool

if __name__ == "__main__":
    with worker_pool(2) as pool:
        busy = [pool.submit(time.sleep, 120) for _ in range(2)]
        time.sleep(3)  # both workers started and reading
        print(" ".join(str(p) for p in pool._processes), flush=True)
        time.sleep(120)
"""


def test_no_reading_worker_outlives_a_killed_load(tmp_path: Path) -> None:
    script = tmp_path / "load.py"
    script.write_text(PROBE)
    load = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert load.stdout is not None
    workers = [int(pid) for pid in load.stdout.readline().split()]
    assert len(workers) == 2
    assert all(psutil.pid_exists(pid) for pid in workers)
    os.kill(load.pid, signal.SIGKILL)
    load.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
