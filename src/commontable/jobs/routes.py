"""Jobs on the web and the JSON API: an upload is saved and queued as a load job, and its page
(or `GET /api/jobs/N`) follows it from queued to done, with the submission it made.

A job's page shows no patient values: file names, row counts, a decision's number.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from datetime import datetime
from pathlib import PurePosixPath
from typing import Annotated, Any, BinaryIO

from fastapi import APIRouter, File, Form, Security, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy import select

from commontable.appdb import MAX_ID, utcnow
from commontable.errors import NotFound, UserError
from commontable.jobs.models import Job, JobKind, JobStatus
from commontable.jobs.queue import Private, enqueue_when_committed, incoming_folder
from commontable.members import Organization, get_organization
from commontable.routing import Context, RouteContext, bearer

pages = APIRouter(include_in_schema=False)
uploads = APIRouter(include_in_schema=False)  # mounted with the upload size limit
api = APIRouter(prefix="/api", tags=["jobs"], dependencies=[Security(bearer)])
api_uploads = APIRouter(prefix="/api", tags=["submissions"], dependencies=[Security(bearer)])

FILES = Annotated[list[UploadFile], File(description="one or more files of one submission")]
POLL_SECONDS = 2  # how often a job's page asks for news while the job runs
PRIVATE_KINDS = frozenset({JobKind.DECIDE_MATCH})  # followed only by who asked for them


def queue_job(
    context: RouteContext,
    kind: JobKind,
    organization_id: int,
    request: dict[str, Any],
    private: Private = None,
) -> Job:
    """Record a job for the caller and queue it once the request's work is committed."""
    principal = context.signed_in
    job = Job(
        kind=kind,
        status=JobStatus.QUEUED,
        organization_id=organization_id,
        requested_by_id=principal.person_id,
        api_token_id=principal.token_id,
        request=request,
        step="queued",
        done=0,
        outcome={},
        message="",
    )
    context.session.add(job)
    context.session.flush()
    enqueue_when_committed(context.session, context.settings, job.id, private)
    return job


def find_job(context: RouteContext, job_id: int) -> Job | None:
    """Job `job_id`, if there is one (a number no row id can be is none)."""
    return context.session.get(Job, job_id) if 1 <= job_id <= MAX_ID else None


def organization_of_job(context: RouteContext, job_id: int) -> int | None:
    """The organization a job was asked for (for the access policy); None if unknown."""
    job = find_job(context, job_id)
    return job.organization_id if job is not None else None


def _job_or_404(context: RouteContext, job_id: int) -> Job:
    """The job, for whoever may follow it: a match decision's job only for the reviewer who
    made it (why it failed may name the records); for others it is not there."""
    job = find_job(context, job_id)
    private = job is not None and job.kind in PRIVATE_KINDS
    if job is None or (private and job.requested_by_id != context.signed_in.person_id):
        raise NotFound(f"no job {job_id}")
    return job


# --- receiving files ----------------------------------------------------------------------


def _file_name(upload: UploadFile) -> str:
    """The uploaded file's own name, without any folder a browser or client sent along."""
    name = PurePosixPath((upload.filename or "").replace("\\", "/")).name
    if not name or name.startswith("."):
        raise UserError(
            f"'{upload.filename}' is not a file name to load; name files after their table, "
            "e.g. eligibility.csv"
        )
    return name


def _receive(context: RouteContext, organization: Organization, files: list[UploadFile]) -> Job:
    """Save the uploaded files where their load job will find them, and queue it."""
    if not files:
        raise UserError("choose at least one file to upload")
    names = [_file_name(upload) for upload in files]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise UserError(f"two files are named {', '.join(twice)}; send each file once")
    return queue_load(
        context, organization, {name: u.file for name, u in zip(names, files, strict=True)}
    )


def queue_load(
    context: RouteContext, organization: Organization, files: Mapping[str, BinaryIO]
) -> Job:
    """Queue the load of these files (name -> content) as one submission of `organization`."""
    job = queue_job(context, JobKind.LOAD_SUBMISSION, organization.id, {"files": sorted(files)})
    folder = incoming_folder(context.settings, job.id)
    folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    shutil.rmtree(folder, ignore_errors=True)  # left by a job of a database since reset
    folder.mkdir(mode=0o700)
    for name, content in files.items():
        descriptor = os.open(folder / name, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            shutil.copyfileobj(content, out)
    return job


@uploads.post("/organizations/{organization_id}/submissions", name="submissions.upload")
def upload_submission(context: Context, organization_id: int, files: FILES) -> Response:
    """Queue the files' load; the job's page follows it."""
    organization = get_organization(context.session, organization_id)
    job = _receive(context, organization, files)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


# --- the pipeline: matching, measures, publishing from the web -----------------------------

RECENT = 25  # jobs listed on the pipeline page
Period = Annotated[int, Form(ge=2000, le=2100, description="measurement year")]


@pages.get("/pipeline", name="jobs.pipeline")
def pipeline_page(context: Context) -> HTMLResponse:
    """Staff start matching, a period's measures and publishing here, and see the last jobs."""
    shown = select(Job).where(Job.kind.not_in(PRIVATE_KINDS))
    recent = context.session.scalars(shown.order_by(Job.id.desc()).limit(RECENT)).all()
    return context.page("jobs/pipeline.html", jobs=recent, year=utcnow().year - 1)


def _pipeline_job(context: RouteContext, kind: JobKind, request: dict[str, Any]) -> Response:
    job = queue_job(context, kind, context.signed_in.organization_id, request)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@pages.post("/pipeline/match", name="jobs.run_match")
def run_match(context: Context) -> Response:
    """Match every person record again, as `commontable match`."""
    return _pipeline_job(context, JobKind.MATCH, {})


@pages.post("/pipeline/measures", name="jobs.run_measures")
def run_measures(context: Context, period: Period) -> Response:
    """Compute every measure for a period, as `commontable measure run`."""
    return _pipeline_job(context, JobKind.RUN_MEASURES, {"period": period})


@pages.post("/pipeline/publish", name="jobs.publish")
def publish(context: Context, period: Period) -> Response:
    """Publish a period's results, as `commontable publish`."""
    return _pipeline_job(context, JobKind.PUBLISH, {"period": period})


# --- following a job ------------------------------------------------------------------------


def _view(job: Job) -> dict[str, Any]:
    return {"job": job, "poll": POLL_SECONDS, "finished": job.status.finished}


@pages.get("/jobs/{job_id}", name="jobs.detail")
def job_page(context: Context, job_id: int) -> HTMLResponse:
    job = _job_or_404(context, job_id)
    organization = (
        get_organization(context.session, job.organization_id) if job.organization_id else None
    )
    return context.page("jobs/detail.html", organization=organization, **_view(job))


@pages.get("/jobs/{job_id}/status", name="jobs.status")
def job_status(context: Context, job_id: int) -> HTMLResponse:
    """The job's status box, for the page to poll; once the load is done, HTMX goes on to the
    submission it made."""
    job = _job_or_404(context, job_id)
    answer = context.page("jobs/_status.html", **_view(job))
    submission = job.outcome.get("submission_id") if job.status is JobStatus.DONE else None
    if submission and job.outcome.get("status") == "loaded":
        answer.headers["HX-Redirect"] = f"/submissions/{submission}"
    return answer


# --- JSON API -------------------------------------------------------------------------------


class JobOut(BaseModel):
    """A job: queued, running (with its step and rows read so far), done or failed; when done,
    what it made (a load: the submission's id, status and row counts)."""

    job_id: int
    kind: str
    status: str
    step: str
    rows_read: int
    queued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    outcome: dict[str, Any]
    message: str
    url: str


def job_out(job: Job) -> JobOut:
    return JobOut(
        job_id=job.id,
        kind=job.kind.value,
        status=job.status.value,
        step=job.step,
        rows_read=job.done,
        queued_at=job.queued_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        outcome=job.outcome,
        message=job.message,
        url=f"/api/jobs/{job.id}",
    )


@api_uploads.post(
    "/submissions",
    name="api.submit",
    status_code=202,
    response_model=JobOut,
)
def api_submit(context: Context, files: FILES) -> JSONResponse:
    """Submit files for the caller's organization (the API token's): 202 with the load job;
    follow `url` (`GET /api/jobs/N`) until its status is done, then its outcome says what the
    intake made of them (loaded, unchanged, or rejected with the reason)."""
    organization = get_organization(context.session, context.signed_in.organization_id)
    job = _receive(context, organization, files)
    body = job_out(job).model_dump(mode="json")
    return JSONResponse(body, status_code=202, headers={"Location": body["url"]})


@api.get("/jobs/{job_id}", name="api.job")
def api_job(context: Context, job_id: int) -> JobOut:
    """A job's status and, once done, its outcome."""
    return job_out(_job_or_404(context, job_id))
