"""Jobs from the web: an upload queued and followed to its submission, a job that fails saying
why (and audited), jobs a stopped worker left running marked failed, and pages that answer
while another process holds the warehouse."""

from __future__ import annotations

import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from commontable.appdb import transaction
from commontable.audit import AuditAction, entries
from commontable.config import Settings
from commontable.jobs import Job, JobKind, JobStatus, work
from commontable.jobs.worker import INTERRUPTED, fail_interrupted
from commontable.members import Role
from tests.app_fixtures import AppDatabase
from tests.warehouse.test_submission_pages import CLAIMS, upload
from tests.web.conftest import Region, bearer, signed_in


@pytest.fixture
def submitter(client: TestClient, region: Region, app_db: AppDatabase) -> str:
    return signed_in(client, app_db, region.people[Role.DATA_SUBMITTER])


def test_a_jobs_page_follows_the_load_to_its_submission(
    client: TestClient, region: Region, submitter: str
) -> None:
    job = upload(client, region.own.id, submitter, CLAIMS).headers["location"]  # type: ignore[attr-defined]
    page = client.get(job).text
    assert "Done" in page
    assert "2 rows read, 1 loaded" in page
    status = client.get(f"{job}/status")
    assert status.headers["HX-Redirect"].startswith("/submissions/")


def test_a_job_that_fails_says_so_without_details_and_is_audited(
    client: TestClient,
    region: Region,
    submitter: str,
    app_db: AppDatabase,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("/secret/path/warehouse.duckdb pid 4242")

    monkeypatch.setattr(work, "load_submission", broken)
    job = upload(client, region.own.id, submitter, CLAIMS).headers["location"]  # type: ignore[attr-defined]
    page = client.get(job).text
    assert "Failed" in page
    assert work.UNEXPECTED.split(";")[0] in page.replace("&#39;", "'")
    assert "/secret/path" not in page
    assert "4242" not in page
    with transaction(app_db.engine) as session:
        [audited] = entries(session, action=AuditAction.UPLOAD_SUBMISSION)
        assert audited.details["status"] == "failed"


def test_jobs_a_stopped_worker_left_running_are_marked_failed(
    db: object, region: Region, settings: Settings, app_db: AppDatabase
) -> None:
    with transaction(app_db.engine) as session:
        job = Job(
            kind=JobKind.LOAD_SUBMISSION, status=JobStatus.RUNNING, organization_id=region.own.id,
            request={"files": []}, step="loading", done=10, outcome={}, message="",
        )  # fmt: skip
        session.add(job)
        session.flush()
        job_id = job.id
    assert fail_interrupted(settings) == 1
    with transaction(app_db.engine) as session:
        left = session.get_one(Job, job_id)
        assert (left.status, left.message) == (JobStatus.FAILED, INTERRUPTED)


def test_pages_answer_while_another_process_holds_the_warehouse(
    client: TestClient, region: Region, submitter: str, settings: Settings
) -> None:
    upload(client, region.own.id, submitter, CLAIMS)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time\nfrom commontable.warehouse import connect\n"
            f"store = connect({settings.warehouse_url!r})\nprint('open', flush=True)\n"
            "time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "open"
        listed = client.get("/submissions")
        assert listed.status_code == 200
        assert "eligibility.csv" in listed.text
        assert client.get("/submissions/1").status_code == 200
    finally:
        holder.kill()
        holder.wait()


def test_a_failed_decisions_job_is_seen_by_its_reviewer_only(
    client: TestClient, region: Region, app_db: AppDatabase, settings: Settings
) -> None:
    """The attacker: staff, another analyst of the same organization and its API token try the
    job of a decision that failed naming a record; none sees it, the pipeline does not list it."""
    unknown = "cascade-health-plan:ZZ-SECRET-77"
    with transaction(app_db.engine) as session:
        job = Job(
            kind=JobKind.DECIDE_MATCH, status=JobStatus.FAILED, organization_id=region.own.id,
            requested_by_id=region.people[Role.ANALYST].id, request={"decision": "same"},
            step="failed", done=0, outcome={},
            message=f"record {unknown} is not in the person crosswalk",
        )  # fmt: skip
        session.add(job)
        session.flush()
        job_id = job.id
    signed_in(client, app_db, region.people[Role.ANALYST])
    assert unknown in client.get(f"/jobs/{job_id}").text  # the reviewer who decided
    for other in (Role.STAFF, Role.VIEWER, Role.DATA_SUBMITTER):
        signed_in(client, app_db, region.people[other])
        for path in (f"/jobs/{job_id}", f"/jobs/{job_id}/status", f"/api/jobs/{job_id}"):
            answer = client.get(path)
            assert answer.status_code in (403, 404), (other, path)
            assert unknown not in answer.text
    signed_in(client, app_db, region.people[Role.STAFF])
    assert unknown not in client.get("/pipeline").text
    client.cookies.clear()
    token = client.get(f"/api/jobs/{job_id}", headers=bearer(region.own_token))
    assert token.status_code == 404
    assert unknown not in token.text
