"""Following one person on the web: only a person the team's organization has records of (an
attacker's guess at another organization's patient gets the same refusal as a made-up id)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from commontable.appdb import transaction
from commontable.audit import Actor, app_db_engine
from commontable.care.models import Subscription, TeamKind
from commontable.care.teams import create_team
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
