"""Following one person on the web: only a person the team's organization has records of (an
attacker's guess at another organization's patient gets the same refusal as a made-up id)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from commontable.appdb import transaction
from commontable.audit import Actor, app_db_engine
from commontable.care.models import CareTeam, Subscription, TeamKind
from commontable.care.teams import DEFAULT_EVENTS, DEFAULT_SETTINGS, create_team
from commontable.cli import app
from commontable.config import load_settings
from commontable.members import OrganizationType, Role, add_organization, add_person
from commontable.members.login_sessions import start_login_session
from commontable.warehouse import writing
from commontable.web import create_app
from commontable.web.gate import csrf_token_for

COOKIE = "commontable_session"


@dataclass
class Clinic:
    web: TestClient
    workspace: Path
    team_id: int
    csrf: str


@pytest.fixture
def clinic(tmp_path: Path) -> Iterator[Clinic]:
    assert CliRunner().invoke(app, ["init", str(tmp_path)]).exit_code == 0
    settings = load_settings(tmp_path)
    rows = pa.table({
        "data_source": ["riverside-clinic", "lakeside-hospital"],
        "source_person_id": ["MRN1", "H2"],
        "person_id": ["P000000001", "P000000002"],
        "match_probability": [1.0, 1.0],
        "match_method": ["deterministic", "deterministic"],
        "matched_at": [datetime(2025, 1, 1)] * 2,
    })  # fmt: skip
    with writing(settings, refresh=True) as store:
        store.replace({"person_crosswalk": rows})
    engine = app_db_engine(settings)
    with transaction(engine) as session:
        member = add_organization(session, "Riverside Clinic", OrganizationType.CLINIC,
                                  data_source="riverside-clinic")  # fmt: skip
        team = create_team(session, Actor(), member, "Care team", TeamKind.PRIMARY_CARE)
        person = add_person(session, "care@riverside.example", "Care", member,
                            roles=[Role.CARE_TEAM])  # fmt: skip
        secret, team_id = start_login_session(session, person), team.id
    engine.dispose()
    with TestClient(create_app(settings), follow_redirects=False) as web:
        web.cookies.set(COOKIE, secret)
        yield Clinic(web, tmp_path, team_id, csrf_token_for(secret))


def follow(clinic: Clinic, person_id: str) -> int:
    answer = clinic.web.post(
        f"/care/teams/{clinic.team_id}/follow",
        data={"person_id": person_id, "csrf_token": clinic.csrf},
    )
    return answer.status_code


def followed(clinic: Clinic) -> list[str]:
    engine = app_db_engine(load_settings(clinic.workspace))
    with transaction(engine) as session:
        found = list(session.scalars(select(Subscription.person_id)))
    engine.dispose()
    return found


def test_a_care_team_follows_its_own_patient(clinic: Clinic) -> None:
    assert follow(clinic, "P000000001") == 303
    assert followed(clinic) == ["P000000001"]


def test_another_organizations_patient_is_refused(clinic: Clinic) -> None:
    assert follow(clinic, "P000000002") == 403
    assert followed(clinic) == []


def test_a_made_up_id_is_refused_the_same_way(clinic: Clinic) -> None:
    known = clinic.web.post(
        f"/care/teams/{clinic.team_id}/follow",
        data={"person_id": "P000000002", "csrf_token": clinic.csrf},
    )
    made_up = clinic.web.post(
        f"/care/teams/{clinic.team_id}/follow",
        data={"person_id": "P000000999", "csrf_token": clinic.csrf},
    )
    assert (known.status_code, known.text) == (made_up.status_code, made_up.text)


def _team(clinic: Clinic) -> dict[str, object]:
    engine = app_db_engine(load_settings(clinic.workspace))
    with transaction(engine) as session:
        team = session.get(CareTeam, clinic.team_id)
        assert team is not None
        found = {
            "events": team.events, "settings": team.settings, "quiet": team.quiet_from,
            "webhook": team.webhook_url, "sealed": team.webhook_secret is not None,
        }  # fmt: skip
    engine.dispose()
    return found


def test_the_team_sets_its_rules_on_its_form(clinic: Clinic) -> None:
    answer = clinic.web.post(
        f"/care/teams/{clinic.team_id}/rules",
        data={"events": ["discharge", "death"], "settings": ["inpatient"], "quiet_from": "20:00",
              "quiet_until": "07:00", "csrf_token": clinic.csrf},
    )  # fmt: skip
    assert answer.status_code == 303
    team = _team(clinic)
    assert (team["events"], team["settings"], team["quiet"]) == (
        ["discharge", "death"],
        ["inpatient"],
        time(20, 0),
    )


def test_setting_a_webhook_shows_its_secret_once(clinic: Clinic) -> None:
    answer = clinic.web.post(
        f"/care/teams/{clinic.team_id}/rules",
        data={"events": ["admission"], "settings": ["inpatient"], "csrf_token": clinic.csrf,
              "webhook_url": "https://clinic.example/hooks/care"},
    )  # fmt: skip
    assert answer.status_code == 200
    assert "shown this once" in answer.text
    assert _team(clinic)["sealed"] is True
    again = clinic.web.get("/care/teams")
    assert "shown this once" not in again.text


def test_staff_create_a_team_that_hears_the_defaults_unless_told(clinic: Clinic) -> None:
    engine = app_db_engine(load_settings(clinic.workspace))
    with transaction(engine) as session:
        home = add_organization(session, "Common Table", OrganizationType.COLLABORATIVE)
        staff = add_person(session, "staff@table.example", "Staff", home, roles=[Role.STAFF])
        secret = start_login_session(session, staff)
        clinic_id = session.scalars(select(CareTeam.organization_id)).one()
    engine.dispose()
    clinic.web.cookies.set(COOKIE, secret)
    answer = clinic.web.post("/care/teams", data={
        "organization_id": str(clinic_id), "name": "Night team", "kind": "primary_care",
        "csrf_token": csrf_token_for(secret)})  # fmt: skip
    assert answer.status_code == 303
    with transaction(app_db_engine(load_settings(clinic.workspace))) as session:
        team = session.scalars(select(CareTeam).where(CareTeam.name == "Night team")).one()
        assert (tuple(team.events), tuple(team.settings)) == (DEFAULT_EVENTS, DEFAULT_SETTINGS)


def upload_roster(clinic: Clinic, name: str, content: str) -> str:
    answer = clinic.web.post(
        f"/care/teams/{clinic.team_id}/roster",
        data={"csrf_token": clinic.csrf},
        files={"roster": (name, content.encode(), "text/csv")},
    )
    assert answer.status_code == 200, answer.text
    return answer.text


def test_a_roster_of_the_clinics_own_patient_ids_is_followed(clinic: Clinic) -> None:
    page = upload_roster(clinic, "roster.csv", "patient_id\nMRN1\n")
    assert followed(clinic) == ["P000000001"]
    assert "follows 1 people from this roster (1 new)" in page


def test_a_roster_row_nobody_matched_is_listed_and_not_followed(clinic: Clinic) -> None:
    page = upload_roster(clinic, "roster.csv", "patient_id\nMRN1\nMRN404\n")
    assert followed(clinic) == ["P000000001"]
    assert "MRN404: no person matched to it yet" in page


def test_a_roster_of_another_organizations_patients_follows_none_of_them(
    clinic: Clinic,
) -> None:
    page = upload_roster(clinic, "roster.csv", "person_id\nP000000002\nP000000999\n")
    assert followed(clinic) == []
    assert page.count("not among the people your submissions hold") == 2


def test_a_fhir_group_roster_is_followed(clinic: Clinic) -> None:
    group = (
        '{"resourceType": "Group", "type": "person", "membership": "enumerated", "member": ['
        '{"entity": {"reference": "Patient/MRN1"}}]}'
    )
    upload_roster(clinic, "roster.json", group)
    assert followed(clinic) == ["P000000001"]
