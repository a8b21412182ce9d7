"""The job queue: huey, kept in a SQLite file in the workspace. The web and the API put jobs on
it once their record is committed; `commontable worker` (started by `serve`) takes them off one
at a time. With `jobs = "immediate"` a job runs inside the request that queued it instead."""

from __future__ import annotations

from pathlib import Path

from huey import Huey, SqliteHuey
from huey.api import TaskWrapper
from sqlalchemy import event
from sqlalchemy.orm import Session

from commontable.config import Settings
from commontable.jobs.work import Private, run_job

QUEUE_FILE = "jobs/queue.db"

_queues: dict[tuple[str, str, str], tuple[Huey, TaskWrapper]] = {}


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
            run_job(settings, job_id, private)

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
