"""Governance on the web: a vote from draft to decision, one organization one vote through the
pages and the API, and a two-round Delphi study ending in the agreed measure set; every step
audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from commontable.appdb import transaction
from commontable.audit import AuditAction, entries
from commontable.members import (
    Organization,
    OrganizationType,
    Person,
    Role,
    add_organization,
    add_person,
    get_organization,
)
from tests.app_fixtures import AppDatabase
from tests.web.conftest import Region, signed_in

NEXT_WEEK = (datetime.now(UTC) + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")


def add_representative(app_db: AppDatabase, organization: Organization, name: str) -> Person:
    """A member representative of `organization`, committed."""
    with transaction(app_db.engine) as session:
        email = f"{name.split()[0].lower()}@{organization.data_source}.example"
        return add_person(
            session,
            email,
            name,
            get_organization(session, organization.id),
            roles=[Role.MEMBER_REPRESENTATIVE],
        )


def audit_trail(app_db: AppDatabase, *actions: AuditAction) -> list[tuple[str, dict[str, object]]]:
    with transaction(app_db.engine) as session:
        return [(e.action, e.details) for e in entries(session) if e.action in actions]


def post(client: TestClient, csrf: str, url: str, **form: object) -> int:
    answer = client.post(url, data=form, headers={"X-CSRF-Token": csrf})
    assert answer.status_code in (303, 200), answer.text
    return answer.status_code


@pytest.fixture
def riverside_rep(app_db: AppDatabase, region: Region) -> Person:
    return add_representative(app_db, region.other, "Rosa Riverside")


def open_proposal(client: TestClient, app_db: AppDatabase, region: Region, **extra: object) -> int:
    """Staff drafts and opens a proposal to the network; its id."""
    csrf = signed_in(client, app_db, region.people[Role.STAFF])
    answer = client.post(
        "/motions",
        data={
            "collaborative": region.network.id,
            "kind": "proposal",
            "title": "Adopt the 2026 measure set",
            "closes_at": NEXT_WEEK,
            **extra,
        },
        headers={"X-CSRF-Token": csrf},
    )
    assert answer.status_code == 303, answer.text
    motion_id = int(answer.headers["location"].split("/")[2].split("?")[0])
    post(client, csrf, f"/motions/{motion_id}/open")
    return motion_id


def test_a_vote_from_draft_to_decision_is_audited_at_every_step(
    client: TestClient, app_db: AppDatabase, region: Region, riverside_rep: Person
) -> None:
    motion = open_proposal(client, app_db, region)
    csrf = signed_in(client, app_db, region.people[Role.MEMBER_REPRESENTATIVE])
    post(client, csrf, f"/motions/{motion}/vote", position="yes")
    csrf = signed_in(client, app_db, riverside_rep)
    answer = client.post(
        f"/api/motions/{motion}/votes", json={"position": "no"}, headers={"X-CSRF-Token": csrf}
    )
    assert answer.json()["organization"] == "Riverside Community Clinic"
    csrf = signed_in(client, app_db, region.people[Role.STAFF])
    post(client, csrf, f"/motions/{motion}/close")
    page = client.get(f"/motions/{motion}").text
    assert "failed with 50% yes: 1 yes, 1 no, 0 abstain, 0 block" in page
    assert "Riverside Community Clinic: no" in page  # a named vote's roll call
    trail = audit_trail(
        app_db,
        AuditAction.CREATE_MOTION,
        AuditAction.OPEN_MOTION,
        AuditAction.CAST_VOTE,
        AuditAction.CLOSE_MOTION,
    )
    assert [action for action, _ in trail] == [
        "create-motion",
        "open-motion",
        "cast-vote",
        "cast-vote",
        "close-motion",
    ]
    assert trail[2][1]["choice"] == "yes"
    log = client.get("/api/decisions").json()
    assert log[0]["tally"]["yes"] == 1
    assert log[0]["passed"] is False


def test_a_second_representative_of_an_organization_is_refused(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    motion = open_proposal(client, app_db, region)
    colleague = add_representative(app_db, region.own, "Carl Cascade")
    csrf = signed_in(client, app_db, region.people[Role.MEMBER_REPRESENTATIVE])
    post(client, csrf, f"/motions/{motion}/vote", position="yes")
    csrf = signed_in(client, app_db, colleague)
    answer = client.post(
        f"/motions/{motion}/vote", data={"position": "no"}, headers={"X-CSRF-Token": csrf}
    )
    assert answer.status_code == 409
    assert "Cascade Health Plan has already voted" in answer.text
    api = client.post(
        f"/api/motions/{motion}/votes", json={"position": "no"}, headers={"X-CSRF-Token": csrf}
    )
    assert api.status_code == 409


def test_a_representative_of_a_non_member_is_told_why_they_cannot_vote(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    motion = open_proposal(client, app_db, region)
    with transaction(app_db.engine) as session:
        hospital = add_organization(session, "Valley Hospital", OrganizationType.HOSPITAL)
    outsider = add_representative(app_db, hospital, "Vic Valley")
    csrf = signed_in(client, app_db, outsider)
    assert "Valley Hospital is not a voting member" in client.get(f"/motions/{motion}").text
    answer = client.post(
        f"/motions/{motion}/vote", data={"position": "yes"}, headers={"X-CSRF-Token": csrf}
    )
    assert answer.status_code == 403


def test_an_anonymous_vote_leaves_its_choice_out_of_the_audit_log(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    motion = open_proposal(client, app_db, region, anonymous="true")
    csrf = signed_in(client, app_db, region.people[Role.MEMBER_REPRESENTATIVE])
    post(client, csrf, f"/motions/{motion}/vote", position="block")
    ((_, detail),) = audit_trail(app_db, AuditAction.CAST_VOTE)
    assert "choice" not in detail


def test_a_declared_conflict_recuses_the_organization(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    motion = open_proposal(client, app_db, region)
    csrf = signed_in(client, app_db, region.people[Role.MEMBER_REPRESENTATIVE])
    post(client, csrf, f"/motions/{motion}/conflict", reason="we sell the software")
    page = client.get(f"/motions/{motion}").text
    assert "Cascade Health Plan (conflict of interest)" in page
    assert "declared a conflict of interest on this motion and is recused" in page


# --- a Delphi study -------------------------------------------------------------------------


def test_a_two_round_delphi_with_three_panelists_ends_in_a_consensus_set(
    client: TestClient, app_db: AppDatabase, region: Region, riverside_rep: Person
) -> None:
    third = add_representative(app_db, region.own, "Pat Patient-Advocate")
    staff = signed_in(client, app_db, region.people[Role.STAFF])
    answer = client.post(
        "/delphi",
        data={"collaborative": region.network.id, "title": "Measures for 2026", "rule": "cos"},
        headers={"X-CSRF-Token": staff},
    )
    study = int(answer.headers["location"].split("/")[2].split("?")[0])
    post(
        client,
        staff,
        f"/delphi/{study}/items",
        measure_id="CMS122",
        text="Diabetes: HbA1c poor control",
    )
    post(client, staff, f"/delphi/{study}/items", text="Food insecurity screening")
    panel = {
        region.people[Role.MEMBER_REPRESENTATIVE]: "health_plans",
        riverside_rep: "providers",
        third: "patients",
    }
    for person, group in panel.items():
        post(client, staff, f"/delphi/{study}/panel", person=person.id, group=group)
    items = [item["id"] for item in client.get(f"/api/delphi/studies/{study}").json()["items"]]

    def round_of(ratings: list[tuple[int, int]]) -> None:
        csrf = signed_in(client, app_db, region.people[Role.STAFF])
        post(client, csrf, f"/delphi/{study}/rounds", closes_at=NEXT_WEEK)
        for person, (a1c, food) in zip(panel, ratings, strict=True):
            csrf = signed_in(client, app_db, person)
            form = {
                f"rating-{items[0]}": a1c,
                f"rating-{items[1]}": food,
                f"comment-{items[1]}": f"{person.name} thinks {food}",
            }
            post(client, csrf, f"/delphi/{study}/rate", **form)
        csrf = signed_in(client, app_db, region.people[Role.STAFF])
        post(client, csrf, f"/delphi/{study}/rounds/close")

    round_of([(8, 5), (9, 7), (8, 8)])
    signed_in(client, app_db, third)
    form = client.get(f"/delphi/{study}/rate").text
    assert "No round is open for rating" in form
    assert "median 7.0, interquartile range 6.0–7.5" in form  # food: 5, 7, 8
    assert "you rated it 8" in form
    assert "Rosa Riverside thinks 7" in form  # comments are shown without their authors' names
    results = client.get(f"/api/delphi/studies/{study}/rounds/1").json()
    assert [r["verdict"] for r in results["results"]] == ["consensus in", "no consensus"]

    round_of([(8, 7), (9, 8), (8, 8)])
    page = client.get(f"/delphi/{study}").text
    assert "The agreed measure set" in page
    finished = client.get(f"/api/delphi/studies/{study}").json()
    assert [i["measure_id"] for i in finished["agreed_set"]] == ["CMS122", None]
    assert finished["stop_reason"] == "every item reached consensus in round 2"
    assert len(audit_trail(app_db, AuditAction.RATE_ITEMS)) == 6


def test_the_rating_form_is_only_for_the_panel(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    staff = signed_in(client, app_db, region.people[Role.STAFF])
    answer = client.post(
        "/delphi",
        data={"collaborative": region.network.id, "title": "Measures", "rule": "rand"},
        headers={"X-CSRF-Token": staff},
    )
    study = answer.headers["location"].split("?")[0]
    signed_in(client, app_db, region.people[Role.MEMBER_REPRESENTATIVE])
    refused = client.get(f"{study}/rate")
    assert refused.status_code == 403
    assert "is not on the panel" in refused.text


def test_per_group_results_hide_groups_under_three_panelists(
    client: TestClient, app_db: AppDatabase, region: Region, riverside_rep: Person
) -> None:
    staff = signed_in(client, app_db, region.people[Role.STAFF])
    answer = client.post(
        "/delphi",
        data={"collaborative": region.network.id, "title": "Small panel"},
        headers={"X-CSRF-Token": staff},
    )
    study = int(answer.headers["location"].split("/")[2].split("?")[0])
    post(client, staff, f"/delphi/{study}/items", text="Readmissions")
    for person in (region.people[Role.MEMBER_REPRESENTATIVE], riverside_rep):
        post(client, staff, f"/delphi/{study}/panel", person=person.id, group="providers")
    post(client, staff, f"/delphi/{study}/rounds", closes_at=NEXT_WEEK)
    item = client.get(f"/api/delphi/studies/{study}").json()["items"][0]["id"]
    for person in (region.people[Role.MEMBER_REPRESENTATIVE], riverside_rep):
        csrf = signed_in(client, app_db, person)
        post(client, csrf, f"/delphi/{study}/rate", **{f"rating-{item}": 9})
    staff = signed_in(client, app_db, region.people[Role.STAFF])
    post(client, staff, f"/delphi/{study}/rounds/close")
    rows = client.get(f"/api/delphi/studies/{study}/rounds/1?by_group=true").json()["results"]
    providers = next(r for r in rows if r["group"] == "providers")
    assert providers["n"] == 2
    assert providers["median"] is None
    assert (
        "not shown: fewer than three panelists"
        in client.get(f"/delphi/{study}/rounds/1?by_group=true").text
    )


@pytest.mark.parametrize(
    ("kind", "fields", "shown"),
    [
        ("choose_one", {"choice": "{0}"}, "Tuesday 10:00"),
        ("ranked", {"rank-{1}": "1", "rank-{0}": "2"}, "Round 1"),
        ("score", {"score-{0}": "2", "score-{1}": "5"}, "Wednesday 14:00"),
        ("meeting_time", {"time-{0}": "0", "time-{1}": "2"}, "Wednesday 14:00"),
    ],
)
def test_every_kind_of_poll_takes_its_ballot_from_the_form(
    client: TestClient,
    app_db: AppDatabase,
    region: Region,
    kind: str,
    fields: dict[str, str],
    shown: str,
) -> None:
    staff = signed_in(client, app_db, region.people[Role.STAFF])
    answer = client.post(
        "/motions",
        data={
            "collaborative": region.network.id,
            "kind": kind,
            "title": "When do we meet?",
            "options": "Tuesday 10:00\nWednesday 14:00",
            "closes_at": NEXT_WEEK,
        },
        headers={"X-CSRF-Token": staff},
    )
    motion = int(answer.headers["location"].split("/")[2].split("?")[0])
    post(client, staff, f"/motions/{motion}/open")
    options = [o["id"] for o in client.get(f"/api/motions/{motion}").json()["options"]]
    rep = signed_in(client, app_db, region.people[Role.MEMBER_REPRESENTATIVE])
    assert "Vote for your organization" in client.get(f"/motions/{motion}").text
    form = {name.format(*options): value.format(*options) for name, value in fields.items()}
    post(client, rep, f"/motions/{motion}/vote", **form)
    staff = signed_in(client, app_db, region.people[Role.STAFF])
    post(client, staff, f"/motions/{motion}/close")
    page = client.get(f"/motions/{motion}").text
    assert "Outcome" in page
    assert shown in page


def test_staff_set_a_collaboratives_quorum_and_threshold(
    client: TestClient, app_db: AppDatabase, region: Region
) -> None:
    staff = signed_in(client, app_db, region.people[Role.STAFF])
    post(
        client,
        staff,
        f"/collaboratives/{region.network.id}/governance",
        quorum_percent=75,
        threshold_percent=66.67,
        inclusive="true",
    )
    page = client.get(f"/motions?collaborative={region.network.id}").text
    assert "quorum 75% of members; passes with at least 67% yes" in page
    assert audit_trail(app_db, AuditAction.SET_GOVERNANCE_RULES)
