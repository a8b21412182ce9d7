"""A live feed's new patients matched to known persons with the saved model, or left for a
provisional id until the next match."""

from __future__ import annotations

from pathlib import Path

from commontable.identity.arrivals import ArrivalMatcher, provisional_id
from commontable.warehouse import connect


def _known_person(warehouse: Path) -> dict[str, str | None]:
    with connect(str(warehouse)) as store:
        person = store.table("person")
        row = person.filter(person.records >= 2).order_by("person_id").limit(1).to_pyarrow()
    return {k: (None if v[0] is None else str(v[0])) for k, v in row.to_pydict().items()}


def _arrival(person: dict[str, str | None]) -> dict[str, str | None]:
    """The person as a hospital's ADT message names them (the name in another case)."""
    return {
        "first_name": (person["first_name"] or "").title(),
        "last_name": (person["last_name"] or "").title(),
        "birth_date": person["birth_date"],
        "sex": person["sex"],
        "address": person["address"],
        "city": person["city"],
        "state": person["state"],
        "zip_code": person["zip_code"],
        "phone": person["phone"],
    }


def test_a_new_patient_id_of_a_known_person_is_matched_to_that_person(
    matched_region: Path,
) -> None:
    person = _known_person(matched_region / "warehouse.duckdb")
    with connect(str(matched_region / "warehouse.duckdb")) as store:
        matcher = ArrivalMatcher(store, matched_region / "model.json")
    try:
        found = matcher.match({"NEW-MRN-1": _arrival(person)})
    finally:
        matcher.close()
    assert found == {"NEW-MRN-1": person["person_id"]}


def test_a_stranger_is_matched_to_nobody(matched_region: Path) -> None:
    stranger = {"first_name": "Zebulon", "last_name": "Quixotez", "birth_date": "1901-02-03",
                "sex": "male", "address": "1 Nowhere Rd", "city": "Elsewhere", "state": "WY",
                "zip_code": "82001", "phone": "3075550100"}  # fmt: skip
    with connect(str(matched_region / "warehouse.duckdb")) as store:
        matcher = ArrivalMatcher(store, matched_region / "model.json")
    try:
        assert matcher.match({"NEW-MRN-2": stranger}) == {}
    finally:
        matcher.close()


def test_without_a_saved_model_nobody_is_matched(matched_region: Path, tmp_path: Path) -> None:
    person = _known_person(matched_region / "warehouse.duckdb")
    with connect(str(matched_region / "warehouse.duckdb")) as store:
        matcher = ArrivalMatcher(store, tmp_path / "no-model.json")
    assert matcher.match({"NEW-MRN-1": _arrival(person)}) == {}


def test_a_provisional_id_is_stable_for_a_patient_and_never_a_matched_one() -> None:
    first = provisional_id("lakeside-general-hospital", "H1001")
    assert first == provisional_id("lakeside-general-hospital", "H1001")
    assert first.startswith("N")
    assert first != provisional_id("lakeside-general-hospital", "H1002")
