"""A live CommonTable server and headless Chromium (Debian's package, driven by Playwright).

The server runs on a workspace of its own (SQLite app DB, DuckDB warehouse) in a thread;
the browser never downloads anything: Playwright drives /usr/bin/chromium.
Screenshots land in test-artifacts/browser/ (COMMONTABLE_TEST_ARTIFACTS to move them).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pyotp
import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from commontable.appdb import transaction, upgrade
from commontable.audit import app_db_engine
from commontable.config import load_settings
from commontable.members import (
    CollaborativeType,
    OrganizationType,
    Role,
    add_collaborative,
    add_membership,
    add_organization,
    add_person,
)
from commontable.members.second_factor import SecretBox
from commontable.warehouse import connect
from commontable.web import create_app
from tests.published_results import publish_sample

CHROMIUM = Path(os.environ.get("COMMONTABLE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = (
    Path(os.environ.get("COMMONTABLE_TEST_ARTIFACTS", Path(__file__).parents[2] / "test-artifacts"))
    / "browser"
)
PASSWORD = "correct horse battery staple"
ADMIN = "director@riverbend.example"
SUBMITTER = "submitter@cascade.example"
CARE_MANAGER = "care@cascade.example"  # Cascade's care team (care coordination)
# Their roles need a second factor: each has an authenticator key already set up.
KEYS = {
    ADMIN: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    SUBMITTER: "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU",
    CARE_MANAGER: "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK",
}
_last_step: dict[str, int] = {}  # a code is accepted once: each sign-in uses a later step
TABLE = "Riverbend Health Table"
# The member representatives of the table's three member organizations: (email, name, org).
REPRESENTATIVES = (
    ("rep@cascade.example", "Casey Plan", "Cascade Health Plan"),
    ("rep@lakeshore.example", "Lee Hospital", "Lakeshore Hospital"),
    ("rep@northside.example", "Nia Pantry", "Northside Food Bank"),
)

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Site:
    """The live server's address and its people."""

    url: str
    workspace: Path
    own_organization_id: int


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A served workspace: an admin, a data submitter, published results, and a collaborative
    of three member organizations, each with a member representative."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium chromium-driver")
    workspace = tmp_path_factory.mktemp("live")
    settings = load_settings(workspace)
    url = settings.resolve(settings.app_db)
    upgrade(url)
    connect(settings.warehouse_url).close()
    engine = app_db_engine(settings)
    box = SecretBox.from_file(Path(settings.resolve(settings.secrets_key_file)))
    with transaction(engine) as session:
        staff_home = add_organization(
            session, "Riverbend Public Health", OrganizationType.PUBLIC_HEALTH
        )
        plan = add_organization(session, "Cascade Health Plan", OrganizationType.HEALTH_PLAN)
        admin = add_person(
            session, ADMIN, "Dana Reyes", staff_home, roles=[Role.ADMIN], password=PASSWORD
        )
        admin.totp_secret = box.seal(KEYS[ADMIN])
        submitter = add_person(
            session,
            SUBMITTER,
            "Sam Submitter",
            plan,
            roles=[Role.DATA_SUBMITTER],
            password=PASSWORD,
        )
        submitter.totp_secret = box.seal(KEYS[SUBMITTER])
        care_manager = add_person(
            session, CARE_MANAGER, "Cam Care", plan, roles=[Role.CARE_TEAM], password=PASSWORD
        )
        care_manager.totp_secret = box.seal(KEYS[CARE_MANAGER])
        publish_sample(session, plan.id)
        plan_id = plan.id
        table = add_collaborative(session, TABLE, CollaborativeType.NETWORK)
        members = {
            plan.name: plan,
            "Lakeshore Hospital": add_organization(
                session, "Lakeshore Hospital", OrganizationType.HOSPITAL
            ),
            "Northside Food Bank": add_organization(
                session, "Northside Food Bank", OrganizationType.CBO
            ),
        }
        for organization in members.values():
            add_membership(session, table, organization, start=date(2025, 1, 1))
        for email, name, organization_name in REPRESENTATIVES:
            add_person(
                session,
                email,
                name,
                members[organization_name],
                roles=[Role.MEMBER_REPRESENTATIVE],
                password=PASSWORD,
            )
    engine.dispose()

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("the web app did not start within 30 s")
        time.sleep(0.05)
    yield Site(f"http://127.0.0.1:{port}", workspace, plan_id)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context and page; its last screen is kept as a test artifact."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def sign_in(page: Page, site: Site, email: str) -> None:
    page.goto(f"{site.url}/sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if email in KEYS:
        page.wait_for_url(f"{site.url}/sign-in/code**")
        page.fill("#code", _next_code(email))
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site.url}/")


def _next_code(email: str) -> str:
    """The authenticator's code for a step not used yet (waiting for one when needed)."""
    totp = pyotp.TOTP(KEYS[email])
    step = max(totp.timecode(datetime.now(UTC)), _last_step.get(email, -1) + 1)
    while step > totp.timecode(datetime.now(UTC)) + 1:  # only a step ahead is accepted
        time.sleep(1)
    _last_step[email] = step
    return totp.generate_otp(step)


def sign_out(page: Page) -> None:
    """Leave the signed-in session: the next sign-in may be someone else."""
    page.context.clear_cookies()


def screenshot(page: Page, name: str) -> None:
    """Keep a named screenshot of the page as it is now."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
