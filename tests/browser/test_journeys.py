"""What staff and members do in a real browser: sign in, upload a submission and read its
quarantine, explore a measure result and its chart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ADMIN, SUBMITTER, Site, screenshot, sign_in

pytestmark = pytest.mark.browser

ELIGIBILITY = (
    "person_id,gender,birth_date,enrollment_start_date,enrollment_end_date,payer,payer_type,plan\n"
    "p1,female,1970-02-03,2024-01-01,2024-12-31,Cascade Health Plan,commercial,PPO\n"
    "p2,female,1970-02-30,2024-01-01,2024-12-31,Cascade Health Plan,commercial,PPO\n"
)


def test_signing_in_opens_the_dashboard(page: Page, site: Site) -> None:
    sign_in(page, site, ADMIN)
    expect(page.locator("header .who")).to_have_text("Dana Reyes")
    expect(page.get_by_role("link", name="Results")).to_be_visible()


def test_a_wrong_password_keeps_you_out(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/sign-in")
    page.fill("#email", ADMIN)
    page.fill("#password", "not the password at all")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert page.url.startswith(f"{site.url}/sign-in")


def test_an_uploaded_submission_shows_its_quarantined_row(
    page: Page, site: Site, tmp_path: Path
) -> None:
    upload = tmp_path / "eligibility.csv"
    upload.write_text(ELIGIBILITY)
    sign_in(page, site, SUBMITTER)
    page.goto(f"{site.url}/organizations/{site.own_organization_id}/submissions/new")
    page.set_input_files("#files", str(upload))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_url("**/jobs/*")  # the load job's page: done already (jobs run in the request)
    expect(page.get_by_text("1 quarantined").first).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Submission \d+$")).click()
    page.wait_for_url("**/submissions/*")
    expect(page.get_by_text("1 quarantined").first).to_be_visible()
    expect(page.get_by_text("1970-02-30").first).to_be_visible()
    screenshot(page, "submission-quarantine")


def test_exploring_a_measure_shows_its_table_and_chart(page: Page, site: Site) -> None:
    sign_in(page, site, SUBMITTER)
    page.click("text=Results")
    page.select_option("#entity_type", "health_plan")  # HTMX swaps the results in place
    expect(page.get_by_role("row", name="Lakeshore")).to_be_visible()
    expect(page.locator("figure.chart svg")).to_be_visible()
    expect(page.get_by_text("Suppressed to protect small numbers").first).to_be_visible()
    assert "entity_type=health_plan" in page.url
    screenshot(page, "results-explorer")
