"""The public report in a browser: built from the published results, served at /report/,
readable without signing in; screenshots of the index, a measure page and a scorecard."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from commontable.appdb import transaction
from commontable.audit import app_db_engine
from commontable.config import load_settings
from commontable.reports import ReportOptions, build_report
from commontable.reports.latest import record_latest
from tests.browser.conftest import Site, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report(site: Site) -> str:
    """The report of 2025 built into the served workspace; its address."""
    settings = load_settings(site.workspace)
    engine = app_db_engine(settings)
    with transaction(engine) as session:
        built = build_report(
            session,
            site.workspace / "report",
            ReportOptions(2025, as_of=date(2026, 6, 1), pdf=False),
        )
    engine.dispose()
    record_latest(site.workspace, built.site, 2025)
    return f"{site.url}/report/"


def test_the_report_index_opens_without_signing_in(page: Page, report: str) -> None:
    page.goto(report)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("Breast Cancer Screening").first).to_be_visible()
    assert page.locator("script").count() == 0
    screenshot(page, "report-index")


def test_a_measure_page_compares_with_intervals(page: Page, report: str) -> None:
    page.goto(report)
    page.get_by_role("link", name="Breast Cancer Screening").first.click()
    expect(page.locator("table caption").first).to_be_visible()
    assert page.locator("img, svg, object").count() > 0
    expect(page.get_by_text("Lakeshore").first).to_be_visible()
    screenshot(page, "report-measure")


def test_a_scorecard_shows_a_members_results(page: Page, report: str) -> None:
    page.goto(f"{report}scorecards/index.html")
    page.get_by_role("link", name="Cascade Health Plan").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cascade Health Plan")
    screenshot(page, "report-scorecard")
