"""Notices on the web: closing a vote leaves one for each voting member's representative, shown
on their own notices page and in the JSON API, with an unread count in the layout; marking one
read takes the form's CSRF token."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from commontable.appdb import transaction
from commontable.members import Person, Role, get_person, notices_for, notify
from tests.app_fixtures import AppDatabase
from tests.web.conftest import Region, csrf_of, signed_in


def leave_notice(app_db: AppDatabase, person: Person, title: str) -> int:
    with transaction(app_db.engine) as session:
        (notice,) = notify(session, [get_person(session, person.id)], title, "body", "/motions")
        return notice.id


@pytest.fixture
def viewer(region: Region) -> Person:
    return region.people[Role.VIEWER]


def test_the_notices_page_shows_own_unread_notices_and_counts_them_in_the_nav(
    client: TestClient, app_db: AppDatabase, region: Region, viewer: Person
) -> None:
    leave_notice(app_db, viewer, "Vote closed: adopt the measure set")
    leave_notice(app_db, region.outsider, "Someone else's notice")
    signed_in(client, app_db, viewer)
    page = client.get("/notices")
    assert page.status_code == 200
    assert "Vote closed: adopt the measure set" in page.text
    assert "Someone else" not in page.text
    assert 'class="unread"' in page.text
    assert "Notices (1)" in client.get("/").text


def test_the_api_lists_only_the_callers_own_notices(
    client: TestClient, app_db: AppDatabase, region: Region, viewer: Person
) -> None:
    leave_notice(app_db, viewer, "Mine")
    leave_notice(app_db, region.outsider, "Theirs")
    signed_in(client, app_db, viewer)
    answer = client.get("/api/notices")
    assert answer.status_code == 200
    assert [n["title"] for n in answer.json()] == ["Mine"]


def test_marking_a_notice_read_clears_the_nav_count(
    client: TestClient, app_db: AppDatabase, viewer: Person
) -> None:
    notice_id = leave_notice(app_db, viewer, "Vote closed")
    signed_in(client, app_db, viewer)
    csrf = csrf_of(client.get("/notices").text)
    answer = client.post(f"/notices/{notice_id}/read", data={"csrf_token": csrf})
    assert answer.status_code == 303
    assert "Notices (" not in client.get("/").text
    with transaction(app_db.engine) as session:
        assert notices_for(session, viewer.id, unread_only=True) == []


def test_a_person_cannot_mark_anothers_notice_read(
    client: TestClient, app_db: AppDatabase, region: Region, viewer: Person
) -> None:
    notice_id = leave_notice(app_db, region.outsider, "Theirs")
    csrf = signed_in(client, app_db, viewer)
    answer = client.post(f"/notices/{notice_id}/read", headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 404
    with transaction(app_db.engine) as session:
        assert len(notices_for(session, region.outsider.id, unread_only=True)) == 1
