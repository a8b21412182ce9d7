"""The pipeline from the web: staff start matching, a period's measures and publishing as jobs;
each runs in the warehouse's turn, says what it did (or why it could not) and is audited with
who asked for it."""

from __future__ import annotations

import re
from datetime import datetime

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from commontable.appdb import transaction
from commontable.audit import AuditAction, entries
from commontable.config import Settings
from commontable.members import Role
from commontable.publishing.models import PublishedResult
from commontable.warehouse.turns import writing
from tests.app_fixtures import AppDatabase
from tests.warehouse.test_submission_pages import CLAIMS, upload
from tests.web.conftest import Region, signed_in


@pytest.fixture
def staff(client: TestClient, region: Region, app_db: AppDatabase, settings: Settings) -> str:
    """Staff signed in, after Cascade's data submitter sent its eligibility file and its one
    member was given a person id (as matching would)."""
    submitter = signed_in(client, app_db, region.people[Role.DATA_SUBMITTER])
    upload(client, region.own.id, submitter, CLAIMS)
    crosswalk = {
        "data_source": "cascade-health-plan",
        "source_person_id": "p1",
        "person_id": "P000000001",
        "match_probability": None,
        "match_method": "unmatched",
        "matched_at": datetime(2025, 1, 1),
    }
    with writing(settings) as store:
        schema = store.schemas["person_crosswalk"].to_pyarrow()
        store.replace({"person_crosswalk": pa.Table.from_pylist([crosswalk], schema=schema)})
    return signed_in(client, app_db, region.people[Role.STAFF])


def _run(client: TestClient, token: str, step: str, **fields: object) -> str:
    answer = client.post(f"/pipeline/{step}", data={"csrf_token": token, **fields})
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/jobs/")
    return client.get(answer.headers["location"]).text


def test_the_pipeline_page_offers_each_step_and_lists_jobs(client: TestClient, staff: str) -> None:
    page = client.get("/pipeline").text
    for button in ("Match records", "Compute measures", "Publish results"):
        assert button in page
    assert "load-submission" in page  # the eligibility file's load, a job too


def test_measures_and_publishing_run_as_jobs_and_are_audited_with_who_asked(
    client: TestClient, staff: str, region: Region, app_db: AppDatabase
) -> None:
    assert "measure: " in _run(client, staff, "measures", period=2024)
    published = _run(client, staff, "publish", period=2024)
    said = re.search(r"([\d,]+) results for 2024 published", published)
    assert said is not None
    with transaction(app_db.engine) as session:
        [measured] = entries(session, action=AuditAction.RUN_MEASURES)
        [audited] = entries(session, action=AuditAction.PUBLISH_RESULTS)
        assert measured.target == audited.target == "period 2024"
        assert audited.actor_person_id == region.people[Role.STAFF].id
        rows = session.scalar(select(func.count()).select_from(PublishedResult))
    assert rows == int(said.group(1).replace(",", ""))


def test_matching_with_no_person_records_fails_saying_why(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    token = signed_in(client, app_db, region.people[Role.STAFF])
    page = _run(client, token, "match")
    assert "Failed" in page
    assert "nothing to match" in page
    with transaction(app_db.engine) as session:
        [audited] = entries(session, action=AuditAction.RUN_MATCH)
        assert audited.details["status"] == "failed"


def test_a_period_outside_the_years_is_refused_before_any_job(
    client: TestClient, staff: str
) -> None:
    answer = client.post("/pipeline/measures", data={"csrf_token": staff, "period": 99999})
    assert answer.status_code == 422


def test_measures_for_a_year_without_data_fail_saying_so_and_write_nothing(
    client: TestClient, staff: str, settings: Settings
) -> None:
    page = _run(client, staff, "measures", period=2003)
    assert "nobody is in any measure&#39;s population for 2003" in page
    with writing(settings, refresh=False) as store:
        results = store.table("measure_result")
        assert results.filter(results.period == 2003).count().execute() == 0
