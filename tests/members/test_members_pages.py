"""Members on the web: the directory, organization pages, collaboratives, and the audited
changes to people, roles and API tokens."""

from __future__ import annotations

from fastapi.testclient import TestClient

from commontable.appdb import transaction
from commontable.audit import entries
from commontable.members import Role, authenticate, find_person, get_person
from tests.app_fixtures import AppDatabase
from tests.web.conftest import PASSWORD, Region, bearer, signed_in


def audited(app_db: AppDatabase) -> list[tuple[str, str]]:
    with transaction(app_db.engine) as session:
        return [(entry.action, entry.target) for entry in entries(session)]


def test_the_directory_filters_by_type(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    signed_in(client, app_db, region.people[Role.VIEWER])
    page = client.get("/members?type=clinic").text
    assert "Riverside Community Clinic" in page
    assert "Cascade Health Plan</a>" not in page


def test_the_directory_filters_by_collaborative(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    signed_in(client, app_db, region.people[Role.VIEWER])
    page = client.get(f"/members?collaborative={region.workgroup.id}").text
    assert "Riverside Community Clinic</a>" in page
    assert "Cascade Health Plan</a>" not in page


def test_an_unknown_type_is_a_clear_error(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    signed_in(client, app_db, region.people[Role.VIEWER])
    answer = client.get("/members?type=spaceship")
    assert answer.status_code == 400
    assert "is not a type of organization" in answer.text


def test_people_of_an_organization_are_shown_to_its_own_people(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    signed_in(client, app_db, region.people[Role.VIEWER])
    page = client.get(f"/organizations/{region.own.id}").text
    assert "Cascade analyst" in page
    assert "member representative" in page


def test_people_of_another_organization_are_hidden_from_members(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    signed_in(client, app_db, region.people[Role.VIEWER])
    page = client.get(f"/organizations/{region.other.id}").text
    assert "Riverside Community Clinic" in page
    assert "Rita Riverside" not in page


def test_staff_see_the_people_of_every_organization(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    signed_in(client, app_db, region.people[Role.STAFF])
    assert "Rita Riverside" in client.get(f"/organizations/{region.other.id}").text


def test_collaboratives_show_as_a_tree_with_their_current_members(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    signed_in(client, app_db, region.people[Role.VIEWER])
    tree = client.get("/collaboratives").text
    network = tree.index("Riverbend Health Network")
    assert tree.index("Diabetes Workgroup", network) > network
    assert "network · 2 members" in tree
    page = client.get(f"/collaboratives/{region.workgroup.id}").text
    assert "Riverside Community Clinic" in page
    assert "Cascade Health Plan</a>" not in page


def test_staff_add_a_person_who_can_then_sign_in_and_it_is_audited(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    token = signed_in(client, app_db, region.people[Role.STAFF])
    fields = {
        "csrf_token": token,
        "name": "Grace Hopper",
        "email": "grace@riverside.example",
        "password": PASSWORD,
        "roles": ["data_submitter", "viewer"],
    }
    answer = client.post(f"/organizations/{region.other.id}/people", data=fields)
    assert answer.status_code == 303
    with transaction(app_db.engine) as session:
        grace = authenticate(session, "grace@riverside.example", PASSWORD)
        assert grace.roles == {Role.DATA_SUBMITTER, Role.VIEWER}
    assert audited(app_db)[-1] == ("add-person", "grace@riverside.example")


def test_staff_cannot_make_an_admin(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    token = signed_in(client, app_db, region.people[Role.STAFF])
    fields = {
        "csrf_token": token,
        "name": "Mallory",
        "email": "mallory@cascade.example",
        "password": PASSWORD,
        "roles": ["admin"],
    }
    answer = client.post(f"/organizations/{region.own.id}/people", data=fields)
    assert answer.status_code == 403
    with transaction(app_db.engine) as session:
        assert find_person(session, "mallory@cascade.example") is None


def test_an_admin_grants_and_revokes_roles_and_both_are_audited(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    token = signed_in(client, app_db, region.people[Role.ADMIN])
    rita = region.outsider
    client.post(f"/people/{rita.id}/roles", data={"csrf_token": token, "role": "analyst"})
    client.post(f"/people/{rita.id}/roles/data_submitter/revoke", data={"csrf_token": token})
    with transaction(app_db.engine) as session:
        assert get_person(session, rita.id).roles == {Role.ANALYST}
    assert audited(app_db) == [
        ("grant-role", "submitter@riverside.example"),
        ("revoke-role", "submitter@riverside.example"),
    ]


def test_an_issued_token_submits_for_its_organization_until_revoked(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    token = signed_in(client, app_db, region.people[Role.STAFF])
    fields = {"csrf_token": token, "name": "lab feed", "scopes": ["submit", "read"], "days": "90"}
    page = client.post(f"/organizations/{region.other.id}/tokens", data=fields).text
    secret = page.split('value="ct_', 1)[1].split('"', 1)[0]
    assert client.get("/api/organizations", headers=bearer("ct_" + secret)).status_code == 200
    tokens_page = client.get(f"/organizations/{region.other.id}").text
    newest = tokens_page.split('action="/tokens/', 1)[1].split("/", 1)[0]
    client.post(f"/tokens/{newest}/revoke", data={"csrf_token": token})
    assert client.get("/api/organizations", headers=bearer("ct_" + secret)).status_code == 401
    assert [action for action, _ in audited(app_db)] == ["issue-token", "revoke-token"]


def test_the_api_lists_organizations_with_their_data_source(
    client: TestClient, region: Region
) -> None:
    answer = client.get("/api/organizations?type=clinic", headers=bearer(region.own_token))
    assert answer.json() == [
        {
            "id": region.other.id,
            "name": "Riverside Community Clinic",
            "type": "clinic",
            "data_source": "riverside-community-clinic",
            "npi": None,
            "parent_id": None,
        }
    ]


def test_the_home_dashboard_counts_the_table(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    signed_in(client, app_db, region.people[Role.MEMBER_REPRESENTATIVE])
    page = client.get("/").text
    assert '<span class="number">2</span> member organizations' in page
    assert '<span class="number">1</span> workgroups' in page
    assert "Recent data submissions from Cascade Health Plan" in page


def test_the_openapi_document_lists_the_api_and_not_the_pages(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    paths = set(document["paths"])
    assert all(path.startswith("/api/") for path in paths)
    assert {
        "/api/match-review",
        "/api/organizations",
        "/api/results",
        "/api/results/catalog",
        "/api/submissions",
        "/api/submissions/{submission_id}",
        "/api/submissions/{submission_id}/quarantine",
    } <= paths
    assert any("HTTPBearer" in name for name in document["components"]["securitySchemes"])


def test_a_token_does_only_what_its_scopes_allow(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    token = signed_in(client, app_db, region.people[Role.STAFF])
    fields = {"csrf_token": token, "name": "claims feed", "scopes": "submit", "days": "90"}
    page = client.post(f"/organizations/{region.own.id}/tokens", data=fields).text
    secret = "ct_" + page.split('value="ct_', 1)[1].split('"', 1)[0]
    client.cookies.clear()
    assert client.get("/api/submissions", headers=bearer(secret)).status_code == 200
    assert client.get("/api/results/catalog", headers=bearer(secret)).status_code == 403
    assert client.get("/api/organizations", headers=bearer(secret)).status_code == 403


def test_a_token_must_be_allowed_something(
    client: TestClient, region: Region, app_db: AppDatabase
) -> None:
    token = signed_in(client, app_db, region.people[Role.STAFF])
    answer = client.post(
        f"/organizations/{region.own.id}/tokens",
        data={"csrf_token": token, "name": "claims feed", "days": "90"},
    )
    assert answer.status_code == 422
