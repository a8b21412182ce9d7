"""A care manager's work list in a real browser: a hospital sends an ED visit and a discharge
over MLLP to a running listener, and both appear on the plan's work list within 2 seconds;
the care manager opens one and records what came of it."""

from __future__ import annotations

import time
from datetime import datetime

import pyarrow as pa
import pytest
from playwright.sync_api import Page, expect

from commontable.appdb import transaction
from commontable.audit import Actor, app_db_engine
from commontable.care import SubscriptionSource, TeamKind, create_team, follow
from commontable.config import load_settings
from commontable.members import find_organization
from commontable.warehouse import connect
from tests.browser.conftest import CARE_MANAGER, Site, screenshot, sign_in
from tests.care.messages import visit_message
from tests.care.test_feed import SOURCE, send, start_listener

pytestmark = pytest.mark.browser


def _followed_by_the_plan(site: Site) -> None:
    """Cascade's care management follows Sarah (H1001 at the hospital, P000000001)."""
    rows = pa.table({
        "data_source": [SOURCE], "source_person_id": ["H1001"], "person_id": ["P000000001"],
        "match_probability": [1.0], "match_method": ["deterministic"],
        "matched_at": [datetime(2025, 1, 1)],
    })  # fmt: skip
    with connect(str(site.workspace / "warehouse.duckdb")) as store:
        store.replace({"person_crosswalk": rows})
    engine = app_db_engine(load_settings(site.workspace))
    with transaction(engine) as session:
        plan = find_organization(session, "Cascade Health Plan")
        team = create_team(session, Actor(), plan, "Cascade care management",
                           TeamKind.CARE_MANAGEMENT)  # fmt: skip
        follow(session, Actor(), team, ["P000000001"], SubscriptionSource.ATTRIBUTION)
    engine.dispose()


def test_the_hospitals_events_appear_on_the_care_managers_work_list_within_2_seconds(
    page: Page, site: Site
) -> None:
    _followed_by_the_plan(site)
    listener = start_listener(site.workspace)
    try:
        sign_in(page, site, CARE_MANAGER)
        page.goto(f"{site.url}/care")
        expect(page.get_by_text("No notifications match")).to_be_visible()
        sent = time.monotonic()
        send(listener.port, visit_message("A04", "LGH-B1").encode(),
             visit_message("A03", "LGH-B2", disposition="01").encode())  # fmt: skip
        rows = page.locator("#work-list tbody tr")
        while rows.count() < 2:
            assert time.monotonic() - sent < 2.0, "the work list did not show both within 2 s"
            page.reload()
        expect(rows.filter(has_text="ED visit")).to_have_count(1)
        expect(rows.filter(has_text="discharge")).to_have_count(1)
        screenshot(page, "care-work-list")
        page.get_by_role("link", name="discharge").click()
        expect(page.get_by_text("home or self care (01)")).to_be_visible()
        page.get_by_role("button", name="Claim").click()
        expect(page.locator("#status")).to_contain_text("Cam Care")
        page.select_option("#outcome", "follow_up_booked")
        page.fill("#note", "PCP visit on Thursday")
        page.get_by_role("button", name="Complete").click()
        expect(page.locator("#status")).to_contain_text("follow up booked")
        screenshot(page, "care-notification")
    finally:
        listener.stop()
