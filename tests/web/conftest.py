"""Web tests: the app on a test app DB (SQLite and PostgreSQL) and a workspace warehouse, with
named personas: one person per role at Cascade Health Plan, and people at Riverside Clinic.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy.orm import Session

from commontable.appdb import transaction
from commontable.config import Settings, load_settings
from commontable.members import (
    Collaborative,
    CollaborativeType,
    Organization,
    OrganizationType,
    Person,
    Role,
    add_collaborative,
    add_membership,
    add_organization,
    add_person,
    get_person,
    issue_token,
    passwords,
    start_login_session,
)
from commontable.warehouse import connect
from commontable.web import WebOptions, create_app
from commontable.web.gate import csrf_token_for
from tests.app_fixtures import AppDatabase, app_db, db

__all__ = ["app_db", "db"]

PASSWORD = "correct horse battery staple"
COOKIE = WebOptions().cookie_name
ELIGIBILITY = (
    "person_id,gender,birth_date,enrollment_start_date,enrollment_end_date,payer,payer_type,plan\n"
)
GOOD_ROW = "p1,female,1970-02-03,2024-01-01,2024-12-31,Cascade Health Plan,commercial,PPO\n"
BAD_DATE_ROW = "p2,female,1970-02-30,2024-01-01,2024-12-31,Cascade Health Plan,commercial,PPO\n"


@dataclass
class Region:
    """Two organizations at one network: `own` (Cascade) and `other` (Riverside)."""

    own: Organization
    other: Organization
    network: Collaborative
    workgroup: Collaborative
    people: dict[Role, Person]  # one person per role at Cascade
    outsider: Person  # a data submitter at Riverside
    steward: Person  # the collaborative's data steward: staff with the data steward role
    own_token: str  # the secret of a claims feed's API token at Cascade
    other_token: str  # ... and of a clinical feed's at Riverside
    own_token_id: int
    other_token_id: int


@pytest.fixture(autouse=True)
def quick_password_hashes(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Argon2 at a low cost: web tests sign in often; tests/members keep the real cost."""
    cheap = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    monkeypatch.setattr(passwords, "_hasher", cheap)
    passwords._throwaway_hash.cache_clear()
    yield
    passwords._throwaway_hash.cache_clear()


@pytest.fixture
def region(db: Session) -> Region:
    """The region, committed so the app (its own connections) sees it."""
    own = add_organization(db, "Cascade Health Plan", OrganizationType.HEALTH_PLAN)
    other = add_organization(db, "Riverside Community Clinic", OrganizationType.CLINIC)
    network = add_collaborative(db, "Riverbend Health Network", CollaborativeType.NETWORK)
    workgroup = add_collaborative(
        db, "Diabetes Workgroup", CollaborativeType.WORKGROUP, parent=network
    )
    for organization in (own, other):
        add_membership(db, network, organization, start=date(2024, 1, 1))
    add_membership(db, workgroup, other, start=date(2024, 1, 1))
    people = {
        role: add_person(db, f"{role.value}@cascade.example", f"Cascade {role}", own, roles=[role])
        for role in Role
    }
    outsider = add_person(
        db, "submitter@riverside.example", "Rita Riverside", other, roles=[Role.DATA_SUBMITTER]
    )
    steward = add_person(
        db, "steward@cascade.example", "Sam Steward", own, roles=[Role.STAFF, Role.DATA_STEWARD]
    )
    own_token = issue_token(db, own, "claims feed")
    other_token = issue_token(db, other, "clinical feed")
    db.commit()
    return Region(
        own,
        other,
        network,
        workgroup,
        people,
        outsider,
        steward,
        own_token.secret,
        other_token.secret,
        own_token.token.id,
        other_token.token.id,
    )


@pytest.fixture(scope="session")
def empty_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse file with every table and no rows, made once: creating one takes a while."""
    path = tmp_path_factory.mktemp("template") / "warehouse.duckdb"
    connect(str(path)).close()
    return path


@pytest.fixture
def settings(app_db: AppDatabase, tmp_path: Path, empty_warehouse: Path) -> Settings:
    """A workspace on the test app DB, with its own empty warehouse."""
    shutil.copy(empty_warehouse, tmp_path / "warehouse.duckdb")
    return load_settings(tmp_path, app_db=app_db.url)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A browser; the context runs the app's start-up and shut-down (the engine is disposed)."""
    with TestClient(app, follow_redirects=False) as browser:
        yield browser


@pytest.fixture
def ada(db: Session, region: Region) -> Person:
    """A viewer at Cascade who signs in with a password (no second factor needed)."""
    person = add_person(
        db, "ada@cascade.example", "Ada Lovelace", region.own, roles=[Role.VIEWER],
        password=PASSWORD,
    )  # fmt: skip
    db.commit()
    return person


def csrf_of(page: str) -> str:
    """The CSRF token a page's forms carry."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def start_session(app_db: AppDatabase, person: Person) -> str:
    """A sign-in session for `person`, made directly (no password hashing): its secret."""
    with transaction(app_db.engine) as session:
        return start_login_session(session, get_person(session, person.id))


def signed_in(client: TestClient, app_db: AppDatabase, person: Person) -> str:
    """Sign the browser in as `person`; returns the CSRF token of the session."""
    secret = start_session(app_db, person)
    client.cookies.set(COOKIE, secret)
    return csrf_token_for(secret)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
