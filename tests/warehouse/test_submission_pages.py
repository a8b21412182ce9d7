"""Data submissions on the web and through the API: the same intake as `commontable load`,
filed under the organization's data source, quarantined rows shown with their reasons, and
each organization's data submitters seeing only their own."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from commontable.appdb import transaction
from commontable.audit import entries
from commontable.config import Settings
from commontable.members import Role
from commontable.warehouse import connect
from tests.app_fixtures import AppDatabase
from tests.web.conftest import BAD_DATE_ROW, ELIGIBILITY, GOOD_ROW, Region, bearer, signed_in

CLAIMS = ("eligibility.csv", (ELIGIBILITY + GOOD_ROW + BAD_DATE_ROW).encode())
# What a clinic sends: its patients (one with an impossible birth date).
PATIENTS = ("patient.csv", b"person_id,sex,birth_date\nr1,female,1980-01-01\nr2,male,1980-02-30\n")
ROSTER = (
    "organization.csv",
    b"organization_id,name,organization_type\nORG-HOSP-1,Renamed By A Clinic,hospital\n",
)


def upload(
    client: TestClient, organization_id: int, token: str, *files: tuple[str, bytes]
) -> object:
    return client.post(
        f"/organizations/{organization_id}/submissions",
        data={"csrf_token": token},
        files=[("files", file) for file in files],
    )


def job_page(client: TestClient, answer: object) -> str:
    """The page of the job an upload queued (run already: jobs run in the request in tests)."""
    location = answer.headers["location"]  # type: ignore[attr-defined]
    assert location.startswith("/jobs/")
    page = client.get(location)
    assert page.status_code == 200
    return page.text


def api_job(client: TestClient, answer: object, token: str) -> dict[str, object]:
    """What the API says of the job an upload queued."""
    assert answer.status_code == 202  # type: ignore[attr-defined]
    job: dict[str, object] = client.get(
        answer.headers["location"],  # type: ignore[attr-defined]
        headers=bearer(token),
    ).json()
    return job


def warehouse_rows(settings: Settings, table: str) -> list[dict[str, object]]:
    with connect(settings.warehouse_url) as store:
        rows: list[dict[str, object]] = store.table(table).to_pyarrow().to_pylist()
        return rows


def actions(app_db: AppDatabase) -> list[str]:
    with transaction(app_db.engine) as session:
        return [entry.action for entry in entries(session)]


@pytest.fixture
def submitter(client: TestClient, region: Region, app_db: AppDatabase) -> str:
    """The browser of Cascade's data submitter; returns the CSRF token."""
    return signed_in(client, app_db, region.people[Role.DATA_SUBMITTER])


def test_an_upload_lands_in_the_warehouse_under_the_organizations_data_source(
    client: TestClient, region: Region, submitter: str, settings: Settings
) -> None:
    answer = upload(client, region.own.id, submitter, CLAIMS)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/jobs/")
    assert 'href="/submissions/1"' in job_page(client, answer)
    [stored] = warehouse_rows(settings, "eligibility")
    assert (stored["person_id"], stored["data_source"]) == ("p1", "cascade-health-plan")


def test_the_result_page_shows_accepted_and_quarantined_rows_with_reasons(
    client: TestClient, region: Region, submitter: str
) -> None:
    upload(client, region.own.id, submitter, CLAIMS)
    page = client.get("/submissions/1").text
    assert "2</span> rows read" in page
    assert "1</span> accepted" in page
    assert "1</span> quarantined" in page
    assert "1970-02-30" in page
    assert "not a real calendar date" in page


def test_several_files_are_one_submission(
    client: TestClient, region: Region, submitter: str, settings: Settings
) -> None:
    second = ("eligibility_2025.csv", (ELIGIBILITY + GOOD_ROW.replace("p1", "p3")).encode())
    upload(client, region.own.id, submitter, CLAIMS, second)
    [logged] = warehouse_rows(settings, "submission")
    assert (logged["rows_read"], logged["rows_loaded"]) == (3, 2)


def test_a_rejected_file_shows_what_to_fix_and_loads_nothing(
    client: TestClient, region: Region, submitter: str, settings: Settings
) -> None:
    answer = upload(client, region.own.id, submitter, ("eligibility.csv", b"person_id\np1\n"))
    page = job_page(client, answer)
    assert "nothing was loaded" in page
    assert "missing required column" in page
    assert warehouse_rows(settings, "eligibility") == []


def test_sending_the_same_file_again_loads_nothing_new(
    client: TestClient, region: Region, submitter: str
) -> None:
    upload(client, region.own.id, submitter, CLAIMS)
    answer = upload(client, region.own.id, submitter, CLAIMS)
    assert "identical to submission 1" in job_page(client, answer)


def test_a_file_name_keeps_no_folders(
    client: TestClient, region: Region, submitter: str, settings: Settings
) -> None:
    upload(client, region.own.id, submitter, ("../../etc/eligibility.csv", CLAIMS[1]))
    [logged] = warehouse_rows(settings, "submission")
    assert '"name": "eligibility.csv"' in str(logged["files"])


def test_quarantined_rows_download_as_csv(
    client: TestClient, region: Region, submitter: str
) -> None:
    upload(client, region.own.id, submitter, CLAIMS)
    answer = client.get("/submissions/1/quarantine.csv")
    assert answer.headers["content-disposition"].startswith("attachment;")
    [row] = list(csv.DictReader(io.StringIO(answer.text)))
    assert (row["row_ref"], row["value"], row["reason"]) == (
        "row 3",
        "1970-02-30",
        "not a real calendar date",
    )


def test_uploads_views_and_downloads_of_quarantined_rows_are_audited(
    client: TestClient, region: Region, submitter: str, app_db: AppDatabase
) -> None:
    upload(client, region.own.id, submitter, CLAIMS)
    client.get("/submissions/1")
    client.get("/submissions/1/quarantine.csv")
    assert actions(app_db) == ["upload-submission", "view-submission", "download-quarantine"]


def test_a_data_submitter_sees_only_their_own_organizations_submissions(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    outsider = signed_in(client, app_db, region.outsider)
    upload(client, region.other.id, outsider, PATIENTS)  # submission 1, from Riverside
    mine = signed_in(client, app_db, region.people[Role.DATA_SUBMITTER])
    upload(client, region.own.id, mine, CLAIMS)  # submission 2, from Cascade
    listed = client.get("/api/submissions").json()
    assert [s["submission_id"] for s in listed] == [2]
    assert client.get("/submissions/1").status_code == 403
    assert client.get("/api/submissions/1/quarantine").status_code == 403


def test_staff_see_every_organizations_submission_log_but_not_its_rows(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    outsider = signed_in(client, app_db, region.outsider)
    upload(client, region.other.id, outsider, PATIENTS)
    signed_in(client, app_db, region.people[Role.STAFF])
    page = client.get("/submissions").text
    assert "Riverside Community Clinic" in page
    assert client.get("/submissions/1").status_code == 403  # quarantined rows: patient-level


def test_the_data_steward_sees_any_submissions_quarantined_rows(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    outsider = signed_in(client, app_db, region.outsider)
    upload(client, region.other.id, outsider, PATIENTS)
    signed_in(client, app_db, region.steward)
    assert client.get("/submissions/1").status_code == 200
    assert client.get("/submissions/1/quarantine.csv").status_code == 200


def test_a_clinic_cannot_send_the_roster_and_rename_a_hospital(
    client: TestClient, region: Region, app_db: AppDatabase, settings: Settings
) -> None:
    outsider = signed_in(client, app_db, region.outsider)
    page = job_page(client, upload(client, region.other.id, outsider, ROSTER))
    assert "may not send organization" in page
    assert "the collaborative" in page
    assert warehouse_rows(settings, "organization") == []


def test_a_token_cannot_send_a_table_its_organization_may_not(
    client: TestClient, region: Region, settings: Settings
) -> None:
    answer = client.post(
        "/api/submissions", files=[("files", CLAIMS)], headers=bearer(region.other_token)
    )
    job = api_job(client, answer, region.other_token)
    assert job["outcome"]["status"] == "rejected"  # type: ignore[index]
    assert "Riverside Community Clinic (clinic) may not send eligibility" in str(job["message"])
    assert warehouse_rows(settings, "eligibility") == []


def test_an_api_upload_with_a_token_is_filed_under_the_tokens_organization(
    client: TestClient, region: Region, settings: Settings
) -> None:
    answer = client.post(
        "/api/submissions", files=[("files", CLAIMS)], headers=bearer(region.own_token)
    )
    job = api_job(client, answer, region.own_token)
    assert job["status"] == "done"
    assert job["outcome"] | {"message": ""} == {  # type: ignore[operator]
        "submission_id": 1,
        "data_source": "cascade-health-plan",
        "status": "loaded",
        "files": ["eligibility.csv"],
        "rows_read": 2,
        "rows_loaded": 1,
        "rows_quarantined": 1,
        "message": "",
    }
    assert warehouse_rows(settings, "eligibility")[0]["data_source"] == "cascade-health-plan"


def test_the_api_shows_a_submissions_quarantined_values(client: TestClient, region: Region) -> None:
    client.post("/api/submissions", files=[("files", CLAIMS)], headers=bearer(region.own_token))
    answer = client.get("/api/submissions/1/quarantine", headers=bearer(region.own_token))
    page = answer.json()
    assert page["total"] == 1
    assert page["rows"][0]["reason"] == "not a real calendar date"


def test_a_token_cannot_read_another_organizations_quarantine(
    client: TestClient, region: Region
) -> None:
    client.post("/api/submissions", files=[("files", CLAIMS)], headers=bearer(region.own_token))
    answer = client.get("/api/submissions/1/quarantine", headers=bearer(region.other_token))
    assert answer.status_code == 403


def test_quarantined_rows_come_a_page_at_a_time(
    client: TestClient, region: Region, submitter: str
) -> None:
    bad_rows = "".join(BAD_DATE_ROW.replace("p2", f"p{n:03}") for n in range(60))
    upload(client, region.own.id, submitter, ("eligibility.csv", (ELIGIBILITY + bad_rows).encode()))
    first, second = client.get("/submissions/1").text, client.get("/submissions/1?page=2").text
    assert "Values 1–50 of 60" in first
    assert "row 2<" in first
    assert "Values 51–60 of 60" in second
    assert "row 61<" in second
    assert "Previous page" in second


def test_a_plans_rows_naming_another_payer_are_quarantined(
    client: TestClient, region: Region, submitter: str, settings: Settings
) -> None:
    own = GOOD_ROW
    other = GOOD_ROW.replace("p1", "p9").replace(
        "Cascade Health Plan", "Riverside Community Clinic"
    )
    upload(
        client, region.own.id, submitter, ("eligibility.csv", (ELIGIBILITY + own + other).encode())
    )
    assert [r["person_id"] for r in warehouse_rows(settings, "eligibility")] == ["p1"]
    [quarantined] = warehouse_rows(settings, "quarantine")
    assert quarantined["value"] == "Riverside Community Clinic"
    assert "names another payer" in str(quarantined["reason"])
