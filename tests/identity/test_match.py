"""Matching the warehouse's person records into persons: rules, model, stable ids, review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from commontable.errors import UserError
from commontable.identity import score_crosswalk, truth_of_region
from commontable.identity.match import match_people
from commontable.warehouse import Warehouse, connect
from tests.patients import send_patients

# One worker builds the matched region; its tests run there one after another.
pytestmark = pytest.mark.xdist_group("matched-region")


def _someone(store: Warehouse) -> dict[str, Any]:
    """A plan member of the region with an SSN, phone and address, as the plan sent them."""
    e = store.table("eligibility")
    e = e.filter(
        e.social_security_number.notnull() & e.phone.notnull() & e.first_name.isin(["Robert"])
    )
    row = e.order_by("person_id").limit(1).to_pyarrow().to_pylist()[0]
    return {**row, "sex": row["gender"], "birth_date": row["birth_date"].isoformat()}


def _person_of(store: Warehouse, source: str, source_id: str) -> dict[str, Any]:
    x = store.table("person_crosswalk")
    rows = x.filter((x.data_source == source) & (x.source_person_id == source_id)).to_pyarrow()
    assert rows.num_rows == 1, f"{source}|{source_id} should have exactly one crosswalk row"
    return rows.to_pylist()[0]


def _crosswalk(store: Warehouse) -> dict[tuple[str, str], str]:
    rows = store.table("person_crosswalk").to_pyarrow().to_pylist()
    return {(r["data_source"], r["source_person_id"]): r["person_id"] for r in rows}


def test_region_matches_its_truth_with_f1_above_099(matched_region: Path) -> None:
    with connect(str(matched_region / "warehouse.duckdb")) as store:
        crosswalk = store.table("person_crosswalk").to_pyarrow()
    scores = score_crosswalk(crosswalk, truth_of_region(matched_region / "region"))
    assert scores.f1 >= 0.99, scores.summary()


def test_every_source_id_gets_exactly_one_person(matched_region: Path) -> None:
    with connect(str(matched_region / "warehouse.duckdb")) as store:
        x = store.table("person_crosswalk")
        per_id = x.group_by(["data_source", "source_person_id"]).agg(n=x.person_id.nunique())
        assert per_id.filter(per_id.n != 1).count().execute() == 0
        eligibility = store.table("eligibility")
        members = eligibility.select("data_source", "person_id").distinct().count().execute()
        plans = eligibility.select("data_source").distinct()
        assert x.semi_join(plans, "data_source").count().execute() == members


def test_person_table_has_one_row_per_person_with_best_demographics(matched_region: Path) -> None:
    with connect(str(matched_region / "warehouse.duckdb")) as store:
        person = store.table("person")
        persons = store.table("person_crosswalk").person_id.nunique().execute()
        assert person.count().execute() == persons
        assert person.person_id.nunique().execute() == persons
        assert person.filter(person.birth_date.isnull()).count().execute() == 0
        assert set(person.sex.to_pyarrow().to_pylist()) <= {"male", "female", None}


def test_model_is_saved_and_reused(matched_region: Path, region_copy: Path) -> None:
    with connect(str(region_copy)) as store:
        result = match_people(store, matched_region / "model.json")
    assert not result.trained
    assert result.new_records == 0


def test_a_rerun_without_new_data_keeps_every_person_id(
    matched_region: Path, region_copy: Path
) -> None:
    with connect(str(region_copy)) as store:
        before = _crosswalk(store)
        match_people(store, matched_region / "model.json")
        assert _crosswalk(store) == before


def test_same_ssn_and_birth_date_link_whatever_the_name(
    matched_region: Path, region_copy: Path, tmp_path: Path
) -> None:
    with connect(str(region_copy)) as store:
        member = _someone(store)
        renamed = {**member, "person_id": "X1", "first_name": "Zed", "last_name": "Quux"}
        renamed.update(address="1 Elsewhere Rd", zip_code="14850", phone="")
        send_patients(store, tmp_path / "clinic", "new-clinic", [renamed])
        match_people(store, matched_region / "model.json")
        linked = _person_of(store, "new-clinic", "X1")
        assert (
            linked["person_id"]
            == _person_of(store, member["data_source"], member["person_id"])["person_id"]
        )
        assert linked["match_method"] == "deterministic"


def test_nickname_and_typo_link_by_the_model(
    matched_region: Path, region_copy: Path, tmp_path: Path
) -> None:
    with connect(str(region_copy)) as store:
        member = _someone(store)
        typo = member["last_name"][0] + member["last_name"][2:]  # one letter dropped
        variant = {**member, "person_id": "X2", "first_name": "Bob", "last_name": typo}
        variant["social_security_number"] = ""
        send_patients(store, tmp_path / "clinic", "new-clinic", [variant])
        match_people(store, matched_region / "model.json")
        linked = _person_of(store, "new-clinic", "X2")
        expected = _person_of(store, member["data_source"], member["person_id"])["person_id"]
        assert linked["person_id"] == expected
        assert linked["match_method"] == "probabilistic"
        assert linked["match_probability"] >= 0.9


def test_twins_with_different_first_names_stay_apart(
    matched_region: Path, region_copy: Path, tmp_path: Path
) -> None:
    shared = {
        "last_name": "Quillfeather",
        "birth_date": "2001-04-09",
        "address": "77 Twin Oaks Dr",
        "city": "Rochester",
        "state": "NY",
        "zip_code": "14610",
        "phone": "5855550199",
    }
    twins = [
        {**shared, "person_id": "T1", "first_name": "Alma", "sex": "female"},
        {**shared, "person_id": "T2", "first_name": "Greta", "sex": "female"},
    ]
    with connect(str(region_copy)) as store:
        send_patients(store, tmp_path / "clinic", "new-clinic", twins)
        send_patients(store, tmp_path / "hospital", "new-hospital", [{**t} for t in twins])
        match_people(store, matched_region / "model.json")
        first, second = (_person_of(store, "new-clinic", t) for t in ("T1", "T2"))
        assert first["person_id"] != second["person_id"]
        # ...while each twin is still recognised across the two members.
        assert _person_of(store, "new-hospital", "T1")["person_id"] == first["person_id"]


def test_new_records_join_existing_persons_and_new_people_get_new_ids(
    matched_region: Path, region_copy: Path, tmp_path: Path
) -> None:
    with connect(str(region_copy)) as store:
        before = _crosswalk(store)
        member = _someone(store)
        newcomer = {
            "person_id": "N1",
            "first_name": "Ottoline",
            "last_name": "Brambleworth",
            "sex": "female",
            "birth_date": "1958-02-27",
            "zip_code": "14620",
        }
        send_patients(
            store, tmp_path / "clinic", "new-clinic", [{**member, "person_id": "K1"}, newcomer]
        )
        result = match_people(store, matched_region / "model.json")
        after = _crosswalk(store)
    assert result.new_records == 2
    assert {k: after[k] for k in before} == before
    assert after[("new-clinic", "K1")] == before[(member["data_source"], member["person_id"])]
    assert after[("new-clinic", "N1")] not in set(before.values())
    assert after[("new-clinic", "N1")] > max(before.values())


def test_rebuild_starts_person_ids_over(matched_region: Path, region_copy: Path) -> None:
    with connect(str(region_copy)) as store:
        match_people(store, matched_region / "model.json", rebuild=True)
        ids = store.table("person_crosswalk").person_id
        assert ids.min().execute() == "P000000001"


def test_review_lists_pairs_of_different_persons_in_the_band(
    matched_region: Path, region_copy: Path
) -> None:
    with connect(str(region_copy)) as store:
        # A strict threshold leaves many true pairs in the band below it.
        strict = {"review_low": 0.5, "threshold": 0.999999, "rebuild": True}
        match_people(store, matched_region / "model.json", **strict)
        review = store.table("match_review").to_pyarrow()
    assert review.num_rows > 0
    rows = review.to_pylist()
    assert all(r["person_id_l"] != r["person_id_r"] for r in rows)
    assert all(r["match_probability"] >= 0.5 for r in rows)
    pairs = {tuple(sorted((r["person_id_l"], r["person_id_r"]))) for r in rows}
    assert len(pairs) == len(rows), "one row per pair of persons"


def test_nothing_to_match_is_a_clear_error(tmp_path: Path) -> None:
    with connect(str(tmp_path / "empty.duckdb")) as store, pytest.raises(UserError) as error:
        match_people(store, tmp_path / "model.json")
    assert "nothing to match" in str(error.value)
    assert "commontable load" in str(error.value)


def test_thresholds_out_of_order_are_refused(tmp_path: Path) -> None:
    with connect(str(tmp_path / "empty.duckdb")) as store, pytest.raises(UserError):
        match_people(store, tmp_path / "model.json", threshold=0.5, review_low=0.9)


def test_crosswalk_is_replaced_whole_not_appended(matched_region: Path, region_copy: Path) -> None:
    with connect(str(region_copy)) as store:
        rows = store.table("person_crosswalk").count().execute()
        match_people(store, matched_region / "model.json")
        assert store.table("person_crosswalk").count().execute() == rows
        assert isinstance(store.table("person").to_pyarrow(), pa.Table)


def _pair_of_persons(store: Warehouse) -> tuple[tuple[str, str], tuple[str, str]]:
    """Two records of two different persons, from the crosswalk."""
    x = store.table("person_crosswalk").order_by("person_id").limit(400).to_pyarrow().to_pylist()
    first = x[0]
    other = next(r for r in x if r["person_id"] != first["person_id"])
    return (
        (first["data_source"], first["source_person_id"]),
        (other["data_source"], other["source_person_id"]),
    )


def test_a_reviewers_same_merges_two_persons_into_the_older_id(
    matched_region: Path, region_copy: Path
) -> None:
    from commontable.identity.decisions import decide

    with connect(str(region_copy)) as store:
        left, right = _pair_of_persons(store)
        before = _crosswalk(store)
        decide(store, left, right, "same", "analyst")
        match_people(store, matched_region / "model.json")
        after = _crosswalk(store)
    older = min(before[left], before[right])
    assert after[left] == after[right] == older
    moved = {k for k, v in before.items() if v == max(before[left], before[right])}
    assert all(after[k] == older for k in moved)
    assert all(after[k] == v for k, v in before.items() if k not in moved)


def test_a_reviewers_different_splits_a_record_out_and_keeps_it_out(
    matched_region: Path, region_copy: Path
) -> None:
    from commontable.identity.decisions import decide

    with connect(str(region_copy)) as store:
        x = store.table("person_crosswalk")
        sizes = x.group_by("person_id").agg(n=x.count())
        shared = x.semi_join(sizes.filter(sizes.n >= 2), "person_id").order_by(
            ["person_id", "data_source"]
        )
        a, b = shared.limit(2).to_pyarrow().to_pylist()
        left, right = (
            (a["data_source"], a["source_person_id"]),
            (
                b["data_source"],
                b["source_person_id"],
            ),
        )
        decide(store, left, right, "different", "analyst")
        match_people(store, matched_region / "model.json")
        match_people(store, matched_region / "model.json")  # and on the next run too
        after = _crosswalk(store)
        moved = _person_of(store, *right)
    assert after[left] == a["person_id"]
    assert after[right] != after[left]
    assert moved["match_method"] == "reviewer"


def test_a_decision_on_unknown_records_is_refused(region_copy: Path) -> None:
    from commontable.identity.decisions import decide

    with connect(str(region_copy)) as store, pytest.raises(UserError) as error:
        decide(store, ("nobody", "1"), ("nobody", "2"), "same", "analyst")
    assert "not in the person crosswalk" in str(error.value)
