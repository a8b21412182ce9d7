"""Starting the worker: one per workspace, and none when jobs run inside requests."""

from __future__ import annotations

from pathlib import Path

import pytest
from filelock import FileLock

from commontable.config import load_settings
from commontable.errors import ConfigError, Conflict
from commontable.jobs.worker import WORKER_LOCK, run_worker


def test_a_second_worker_for_a_workspace_refuses_to_start(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, jobs="worker")
    held = FileLock(settings.resolve(WORKER_LOCK))
    Path(held.lock_file).parent.mkdir(parents=True)
    with held, pytest.raises(Conflict, match="a worker is already running"):
        run_worker(settings)


def test_no_worker_is_needed_when_jobs_run_inside_requests(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no worker is needed"):
        run_worker(load_settings(tmp_path, jobs="immediate"))
