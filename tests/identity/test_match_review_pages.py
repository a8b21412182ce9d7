"""The match review queue: pairs of source records side by side (no SSN) for the data steward
(every pair) and an organization's analysts (pairs of its own records) only; a reviewer's
decision recorded, applied and audited by opaque reference."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient

from commontable.appdb import transaction
from commontable.audit import AuditAction, entries
from commontable.config import Settings
from commontable.identity import decisions
from commontable.identity.engine import match_engine
from commontable.identity.person import review_records
from commontable.identity.records import source_records
from commontable.jobs import work
from commontable.members import Role
from commontable.warehouse import Warehouse, connect
from tests.app_fixtures import AppDatabase
from tests.patients import send_patients
from tests.web.conftest import Region, bearer, csrf_of, signed_in

ROBERT = {
    "first_name": "Robert",
    "last_name": "Smith",
    "sex": "male",
    "birth_date": "1961-04-12",
    "social_security_number": "123-45-6789",
    "address": "12 Main St",
    "city": "Springfield",
    "state": "OR",
    "zip_code": "97477",
    "phone": "541-555-0100",
}
PLAN, CLINIC = "cascade-health-plan", "riverside-community-clinic"
LEFT, RIGHT = f"{PLAN}:c1", f"{CLINIC}:r9"
TWIN = f"{PLAN}:c3"  # the plan's own second record of Robert
OTHERS = tuple(role for role in Role if role is not Role.ANALYST)  # admins and staff included


def _table(store: Warehouse, name: str, rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=store.schemas[name].to_pyarrow())


@pytest.fixture
def queue(settings: Settings, tmp_path: Path) -> Settings:
    """Robert as the plan sent him (c1) and as the clinic did (r9, a typo in his name), two
    persons in the crosswalk and their pair in the review queue."""
    now = datetime(2025, 1, 1)
    with connect(settings.warehouse_url) as store:
        send_patients(
            store,
            tmp_path / "plan",
            PLAN,
            [{**ROBERT, "person_id": "c1"}, {**ROBERT, "person_id": "c3", "phone": "541-555-0199"}],
        )
        send_patients(
            store,
            tmp_path / "clinic",
            CLINIC,
            [{**ROBERT, "person_id": "r9", "first_name": "Robret"}],
        )
        crosswalk = [
            {
                "data_source": source,
                "source_person_id": source_id,
                "person_id": person_id,
                "match_probability": None,
                "match_method": "unmatched",
                "matched_at": now,
            }
            for source, source_id, person_id in (
                (PLAN, "c1", "P000000001"),
                (CLINIC, "r9", "P000000002"),
                (PLAN, "c3", "P000000003"),
            )
        ]
        review = [
            {
                "data_source_l": PLAN,
                "source_person_id_l": "c1",
                "person_id_l": "P000000001",
                "data_source_r": CLINIC,
                "source_person_id_r": "r9",
                "person_id_r": "P000000002",
                "match_probability": 0.74,
                "reason": "uncertain: between the review and match thresholds",
            },
            {
                "data_source_l": PLAN,
                "source_person_id_l": "c1",
                "person_id_l": "P000000001",
                "data_source_r": PLAN,
                "source_person_id_r": "c3",
                "person_id_r": "P000000003",
                "match_probability": 0.61,
                "reason": "uncertain: between the review and match thresholds",
            },
        ]
        store.replace(
            {
                "person_crosswalk": _table(store, "person_crosswalk", crosswalk),
                "match_review": _table(store, "match_review", review),
            }
        )
        shown = review_records(source_records(store), store.table("match_review"))
        store.replace({"match_review_record": store.fetch(shown)})
    return settings


def _apply_decisions(store: Warehouse, _model: Path) -> None:
    """What a matching run does with the decisions, without scoring (no model to train on two
    records): the decisions applied to the crosswalk, decided pairs leave the queue."""
    engine = match_engine(store)
    try:
        crosswalk = engine.load(store.table("person_crosswalk"), "crosswalk")
        decided = engine.load(decisions.latest(store.table("match_decision")), "decided")
        applied = engine.arrow(decisions.apply(engine, crosswalk, decided))
        store.replace(
            {
                "person_crosswalk": applied,
                "match_review": _table(store, "match_review", []),
                "match_review_record": _table(store, "match_review_record", []),
            }
        )
    finally:
        engine.close()


@pytest.fixture
def saved_model(queue: Settings, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A saved model file, and matching runs that apply decisions without Splink."""
    model = Path(queue.resolve(queue.identity_model))
    model.parent.mkdir(parents=True, exist_ok=True)
    model.write_text("{}")
    monkeypatch.setattr(work, "match_people", _apply_decisions)
    return model


def _crosswalk(settings: Settings) -> dict[tuple[str, str], str]:
    with connect(settings.warehouse_url) as store:
        rows = store.table("person_crosswalk").to_pyarrow().to_pylist()
    return {(r["data_source"], r["source_person_id"]): r["person_id"] for r in rows}


def _decisions(settings: Settings) -> list[dict[str, Any]]:
    with connect(settings.warehouse_url) as store:
        rows: list[dict[str, Any]] = store.table("match_decision").to_pyarrow().to_pylist()
        return rows


def _audited(app_db: AppDatabase, action: AuditAction) -> list[dict[str, Any]]:
    with transaction(app_db.engine) as session:
        return [
            entry.details | {"_target": entry.target} for entry in entries(session, action=action)
        ]


def test_the_data_steward_sees_every_pair_side_by_side_without_ssn(
    client: TestClient, region: Region, app_db: AppDatabase, queue: Settings
) -> None:
    signed_in(client, app_db, region.steward)
    answer = client.get("/match-review")
    assert answer.status_code == 200
    page = answer.text
    for shown in (PLAN, CLINIC, "c1", "r9", "c3", "P000000001", "P000000002", "ROBERT", "ROBRET"):
        assert shown in page
    assert "1961-04-12" in page
    assert "97477" in page
    assert "5415550100" in page
    assert "0.740" in page
    assert "uncertain" in page
    assert "6789" not in page
    assert "123456789" not in page
    assert 'href="/match-review"' in page  # the navigation links to it
    assert len(_audited(app_db, AuditAction.VIEW_MATCH_REVIEW)) == 1


def test_an_analyst_sees_only_pairs_of_their_own_organizations_records(
    client: TestClient, region: Region, app_db: AppDatabase, queue: Settings
) -> None:
    signed_in(client, app_db, region.people[Role.ANALYST])
    page = client.get("/match-review").text
    assert "c3" in page
    assert "0.610" in page
    for hidden in (CLINIC, "r9", "ROBRET", "P000000002", "0.740"):
        assert hidden not in page
    body = client.get("/api/match-review").json()
    assert body["total"] == 1
    assert {body["pairs"][0]["left"]["data_source"], body["pairs"][0]["right"]["data_source"]} == {
        PLAN
    }


def test_an_analyst_cannot_decide_on_another_organizations_record(
    client: TestClient, region: Region, app_db: AppDatabase, queue: Settings
) -> None:
    token = signed_in(client, app_db, region.people[Role.ANALYST])
    answer = client.post(
        "/match-review/decide",
        data={"csrf_token": token, "left": LEFT, "right": RIGHT, "decision": "same"},
    )
    assert answer.status_code == 403
    assert _decisions(queue) == []
    assert _audited(app_db, AuditAction.DECIDE_MATCH) == []


@pytest.mark.parametrize("role", OTHERS)
def test_everyone_else_is_refused(
    role: Role, client: TestClient, region: Region, app_db: AppDatabase, queue: Settings
) -> None:
    token = signed_in(client, app_db, region.people[role])
    assert 'href="/match-review"' not in client.get("/").text
    assert client.get("/match-review").status_code == 403
    assert client.get("/api/match-review").status_code == 403
    decided = client.post(
        "/match-review/decide",
        data={"csrf_token": token, "left": LEFT, "right": RIGHT, "decision": "same"},
    )
    assert decided.status_code == 403
    assert _decisions(queue) == []
    assert _audited(app_db, AuditAction.VIEW_MATCH_REVIEW) == []


def test_an_api_token_is_refused(client: TestClient, region: Region, queue: Settings) -> None:
    assert client.get("/api/match-review", headers=bearer(region.own_token)).status_code == 403


def test_the_api_lists_pairs_without_ssn(
    client: TestClient, region: Region, app_db: AppDatabase, queue: Settings
) -> None:
    signed_in(client, app_db, region.steward)
    answer = client.get("/api/match-review")
    assert answer.status_code == 200
    body = answer.json()
    assert body["total"] == 2
    pair = body["pairs"][0]
    assert pair["left"]["source_person_id"] == "c1"
    assert pair["right"]["first_name"] == "ROBRET"
    assert pair["match_probability"] == pytest.approx(0.74)
    assert "ssn" not in pair["left"]
    assert "6789" not in answer.text
    assert len(_audited(app_db, AuditAction.VIEW_MATCH_REVIEW)) == 1


def test_accepting_a_pair_merges_the_persons_and_is_audited(
    client: TestClient, region: Region, app_db: AppDatabase, queue: Settings, saved_model: Path
) -> None:
    signed_in(client, app_db, region.steward)
    token = csrf_of(client.get("/match-review").text)
    answer = client.post(
        "/match-review/decide",
        data={"csrf_token": token, "left": LEFT, "right": RIGHT, "decision": "same"},
    )
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/match-review?")
    crosswalk = _crosswalk(queue)
    assert crosswalk[(PLAN, "c1")] == crosswalk[(CLINIC, "r9")] == "P000000001"
    [decision] = _decisions(queue)
    assert (decision["decision"], decision["decided_by"]) == ("same", "steward@cascade.example")
    [audited] = _audited(app_db, AuditAction.DECIDE_MATCH)
    assert (audited["decision"], audited["applied"]) == ("same", True)
    assert audited["_target"] == f"match decision {decision['decision_id']}"
    page = client.get(answer.headers["location"]).text
    assert "the two records are the same person" in page
    assert "No pairs to review" in page


def test_the_audit_names_decided_records_by_opaque_reference_only(
    client: TestClient, region: Region, app_db: AppDatabase, queue: Settings
) -> None:
    token = signed_in(client, app_db, region.people[Role.ANALYST])
    for decision in ("same", "different"):
        client.post(
            "/match-review/decide",
            data={"csrf_token": token, "left": LEFT, "right": TWIN, "decision": decision},
        )
    first, second = _audited(app_db, AuditAction.DECIDE_MATCH)
    assert first["records"] == second["records"]  # the same records, the same references
    assert all(reference.startswith("rec_") for reference in first["records"])
    written = str(first) + str(second)
    for patient_id in ("c1", "c3", LEFT, TWIN, "P000000001"):
        assert patient_id not in written


def test_rejecting_a_pair_keeps_the_persons_apart(
    client: TestClient, region: Region, app_db: AppDatabase, queue: Settings, saved_model: Path
) -> None:
    token = signed_in(client, app_db, region.people[Role.ANALYST])
    answer = client.post(
        "/match-review/decide",
        data={"csrf_token": token, "left": LEFT, "right": TWIN, "decision": "different"},
    )
    assert answer.status_code == 303
    crosswalk = _crosswalk(queue)
    assert crosswalk[(PLAN, "c1")] != crosswalk[(PLAN, "c3")]
    [decision] = _decisions(queue)
    assert decision["decision"] == "different"


def test_without_a_saved_model_the_decision_waits_for_the_next_run(
    client: TestClient, region: Region, app_db: AppDatabase, queue: Settings
) -> None:
    token = signed_in(client, app_db, region.steward)
    answer = client.post(
        "/match-review/decide",
        data={"csrf_token": token, "left": LEFT, "right": RIGHT, "decision": "same"},
    )
    assert answer.status_code == 303
    assert len(_decisions(queue)) == 1
    assert len(set(_crosswalk(queue).values())) == 3  # not applied yet
    assert "next `commontable match` run" in client.get(answer.headers["location"]).text


def test_an_unknown_record_shows_a_message(
    client: TestClient, region: Region, app_db: AppDatabase, queue: Settings
) -> None:
    token = signed_in(client, app_db, region.steward)
    answer = client.post(
        "/match-review/decide",
        data={"csrf_token": token, "left": LEFT, "right": f"{CLINIC}:nobody", "decision": "same"},
    )
    assert answer.status_code == 303
    page = client.get(answer.headers["location"]).text
    assert "The decision was not recorded" in page
    assert f"record {CLINIC}:nobody is not in the person crosswalk" in page
    assert _decisions(queue) == []
    [audited] = _audited(app_db, AuditAction.DECIDE_MATCH)
    assert audited["status"] == "failed"


def test_a_decision_without_the_csrf_token_is_refused(
    client: TestClient, region: Region, app_db: AppDatabase, queue: Settings
) -> None:
    signed_in(client, app_db, region.steward)
    answer = client.post(
        "/match-review/decide", data={"left": LEFT, "right": RIGHT, "decision": "same"}
    )
    assert answer.status_code == 403
    assert _decisions(queue) == []
