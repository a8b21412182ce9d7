"""The access review: every person with the patient-level data their roles open and their last
use, every API token with its last use; for admins only."""

from __future__ import annotations

from fastapi.testclient import TestClient

from commontable.appdb import transaction
from commontable.audit import AuditAction, record
from commontable.members import Role
from tests.app_fixtures import AppDatabase
from tests.web.conftest import Region, signed_in


def test_the_review_lists_who_can_see_patient_level_data_and_their_last_access(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    with transaction(app_db.engine) as session:
        record(session, AuditAction.VIEW_MATCH_REVIEW, actor_person_id=region.steward.id)
    signed_in(client, app_db, region.people[Role.ADMIN])
    page = client.get("/access-review").text
    steward_row = page[page.index("steward@cascade.example") :].split("</tr>")[0]
    assert "match review: every organization&#39;s records" in steward_row
    assert "never" not in steward_row.split("</ul>")[1].split("<td>")[2]  # last patient access
    analyst_row = page[page.index("analyst@cascade.example") :].split("</tr>")[0]
    assert "match review: own organization&#39;s records" in analyst_row
    viewer_row = page[page.index("viewer@cascade.example") :].split("</tr>")[0]
    assert "none" in viewer_row


def test_the_review_lists_every_api_token_with_its_last_use(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    signed_in(client, app_db, region.people[Role.ADMIN])
    page = client.get("/access-review").text
    assert "claims feed" in page
    assert "clinical feed" in page


def test_the_navigation_links_to_the_review_for_admins_only(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    signed_in(client, app_db, region.people[Role.ADMIN])
    assert 'href="/access-review"' in client.get("/").text
    client.cookies.clear()
    signed_in(client, app_db, region.people[Role.STAFF])
    assert 'href="/access-review"' not in client.get("/").text
    assert client.get("/access-review").status_code == 403
