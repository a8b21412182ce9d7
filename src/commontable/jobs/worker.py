"""The one worker: takes jobs off the queue one at a time and runs each in the warehouse's
turn. `commontable serve` starts it as a child that ends when the server ends."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
from functools import partial
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import select

from commontable.appdb import require_current, transaction, utcnow
from commontable.audit import app_db_engine
from commontable.config import Settings
from commontable.errors import ConfigError, Conflict
from commontable.jobs.models import Job, JobStatus
from commontable.jobs.queue import incoming_folder, job_queue, runs_jobs
from commontable.jobs.work import run_job
from commontable.warehouse import die_with, writing

log = logging.getLogger(__name__)

WORKER_LOCK = "jobs/worker.lock"  # held by the running worker: one per workspace
INTERRUPTED = "interrupted: the worker stopped while it ran; nothing of it was kept, send it again"


def run_worker(settings: Settings) -> None:
    """Run queued jobs until stopped (SIGTERM after the job under way, Ctrl+C at once); jobs a
    stopped worker left running are marked failed first (their loads were rolled back whole)."""
    if settings.jobs == "immediate":
        raise ConfigError("jobs = 'immediate': the web runs its jobs itself; no worker is needed")
    only = FileLock(settings.resolve(WORKER_LOCK), mode=0o600)
    Path(only.lock_file).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        only.acquire(timeout=0)
    except Timeout as error:
        raise Conflict("a worker is already running for this workspace; one is enough") from error
    try:
        interrupted = fail_interrupted(settings)
        if interrupted:
            log.warning("%d job(s) left running by a stopped worker marked failed", interrupted)
        with writing(settings, refresh=False):
            pass  # the reading copy exists before the first page asks for it
        runs_jobs(run_job)
        queue, _run = job_queue(settings)
        # SIGTERM (serve ending, systemd, Linux when serve is killed) lets the job under way
        # finish; Ctrl+C stops at once (a load under way is rolled back whole).
        consumer = queue.create_consumer(
            workers=1, worker_type="thread", periodic=False, graceful_signal="TERM"
        )
        consumer.run()
    finally:
        only.release()


def fail_interrupted(settings: Settings) -> int:
    """Mark failed the jobs a worker that stopped was running; how many there were."""
    engine = app_db_engine(settings)
    try:
        require_current(engine)
        with transaction(engine) as session:
            running = session.scalars(select(Job).where(Job.status == JobStatus.RUNNING)).all()
            for job in running:
                job.status, job.message, job.step = JobStatus.FAILED, INTERRUPTED, "failed"
                job.finished_at = utcnow()
                shutil.rmtree(incoming_folder(settings, job.id), ignore_errors=True)
            return len(running)
    finally:
        engine.dispose()


def start_worker(workspace: Path) -> subprocess.Popen[bytes]:
    """`commontable worker` for `workspace` as a child process that Linux ends (SIGTERM, so
    the job it runs is rolled back cleanly) when this process ends, even killed."""
    command = [sys.executable, "-m", "commontable", "worker", "--workspace", str(workspace)]
    return subprocess.Popen(command, preexec_fn=partial(die_with, os.getpid(), signal.SIGTERM))
