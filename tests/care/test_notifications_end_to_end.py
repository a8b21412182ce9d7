"""End to end: a hospital sends an ED visit and a discharge over MLLP to a running listener; the
clinic's care team and the plan's care manager see both in their work lists within 2 seconds;
an unrelated clinic sees nothing; an opted-out person notifies nobody; a malformed message gets
AE and is kept with its reason."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from commontable.appdb import transaction
from commontable.audit import Actor, app_db_engine
from commontable.care.models import ConsentDecision, SubscriptionSource, TeamKind
from commontable.care.teams import create_team, follow, record_consent
from commontable.cli import app
from commontable.config import load_settings
from commontable.members import OrganizationType, Role, add_organization, add_person
from commontable.members.login_sessions import start_login_session
from commontable.warehouse import connect
from commontable.web import create_app
from tests.care.messages import visit_message
from tests.care.test_feed import SOURCE, Listener, send, start_listener

runner = CliRunner()
SARAH, OPTED_OUT = "P000000001", "P000000002"
COOKIE = "commontable_session"


@dataclass
class Region:
    listener: Listener
    web: TestClient
    sessions: dict[str, str]  # organization -> a care team member's session secret


def _crosswalk(workspace: Path) -> None:
    """As the last `commontable match` left it: H1001 is Sarah, H2002 the person who opted out."""
    rows = pa.table({
        "data_source": [SOURCE, SOURCE],
        "source_person_id": ["H1001", "H2002"],
        "person_id": [SARAH, OPTED_OUT],
        "match_probability": [1.0, 1.0],
        "match_method": ["deterministic", "deterministic"],
        "matched_at": [datetime(2025, 1, 1), datetime(2025, 1, 1)],
    })  # fmt: skip
    with connect(str(workspace / "warehouse.duckdb")) as store:
        store.replace({"person_crosswalk": rows})


def _members(workspace: Path) -> dict[str, str]:
    """The hospital, a clinic and a plan following Sarah, an unrelated clinic; a care team member
    of each with a session."""
    engine = app_db_engine(load_settings(workspace))
    sessions = {}
    with transaction(engine) as session:
        add_organization(session, "Lakeside General Hospital", OrganizationType.HOSPITAL,
                         data_source=SOURCE)  # fmt: skip
        for name, kind, team_kind, follows in [
            (
                "Riverside Clinic",
                OrganizationType.CLINIC,
                TeamKind.PRIMARY_CARE,
                [SARAH, OPTED_OUT],
            ),
            (
                "Cascade Health Plan",
                OrganizationType.HEALTH_PLAN,
                TeamKind.CARE_MANAGEMENT,
                [SARAH],
            ),
            ("Hilltop Clinic", OrganizationType.CLINIC, TeamKind.PRIMARY_CARE, ["P000000003"]),
        ]:
            organization = add_organization(session, name, kind)
            team = create_team(session, Actor(), organization, f"{name} care team", team_kind)
            follow(session, Actor(), team, follows, SubscriptionSource.ROSTER)
            email = f"care@{organization.data_source}.example"
            person = add_person(session, email, "Care", organization, roles=[Role.CARE_TEAM])
            sessions[name] = start_login_session(session, person)
        plan = organization
        record_consent(session, Actor(), [OPTED_OUT], ConsentDecision.OPT_OUT, plan)
    engine.dispose()
    return sessions


@pytest.fixture
def region(tmp_path: Path) -> Iterator[Region]:
    assert runner.invoke(app, ["init", str(tmp_path)]).exit_code == 0
    _crosswalk(tmp_path)
    sessions = _members(tmp_path)
    listener = start_listener(tmp_path)
    with TestClient(create_app(load_settings(tmp_path))) as web:
        yield Region(listener, web, sessions)
    if listener.process.poll() is None:
        listener.stop()


def work_list(region: Region, organization: str) -> list[dict[str, object]]:
    answer = region.web.get(
        "/api/care/notifications", cookies={COOKIE: region.sessions[organization]}
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["notifications"]


def wait_for(
    region: Region, organization: str, count: int, within: float
) -> list[dict[str, object]]:
    deadline = time.monotonic() + within
    while len(found := work_list(region, organization)) < count:
        assert time.monotonic() < deadline, f"{organization} saw {found} after {within} s"
        time.sleep(0.05)
    return found


def test_the_ed_visit_and_the_discharge_reach_the_clinic_and_the_plan_within_2_seconds(
    region: Region,
) -> None:
    sent = time.monotonic()
    acks = send(region.listener.port, visit_message("A04", "LGH1").encode(),
                visit_message("A03", "LGH2").encode())  # fmt: skip
    assert [str(a.segment("MSA")(1)) for a in acks] == ["AA", "AA"]
    clinic = wait_for(region, "Riverside Clinic", 2, within=2.0)
    plan = wait_for(region, "Cascade Health Plan", 2, within=2.0 - (time.monotonic() - sent))
    assert sorted(str(n["event"]) for n in clinic) == ["ED visit", "discharge"]
    assert {n["patient_name"] for n in plan} == {"Sarah Moore"}


def test_an_unrelated_clinic_sees_nothing(region: Region) -> None:
    send(region.listener.port, visit_message("A04", "LGH1").encode())
    wait_for(region, "Riverside Clinic", 1, within=2.0)
    assert work_list(region, "Hilltop Clinic") == []


def test_an_opted_out_person_produces_no_notification(region: Region) -> None:
    send(region.listener.port, visit_message("A04", "LGH1", patient_id="H2002").encode(),
         visit_message("A04", "LGH2").encode())  # fmt: skip
    clinic = wait_for(region, "Riverside Clinic", 1, within=2.0)
    time.sleep(0.5)  # a round more: the opted-out person's visit is not merely late
    assert (
        [n["person_id"] for n in work_list(region, "Riverside Clinic")]
        == [SARAH]
        == [n["person_id"] for n in clinic]
    )


def test_a_malformed_message_gets_ae_and_is_kept_with_its_reason(region: Region) -> None:
    no_patient = visit_message("A04", "LGH9").replace("PID|1||H1001", "PID|1||")
    (ack,) = send(region.listener.port, no_patient.encode())
    assert str(ack.segment("MSA")(1)) == "AE"
    region.listener.stop()
    refused = (region.listener.workspace / "care/feeds" / SOURCE / "refused.jsonl").read_text()
    assert "PID-3 (patient identifier) is empty" in refused
