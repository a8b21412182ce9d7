"""The authorization matrix: every route × every persona × own or other organization.

The expectations are written here, independently of `privacy/access.py`; the requests are
made from the app's own route table, so a new route fails
`test_every_route_has_a_row_in_the_matrix` until it gets a row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from commontable.appdb import transaction, utcnow
from commontable.audit import Actor
from commontable.care.events import meaning
from commontable.care.models import Notification, SubscriptionSource, TeamKind
from commontable.care.notify import PersonRef, notify
from commontable.care.teams import create_team, follow
from commontable.config import Settings, load_settings
from commontable.jobs import Job, JobKind, JobStatus
from commontable.members import Role
from commontable.warehouse import adt_message, connect, load_submission
from commontable.web import create_app
from commontable.web.app import routes_of
from commontable.web.gate import csrf_token_for
from tests.app_fixtures import AppDatabase
from tests.care.messages import visit_message
from tests.web.conftest import BAD_DATE_ROW, COOKIE, ELIGIBILITY, GOOD_ROW, Region, start_session

ANONYMOUS, TOKEN = "anonymous", "api token"
STEWARD = "staff + data steward"  # the collaborative's data steward (the data-use role)
ROLES = frozenset(role.value for role in Role)
PERSONAS = [ANONYMOUS, *sorted(ROLES), STEWARD, TOKEN]
EVERYONE = frozenset(PERSONAS)
PEOPLE = ROLES | {STEWARD}  # anyone signed in with a session
STAFF = frozenset({"admin", "staff", STEWARD})
SUBMITTERS = STAFF | {"data_submitter"}
# Patient-level screens: the data steward, and for their own organization's records only,
# analysts (match review) or data submitters (quarantined rows); not admins or staff as such.
REVIEWERS = frozenset({STEWARD, "analyst"})
REPRESENTATIVES = frozenset({"admin", "member_representative"})  # votes and Delphi ratings


@dataclass(frozen=True)
class Expect:
    """Who may use a route when it is about their own organization, and about another one."""

    own: frozenset[str]
    other: frozenset[str]


def same(allowed: frozenset[str]) -> Expect:
    return Expect(allowed, allowed)


QUARANTINE = Expect(frozenset({STEWARD, "data_submitter"}), frozenset({STEWARD}))
CARE_TEAM = frozenset({"care_team"})
OWN_CARE_TEAM = Expect(CARE_TEAM, frozenset())


MATRIX: dict[str, Expect] = {
    "static": same(EVERYONE),
    "openapi": same(EVERYONE),
    "sign_in_page": same(EVERYONE),
    "sign_in": same(EVERYONE - {TOKEN}),  # a system has no sign-in form, so no CSRF token
    # the second step of signing in: its pages send everyone without a half-signed-in
    # session to sign in with their password; its forms, like sign_in's, answer an empty post
    # with 422 before looking for that session
    "sign_in_code_page": same(frozenset()),
    "sign_in_code": same(EVERYONE - {TOKEN}),
    "sign_in_enrol_page": same(frozenset()),
    "sign_in_enrol": same(EVERYONE - {TOKEN}),
    "sign_in_confirm_page": same(PEOPLE),  # the password again, before patient-level pages
    "sign_in_confirm": same(PEOPLE),
    "sign_out": same(PEOPLE),
    "home": same(PEOPLE),
    "members.directory": same(PEOPLE),
    "members.organization": same(PEOPLE),
    "members.collaboratives": same(PEOPLE),
    "members.collaborative": same(PEOPLE),
    "members.add_person": same(STAFF),
    "members.grant_role": same(frozenset({"admin"})),
    "members.revoke_role": same(frozenset({"admin"})),
    "members.unlock": same(frozenset({"admin"})),
    "members.reset_second_factor": same(frozenset({"admin"})),
    "members.access_review": same(frozenset({"admin"})),
    "members.issue_token": same(STAFF),
    "members.revoke_token": same(STAFF),
    "api.organizations": same(PEOPLE | {TOKEN}),
    "members.notices": same(PEOPLE),  # each person sees only their own
    "members.notice_read": same(PEOPLE),
    "api.notices": same(PEOPLE),
    "submissions.list": same(PEOPLE),
    "submissions.of_organization": Expect(PEOPLE, STAFF),
    "submissions.new": Expect(SUBMITTERS, STAFF),
    "submissions.upload": Expect(SUBMITTERS, STAFF),
    "submissions.detail": QUARANTINE,
    # a job's progress and outcome: anyone of the organization that asked for it, and staff
    "jobs.detail": Expect(PEOPLE, STAFF),
    "jobs.status": Expect(PEOPLE, STAFF),
    "api.job": Expect(PEOPLE | {TOKEN}, STAFF),
    # the pipeline from the web: matching, measures and publishing, for staff
    "jobs.pipeline": same(STAFF),
    "jobs.run_match": same(STAFF),
    "jobs.run_measures": same(STAFF),
    "jobs.publish": same(STAFF),
    "submissions.quarantine_csv": QUARANTINE,
    "api.submissions": same(PEOPLE | {TOKEN}),
    "api.submit": same(SUBMITTERS | {TOKEN}),
    "api.submission": Expect(PEOPLE | {TOKEN}, STAFF),
    "api.quarantine": Expect(QUARANTINE.own | {TOKEN}, QUARANTINE.other),
    "identity.review": same(REVIEWERS),
    "identity.decide": same(REVIEWERS),
    "api.match_review": same(REVIEWERS),
    "results.explore": same(PEOPLE),
    "results.csv": same(PEOPLE),
    "results.xlsx": same(PEOPLE),
    "results.scorecard": same(PEOPLE),
    "api.results": same(PEOPLE | {TOKEN}),
    "api.results_catalog": same(PEOPLE | {TOKEN}),
    "report.site": same(EVERYONE),  # the public report: published aggregates only
    "decisions.motions": same(PEOPLE),
    "decisions.motion": same(PEOPLE),
    "decisions.log": same(PEOPLE),
    "decisions.create": same(STAFF),
    "decisions.open": same(STAFF),
    "decisions.close": same(STAFF),
    "decisions.link": same(STAFF),
    "decisions.settings": same(STAFF),
    "decisions.vote": same(REPRESENTATIVES),
    "decisions.conflict": same(REPRESENTATIVES),
    "api.motions": same(PEOPLE),
    "api.motion": same(PEOPLE),
    "api.decisions": same(PEOPLE),
    "api.vote": same(REPRESENTATIVES),
    "delphi.studies": same(PEOPLE),
    "delphi.study": same(PEOPLE),
    "delphi.results": same(PEOPLE),
    "delphi.create": same(STAFF),
    "delphi.add_item": same(STAFF),
    "delphi.add_panelist": same(STAFF),
    "delphi.open_round": same(STAFF),
    "delphi.close_round": same(STAFF),
    "delphi.rate_form": same(REPRESENTATIVES),
    "delphi.rate": same(REPRESENTATIVES),
    "api.delphi_studies": same(PEOPLE),
    "api.delphi_study": same(PEOPLE),
    "api.delphi_results": same(PEOPLE),
    "api.delphi_rate": same(REPRESENTATIVES),
    "plans.list": same(PEOPLE),
    "plans.plan": same(PEOPLE),
    "plans.goal": same(PEOPLE),
    "plans.initiative": same(PEOPLE),
    "plans.of_organization": same(PEOPLE),
    "plans.create": same(STAFF),
    "plans.set_status": same(STAFF),
    "plans.add_area": same(STAFF),
    "plans.add_goal": same(STAFF),
    "plans.enter_value": same(STAFF),
    "plans.add_initiative": same(STAFF),
    "plans.add_commitment": same(STAFF),
    "plans.add_cycle": same(STAFF),
    "plans.update_cycle": same(STAFF),
    # a commitment's status: its own organization's representatives, and staff
    "plans.commitment_status": Expect(STAFF | {"member_representative"}, STAFF),
    "api.plans": same(PEOPLE | {TOKEN}),
    "api.plan": same(PEOPLE | {TOKEN}),
    # care coordination: notifications name patients: only the care team members of the
    # organization they were made for (not the data steward, not staff or admins as such)
    "care.work_list": same(CARE_TEAM),
    "care.notification": OWN_CARE_TEAM,
    "care.claim": OWN_CARE_TEAM,
    "care.assign": OWN_CARE_TEAM,
    "care.complete": OWN_CARE_TEAM,
    "api.care_notifications": same(CARE_TEAM),
    "api.care_unread": same(CARE_TEAM),
    "api.care_notification": OWN_CARE_TEAM,
    "api.care_complete": OWN_CARE_TEAM,
    # care teams: staff create them; a team's rules are its own organization's care team's and
    # staff's; whom it follows, its care team's
    "care.teams": same(STAFF | CARE_TEAM),
    "care.create_team": same(STAFF),
    "care.set_rules": Expect(STAFF | CARE_TEAM, STAFF),
    "care.follow": OWN_CARE_TEAM,
    "care.follow_roster": OWN_CARE_TEAM,
    "api.care_fhir_notification": same(SUBMITTERS | {TOKEN}),
    "care.gaps": same(CARE_TEAM),
    "care.gaps_csv": same(CARE_TEAM),
    "api.care_gaps": same(CARE_TEAM),
}


@pytest.fixture(scope="module")
def warehouse_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse with submission 1 from Cascade and submission 2 from Riverside."""
    folder = tmp_path_factory.mktemp("matrix")
    (folder / "eligibility.csv").write_text(ELIGIBILITY + GOOD_ROW + BAD_DATE_ROW)
    path = folder / "warehouse.duckdb"
    with connect(str(path)) as store:
        load_submission(store, folder / "eligibility.csv", "cascade-health-plan")
        load_submission(store, folder / "eligibility.csv", "riverside-community-clinic")
    return path


@pytest.fixture
def matrix_app(app_db: AppDatabase, tmp_path: Path, warehouse_file: Path) -> FastAPI:
    settings: Settings = load_settings(tmp_path, app_db=app_db.url, warehouse=str(warehouse_file))
    return create_app(settings)


@pytest.fixture
def jobs(app_db: AppDatabase, region: Region) -> tuple[int, int]:
    """A finished load job of Cascade's and one of Riverside's: their ids."""
    with transaction(app_db.engine) as session:
        made = [
            Job(kind=JobKind.LOAD_SUBMISSION, status=JobStatus.DONE, organization_id=org.id,
                request={"files": ["eligibility.csv"]}, step="done", done=2, outcome={},
                message="")
            for org in (region.own, region.other)
        ]  # fmt: skip
        session.add_all(made)
        session.flush()
        return made[0].id, made[1].id


@pytest.fixture
def care(app_db: AppDatabase, region: Region) -> dict[str, tuple[int, int]]:
    """A care team of Cascade's and one of Riverside's, each with a notification: their ids."""
    source = region.own.data_source
    with transaction(app_db.engine) as session:
        teams = [
            create_team(session, Actor(), org, "Care team", TeamKind.CARE_MANAGEMENT)
            for org in (region.own, region.other)
        ]
        for team in teams:
            follow(session, Actor(), team, [f"P{team.id:09d}"], SubscriptionSource.ROSTER)
        meanings = [
            meaning(adt_message(visit_message("A04", f"M{team.id}")) or {}, source, utcnow())
            for team in teams
        ]
        people = {
            (source, "H1001"): PersonRef(f"P{teams[0].id:09d}"),
        }
        notify(session, meanings[:1], people)
        notify(session, meanings[1:], {(source, "H1001"): PersonRef(f"P{teams[1].id:09d}")})
        made = session.scalars(select(Notification).order_by(Notification.team_id)).all()
        return {
            "team_id": (teams[0].id, teams[1].id),
            "notification_id": (made[0].id, made[1].id),
        }


@pytest.fixture
def browser(matrix_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(matrix_app, follow_redirects=False) as client:
        yield client


def route_names(app: FastAPI) -> set[str]:
    return {str(route.name) for route in routes_of(app)}


def test_every_route_has_a_row_in_the_matrix(app: FastAPI) -> None:
    assert route_names(app) == set(MATRIX)


def _request_of(app: FastAPI, name: str) -> tuple[str, str]:
    route = next(r for r in routes_of(app) if r.name == name)
    if name == "static":
        return "GET", "/static/commontable.css"
    method = sorted((route.methods or {"GET"}) - {"HEAD"})[0]
    return method, str(route.path)


def _path_for(
    template: str,
    region: Region,
    whose: str,
    jobs: tuple[int, int],
    care: dict[str, tuple[int, int]],
) -> str:
    """Fill the path's parameters with the own or the other organization's things."""
    own = whose == "own"
    values = {
        **{name: pair[0] if own else pair[1] for name, pair in care.items()},
        "job_id": jobs[0] if own else jobs[1],
        "organization_id": (region.own if own else region.other).id,
        "submission_id": 1 if own else 2,
        "person_id": (region.people[Role.VIEWER] if own else region.outsider).id,
        "token_id": region.own_token_id if own else region.other_token_id,
        "collaborative_id": region.network.id,
        "role": "viewer",
        # governance's things need no owner: a missing one answers 404 once the gate admits
        "motion_id": 999_999,
        "study_id": 999_999,
        "number": 1,
        # plans' things likewise (a commitment's organization is in its path)
        "plan_id": 999_999,
        "goal_id": 999_999,
        "initiative_id": 999_999,
        "cycle_id": 999_999,
        "commitment_id": 999_999,
        # a notice is the signed-in person's own; another's (or a missing one) answers 404
        "notice_id": 999_999,
    }
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), template)


def _headers(persona: str, region: Region, app_db: AppDatabase) -> dict[str, str]:
    """What each persona sends: a session cookie and its CSRF token, a sign-in form's cookie
    and token (anonymous), or a Bearer token (a member's system)."""
    if persona == TOKEN:
        return {"Authorization": f"Bearer {region.own_token}"}
    if persona == ANONYMOUS:
        return {"Cookie": f"{COOKIE}_signin=form", "X-CSRF-Token": csrf_token_for("form")}
    person = region.steward if persona == STEWARD else region.people[Role(persona)]
    secret = start_session(app_db, person)
    return {"Cookie": f"{COOKIE}={secret}", "X-CSRF-Token": csrf_token_for(secret)}


def _requests_of(
    persona: str, region: Region, app_db: AppDatabase, name: str
) -> Iterator[dict[str, str]]:
    """The persona's headers for each request; signing out ends a session, so that route gets
    a new one each time."""
    headers = _headers(persona, region, app_db)
    while True:
        yield headers
        if name == "sign_out":
            headers = _headers(persona, region, app_db)


def _allowed(status: int, location: str) -> bool:
    assert status < 500, f"server error {status}"
    return status not in (401, 403) and not location.startswith("/sign-in?next=")


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_authorization_matrix(
    name: str,
    browser: TestClient,
    matrix_app: FastAPI,
    region: Region,
    app_db: AppDatabase,
    jobs: tuple[int, int],
    care: dict[str, tuple[int, int]],
) -> None:
    method, template = _request_of(matrix_app, name)
    about_someone = "{" in template and template != "/collaboratives/{collaborative_id}"
    found: list[str] = []
    for persona in PERSONAS:
        sent = _requests_of(persona, region, app_db, name)
        for whose in ("own", "other") if about_someone else ("own",):
            browser.cookies.clear()
            answer = browser.request(
                method, _path_for(template, region, whose, jobs, care), headers=next(sent)
            )
            allowed = _allowed(answer.status_code, answer.headers.get("location", ""))
            expected = getattr(MATRIX[name], whose)
            if not about_someone:
                assert MATRIX[name].own == MATRIX[name].other, f"{name} is about no one"
            if allowed != (persona in expected):
                found.append(f"{persona} ({whose}): {answer.status_code}")
    assert not found, f"{name}: unexpected answers: {found}"
