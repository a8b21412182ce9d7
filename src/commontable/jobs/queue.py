"""The job queue: huey, kept in a SQLite file in the workspace. The web and the API put jobs on
it once their record is committed; `commontable worker` (started by `serve`) takes them off one
at a time. With `jobs = "immediate"` a job runs inside the request that queued it instead."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from huey import Huey, SqliteHuey
from huey.api import TaskWrapper
from sqlalchemy import event
from sqlalchemy.orm import Session

from commontable.config import Settings

QUEUE_FILE = "jobs/queue.db"
INCOMING = "jobs/incoming"  # uploaded files wait here (owner-only) for their load
# What a job needs and the app DB must not keep (a pair's patient ids): it travels on the queue
# only, in the workspace beside the warehouse, and is gone once the job has run.
Private = Mapping[str, str] | None
Runner = Callable[[Settings, int, Private], None]

_queues: dict[tuple[str, str, str], tuple[Huey, TaskWrapper]] = {}
_runner: list[Runner] = []  # what runs a job: set by the web app and the worker (`runs_jobs`)


def runs_jobs(runner: Runner) -> None:
    """Say what runs a job (`commontable.jobs.work.run_job`); the queue knows only its name, so
    the parts that queue jobs need not import all the work a job may do."""
    _runner[:] = [runner]


def incoming_folder(settings: Settings, job_id: int) -> Path:
    """Where a load job's uploaded files wait for their turn."""
    return Path(settings.resolve(INCOMING)) / str(job_id)


def job_queue(settings: Settings) -> tuple[Huey, TaskWrapper]:
    """The workspace's queue, and its one task: run job N with these settings."""
    path = Path(settings.resolve(QUEUE_FILE))
    key = (str(path.resolve()), settings.app_db, settings.jobs)
    if key not in _queues:
        immediate = settings.jobs == "immediate"
        if not immediate:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        queue = SqliteHuey("commontable", filename=str(path), immediate=immediate, results=False)

        def run(job_id: int, private: Private = None) -> None:
            if not _runner:
                raise RuntimeError("no job runner: call runs_jobs(run_job) at start-up")
            _runner[0](settings, job_id, private)

        _queues[key] = (queue, queue.task(name="run_job")(run))
    return _queues[key]


def enqueue_when_committed(
    session: Session, settings: Settings, job_id: int, private: Private = None
) -> None:
    """Put the job on the queue once the session commits its record: the worker never looks
    for a job that is not there, and a request that failed queues nothing."""

    def put(_session: Session) -> None:
        _queue, task = job_queue(settings)
        task(job_id, dict(private) if private else None)

    event.listen(session, "after_commit", put, once=True)
