"""A job: work that writes the warehouse (a submission's load, a match decision, a matching or
measure run, publishing), queued by the web or the API and run in turn by the one worker; its
status and progress are kept here, in the app DB, so pages show them without the warehouse."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from commontable.appdb import Base, UTCDateTime, choice, utcnow


class JobKind(StrEnum):
    LOAD_SUBMISSION = "load-submission"
    DECIDE_MATCH = "decide-match"
    MATCH = "match"  # a matching run, as `commontable match`
    RUN_MEASURES = "run-measures"  # a period's measures, as `commontable measure run`
    PUBLISH = "publish"  # a period's results published, as `commontable publish`


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.DONE, JobStatus.FAILED)


class Job(Base):
    """One queued piece of warehouse work, who asked for it and what became of it."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[JobKind] = mapped_column(choice(JobKind, "kind"))
    status: Mapped[JobStatus] = mapped_column(
        choice(JobStatus, "status"), default=JobStatus.QUEUED, index=True
    )
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    api_token_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="SET NULL")
    )
    # what to do (file names, a pair of records); never patient values
    request: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    step: Mapped[str] = mapped_column(String(300), default="")
    done: Mapped[int] = mapped_column(Integer, default=0)  # rows read so far
    outcome: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    message: Mapped[str] = mapped_column(Text, default="")
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def seconds(self) -> float | None:
        """How long it ran (so far, while running)."""
        if self.started_at is None:
            return None
        return ((self.finished_at or utcnow()) - self.started_at).total_seconds()
