"""Jobs: warehouse work (a submission's load, a match decision) that the web and the API queue
and one worker runs in turn, so that the warehouse has one writer and pages never wait for it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from commontable.faces import offer

if TYPE_CHECKING:
    from commontable.jobs.models import Job, JobKind, JobStatus
    from commontable.jobs.queue import runs_jobs
    from commontable.jobs.work import run_job
    from commontable.jobs.worker import run_worker, start_worker

__all__ = [
    "Job",
    "JobKind",
    "JobStatus",
    "run_job",
    "run_worker",
    "runs_jobs",
    "start_worker",
]
__getattr__, __dir__ = offer(__name__, __all__)
