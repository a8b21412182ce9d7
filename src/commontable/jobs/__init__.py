"""Jobs: warehouse work (a submission's load, a match decision) that the web and the API queue
and one worker runs in turn, so that the warehouse has one writer and pages never wait for it."""

from commontable.jobs.models import Job, JobKind, JobStatus

__all__ = ["Job", "JobKind", "JobStatus"]
