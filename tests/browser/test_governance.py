"""How the table decides, in a real browser: staff put a proposal to the vote, two member
representatives vote, staff close it; a two-round Delphi study ends in an agreed set."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    ADMIN,
    REPRESENTATIVES,
    TABLE,
    Site,
    screenshot,
    sign_in,
    sign_out,
)

pytestmark = pytest.mark.browser

CLOSES = "2099-12-31T17:00"
AGREED = ("CMS125", "Breast Cancer Screening")
OTHER = ("CMS130", "Colorectal Cancer Screening")


def _as(page: Page, site: Site, email: str, path: str) -> None:
    """Sign in as `email` (after whoever was signed in) and open `path`."""
    sign_out(page)
    sign_in(page, site, email)
    page.goto(f"{site.url}{path}")


def test_a_proposal_is_opened_voted_on_and_closed(page: Page, site: Site) -> None:
    sign_in(page, site, ADMIN)
    page.goto(f"{site.url}/motions")
    page.get_by_text("Put a motion or a poll").click()
    page.select_option("#new-collaborative", label=TABLE)
    page.select_option("#new-kind", "proposal")
    page.fill("#new-title", "Adopt the 2026 data-use agreement")
    page.fill("#new-body", "Members share their submissions under the agreement from January.")
    page.fill("#new-closes", CLOSES)
    page.get_by_role("button", name="Draft the motion").click()
    page.wait_for_url(re.compile(r".*/motions/\d+.*"))
    motion = page.url.split("?")[0].removeprefix(site.url)
    page.get_by_role("button", name="Open the vote").click()
    expect(page.get_by_role("status")).to_have_text("The vote is open.")

    for (email, name, organization), position in zip(
        REPRESENTATIVES[:2], ("yes", "abstain"), strict=True
    ):
        _as(page, site, email, motion)
        page.get_by_role("radio", name=position, exact=True).check()
        page.get_by_role("button", name="Vote for your organization").click()
        expect(page.locator("#ballot")).to_contain_text(f"{organization} voted: {position}")
        expect(page.locator("#ballot")).to_contain_text(name)
    screenshot(page, "vote-cast")

    _as(page, site, ADMIN, motion)
    expect(page.get_by_text("2 of 3")).to_be_visible()
    page.get_by_role("button", name="Close the vote and record the decision").click()
    outcome = page.get_by_role("region", name="Outcome")
    expect(outcome).to_contain_text("2 of 3 member organizations voted")
    expect(outcome).to_contain_text("passed with 100% yes")
    expect(outcome).to_contain_text(f"{REPRESENTATIVES[0][2]}: yes")
    screenshot(page, "vote-outcome")


def _rate(page: Page, site: Site, email: str, study: str, ratings: dict[str, int]) -> None:
    """A panelist rates each item (by its title) in the open round."""
    _as(page, site, email, f"{study}/rate")
    for title, rating in ratings.items():
        group = page.get_by_role("radiogroup", name=f"Your rating of {title}")
        group.locator(f'input[value="{rating}"]').check()
    page.get_by_role("button", name="Save my ratings").click()
    expect(page.get_by_role("status")).to_contain_text("Your ratings are saved")


def _run_round(page: Page, site: Site, study: str, number: int, ratings: list[list[int]]) -> None:
    """Staff open round `number`, the three panelists rate, staff close it."""
    _as(page, site, ADMIN, study)
    page.fill("#round-closes", CLOSES)
    page.get_by_role("button", name=f"Open round {number}").click()
    expect(page.get_by_role("status")).to_contain_text("The round is open")
    for (email, _, _), (agreed, other) in zip(REPRESENTATIVES, ratings, strict=True):
        _rate(page, site, email, study, {AGREED[1]: agreed, OTHER[1]: other})
    if number > 1:
        expect(page.get_by_text("Last round: median").first).to_be_visible()
        screenshot(page, "delphi-feedback")
    _as(page, site, ADMIN, study)
    page.get_by_role("button", name=f"Close round {number}").click()


def test_a_two_round_delphi_study_ends_in_an_agreed_set(page: Page, site: Site) -> None:
    sign_in(page, site, ADMIN)
    page.goto(f"{site.url}/delphi")
    page.get_by_text("Start a study").click()
    page.select_option("#study-collaborative", label=TABLE)
    page.fill("#study-title", "Measures for 2026")
    page.select_option("#study-rule", "cos")
    page.fill("#study-rounds", "2")
    page.get_by_role("button", name="Start the study").click()
    page.wait_for_url(re.compile(r".*/delphi/\d+.*"))
    study = page.url.split("?")[0].removeprefix(site.url)
    for measure_id, title in (AGREED, OTHER):
        page.fill("#item-measure", measure_id)
        page.fill("#item-text", title)
        page.get_by_role("button", name="Add item").click()
        expect(page.get_by_role("region", name="Items")).to_contain_text(title)
    for (_, name, organization), group in zip(
        REPRESENTATIVES, ("health_plans", "providers", "cbos"), strict=True
    ):
        page.select_option("#panel-person", label=f"{name} ({organization})")
        page.select_option("#panel-group", group)
        page.get_by_role("button", name="Add to the panel").click()
        expect(page.get_by_text(re.compile(f"seen by staff only.*{name}"))).to_be_visible()

    # Round 1: no consensus on either (2 of 3 rate the first 7-9); round 2: all three do.
    _run_round(page, site, study, 1, [[8, 7], [8, 5], [5, 2]])
    expect(page.get_by_text("1 of at most 2")).to_be_visible()
    _run_round(page, site, study, 2, [[8, 5], [9, 4], [7, 2]])

    agreed = page.get_by_role("region", name="The agreed measure set")
    expect(agreed).to_contain_text(f"{AGREED[0]} {AGREED[1]}")
    expect(agreed).not_to_contain_text(OTHER[0])
    expect(page.get_by_text("round 2 was the last of 2 rounds")).to_be_visible()
    screenshot(page, "delphi-agreed-set")
