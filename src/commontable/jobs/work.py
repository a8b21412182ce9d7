"""What a job does when its turn comes: load a submission's files, record and apply a match
decision, match, compute a period's measures or publish them; then what became of it, in the
job's record and the audit log."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from commontable.appdb import transaction, utcnow
from commontable.audit import AuditAction, app_db_engine, record
from commontable.care import copy_notices, reconcile, refresh_gaps
from commontable.config import Settings
from commontable.errors import InvalidSubmission, UserError
from commontable.identity import decide as decide_pair
from commontable.identity import match_people, parse_record
from commontable.jobs.models import Job, JobKind, JobStatus
from commontable.jobs.queue import Private, incoming_folder
from commontable.measures import run_measures
from commontable.members import Person, get_organization, own_payers, refused_tables
from commontable.publishing import publish_period
from commontable.warehouse import (
    Admission,
    SubmissionResult,
    limits_of,
    load_submission,
    upload_outcome,
    upload_target,
    writing,
)

log = logging.getLogger(__name__)

PROGRESS_EVERY = 1.0  # seconds between progress updates written to the job's record
UNEXPECTED = "the job failed unexpectedly; the worker's log has the details"


@dataclass
class Finished:
    """What a job did: its outcome for pages and the API, and the audit entry it leaves."""

    outcome: dict[str, Any]
    action: AuditAction | None  # None: the work wrote its own audit entry
    target: str
    detail: dict[str, Any] = field(default_factory=dict)
    failed: str = ""  # why it failed, for the job's message; empty when it did its work


Work = Callable[[Settings, Engine, Job, "Reporter", Private], Finished]


class Reporter:
    """Writes a running job's step and rows done to its record, at most once a second."""

    def __init__(self, engine: Engine, job_id: int) -> None:
        self.engine = engine
        self.job_id = job_id
        self._last = 0.0

    def __call__(self, step: str, done: int = 0, _total: int = 0, *, now: bool = False) -> None:
        if not now and time.monotonic() - self._last < PROGRESS_EVERY:
            return
        self._last = time.monotonic()
        with transaction(self.engine) as session:
            job = session.get(Job, self.job_id)
            if job is not None:
                job.step, job.done = step[:300], done


def run_job(settings: Settings, job_id: int, private: Private = None) -> None:
    """Run job `job_id` if it is still queued; whatever happens, its record says so after."""
    engine = app_db_engine(settings)
    try:
        with transaction(engine) as session:
            job = session.get(Job, job_id)
            if job is None or job.status is not JobStatus.QUEUED:
                return
            job.status, job.started_at = JobStatus.RUNNING, utcnow()
            job.step = "waiting for the warehouse's turn"
        report = Reporter(engine, job_id)
        try:
            finished = WORK[job.kind](settings, engine, job, report, private)
        except UserError as error:
            finished = Finished({}, AUDITED_AS[job.kind], f"job {job_id}", failed=str(error))
        except Exception:
            log.exception("job %s (%s) failed", job_id, job.kind)
            finished = Finished({}, AUDITED_AS[job.kind], f"job {job_id}", failed=UNEXPECTED)
        with transaction(engine) as session:
            _finish(session, session.get_one(Job, job_id), finished)
    finally:
        engine.dispose()


def _finish(session: Session, job: Job, finished: Finished) -> None:
    job.status = JobStatus.FAILED if finished.failed else JobStatus.DONE
    job.outcome = finished.outcome
    job.message = finished.failed or str(finished.outcome.get("message", ""))
    job.step = "failed" if finished.failed else "done"
    job.finished_at = utcnow()
    if finished.action is None:
        return
    detail: dict[str, Any] = {"job_id": job.id, **finished.detail}
    if finished.failed:
        detail["status"] = "failed"  # why is on the job: a message may name what was asked
    if job.api_token_id is not None:
        detail["api_token_id"] = job.api_token_id
    record(
        session,
        finished.action,
        actor_person_id=job.requested_by_id,
        organization_id=job.organization_id,
        target=finished.target,
        detail=detail,
    )


# --- loading a submission -------------------------------------------------------------------


def load_job(
    settings: Settings, engine: Engine, job: Job, report: Reporter, _private: Private
) -> Finished:
    """Load the uploaded files as one submission of the job's organization."""
    folder = incoming_folder(settings, job.id)
    try:
        with transaction(engine) as session:
            organization = get_organization(session, _organization_id(job))
            admission = Admission(
                refused_tables(organization), limits_of(settings), own_payers(organization)
            )
            source = organization.data_source
        with writing(settings, waiting=_waiting(report)) as store:
            report("loading", now=True)
            try:
                result = load_submission(store, folder, source, report, admission)
            except InvalidSubmission as error:
                result = SubmissionResult(None, source, "rejected", message=str(error))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    outcome = upload_outcome(result, job.request.get("files", []))
    detail = {k: v for k, v in outcome.items() if k not in ("submission_id", "data_source")}
    return Finished(outcome, AuditAction.UPLOAD_SUBMISSION, upload_target(result), detail)


def _organization_id(job: Job) -> int:
    if job.organization_id is None:
        raise UserError("the organization that sent these files is no longer a member")
    return job.organization_id


def _waiting(report: Reporter) -> Callable[[], None]:
    return lambda: report("waiting for the warehouse: another load or match is running", now=True)


# --- deciding on a pair of records ----------------------------------------------------------


def decide_job(
    settings: Settings, engine: Engine, job: Job, report: Reporter, private: Private
) -> Finished:
    """Record a reviewer's decision on a pair and apply it with the saved matching model (none
    yet: it applies on the next `commontable match`)."""
    if private is None or "left" not in private:
        raise UserError("the pair of records went missing from the queue; decide again")
    pair = (parse_record(private["left"]), parse_record(private["right"]))
    decision = job.request["decision"]
    with writing(settings, waiting=_waiting(report)) as store:
        report("recording the decision", now=True)
        decision_id = decide_pair(store, pair[0], pair[1], decision, private["reviewer"])
        model = settings.identity_model_path
        applied = model.exists()
        if applied:
            report("applying it: matching again with the saved model", now=True)
            match_people(store, model)
            reconcile(engine, store)
    outcome = {"decision_id": decision_id, "decision": decision, "applied": applied}
    detail = {"records": job.request.get("records", []), **outcome}
    return Finished(outcome, AuditAction.DECIDE_MATCH, f"match decision {decision_id}", detail)


# --- the pipeline: matching, measures, publishing -------------------------------------------


def match_job(
    settings: Settings, engine: Engine, job: Job, report: Reporter, _private: Private
) -> Finished:
    """Match every person record again (with the saved model; the first run trains it)."""
    with writing(settings, waiting=_waiting(report)) as store:
        result = match_people(
            store, settings.identity_model_path, progress=lambda step: report(step, now=True)
        )
        report("the live feed's events follow the match", now=True)
        late = reconcile(engine, store)
    outcome = {
        "records": result.records,
        "persons": result.persons,
        "feed_events_rekeyed": late.events,
        "late_notifications": late.notifications,
        "review": result.review,
        "trained": result.trained,
        "summary": result.summary(),
    }
    return Finished(outcome, AuditAction.RUN_MATCH, "matching", outcome)


def measures_job(
    settings: Settings, engine: Engine, job: Job, report: Reporter, _private: Private
) -> Finished:
    """Compute every measure of the library for the job's period, and the open care gaps."""
    period = int(job.request["period"])
    with writing(settings, refresh=True, waiting=_waiting(report)) as store:
        report("copying the care teams' notifications", now=True)
        copy_notices(engine, store)
        run = run_measures(store, period, progress=report)
        gaps = refresh_gaps(store)
    outcome = {
        "period": period,
        "measures": len(run.measures),
        "patient_rows": run.patient_rows,
        "result_rows": run.result_rows,
        "care_gaps": gaps,
        "summary": run.summary(),
    }
    return Finished(outcome, AuditAction.RUN_MEASURES, f"period {period}", outcome)


def publish_job(
    settings: Settings, engine: Engine, job: Job, report: Reporter, _private: Private
) -> Finished:
    """Publish the period's results (disclosure control and its audit, as `commontable
    publish`); publishing writes its own audit entry, naming who asked."""
    period = int(job.request["period"])
    with writing(settings, refresh=False, waiting=_waiting(report)) as store:
        report("publishing: disclosure control over every result cell", now=True)
        with transaction(engine) as session:
            asked_by = session.get(Person, job.requested_by_id) if job.requested_by_id else None
            done, decision = publish_period(
                store,
                session,
                period,
                published_by=asked_by.email if asked_by else "the web",
                actor_person_id=job.requested_by_id,
            )
    outcome = {
        "period": period,
        "results": done.results,
        "suppressed": done.suppressed,
        "audit_passed": decision.audit.passed,
        "summary": (
            f"{done.results:,} results for {period} published, {done.suppressed:,} hidden; "
            f"{decision.audit.summary()}"
        ),
    }
    return Finished(outcome, None, f"period {period}")


WORK: dict[JobKind, Work] = {
    JobKind.LOAD_SUBMISSION: load_job,
    JobKind.DECIDE_MATCH: decide_job,
    JobKind.MATCH: match_job,
    JobKind.RUN_MEASURES: measures_job,
    JobKind.PUBLISH: publish_job,
}
AUDITED_AS = {
    JobKind.LOAD_SUBMISSION: AuditAction.UPLOAD_SUBMISSION,
    JobKind.DECIDE_MATCH: AuditAction.DECIDE_MATCH,
    JobKind.MATCH: AuditAction.RUN_MATCH,
    JobKind.RUN_MEASURES: AuditAction.RUN_MEASURES,
    JobKind.PUBLISH: AuditAction.PUBLISH_RESULTS,
}
