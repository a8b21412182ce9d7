"""The web app serves the latest public report read-only at /report/, to anyone, and links to
it from every page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from commontable.config import load_settings
from commontable.reports import latest_site, record_latest
from commontable.reports.routes import site_file
from commontable.web import create_app
from tests.app_fixtures import AppDatabase
from tests.reports.conftest import Built


def browser(app_db: AppDatabase, workspace: Path) -> Iterator[TestClient]:
    settings = load_settings(workspace, app_db=app_db.url)
    with TestClient(create_app(settings), follow_redirects=False) as client:
        yield client


@pytest.fixture
def anyone(app_db: AppDatabase, built: Built, tmp_path: Path) -> Iterator[TestClient]:
    """Someone not signed in, at a web app whose workspace has a report built."""
    record_latest(tmp_path, built.site, 2025)
    yield from browser(app_db, tmp_path)


def test_anyone_reads_the_report_without_signing_in(anyone: TestClient) -> None:
    index = anyone.get("/report/")
    assert index.status_code == 200
    assert "how our region is doing, 2025" in index.text
    measure = anyone.get("/report/measures/CMS125.html")
    assert measure.status_code == 200
    assert measure.headers["content-type"].startswith("text/html")
    chart = anyone.get("/report/charts/CMS125-clinic.svg")
    assert chart.headers["content-type"] == "image/svg+xml"
    assert anyone.get("/report/report.pdf").content[:5] == b"%PDF-"
    assert anyone.get("/report/scorecards/").status_code == 200  # a folder's index


def test_pages_outside_the_report_are_not_found(anyone: TestClient, built: Built) -> None:
    assert anyone.get("/report/no-such-page.html").status_code == 404
    assert site_file(built.site, "../../etc/passwd") is None
    assert site_file(built.site, "%2e%2e/x") is None
    assert anyone.get("/report/..%2F..%2Fetc%2Fpasswd").status_code == 404


def test_without_a_report_the_page_says_how_to_build_one(
    app_db: AppDatabase, tmp_path: Path
) -> None:
    assert latest_site(tmp_path) is None
    for client in browser(app_db, tmp_path):
        answer = client.get("/report/")
        assert answer.status_code == 404
        assert "commontable report build" in answer.text


def test_every_page_links_to_the_report(app_db: AppDatabase, tmp_path: Path) -> None:
    for client in browser(app_db, tmp_path):
        assert 'href="/report/"' in client.get("/sign-in").text
