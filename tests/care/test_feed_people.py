"""Who a feed's patients are: the crosswalk's person, the saved model's match for a new
patient id, or a provisional id until the next match."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from commontable.care.arrivals import FeedPeople
from commontable.care.events import Encounter
from commontable.care.models import CareSetting, EventKind
from commontable.warehouse import Warehouse, connect
from tests.identity.conftest import matched_region
from tests.identity.test_arrivals import _arrival, _known_person

__all__ = ["matched_region"]


def _encounter(source: str, patient_id: str, demographics: dict[str, str | None]) -> Encounter:
    return Encounter(
        data_source=source, message_control_id="M1", trigger="A04", kind=EventKind.ED_VISIT,
        setting=CareSetting.EMERGENCY, source_person_id=patient_id,
        occurred_at=datetime(2025, 3, 1, tzinfo=UTC), facility="LGH", location="",
        visit_number="V1", diagnosis_code="", discharge_disposition="", demographics=demographics,
    )  # fmt: skip


def _people(matched_region: Path, source: str, model: Path) -> FeedPeople:
    @contextmanager
    def turn() -> Iterator[Warehouse]:
        with connect(str(matched_region / "warehouse.duckdb")) as store:
            yield store

    return FeedPeople(turn, source, model)


def test_a_known_patient_id_is_the_crosswalks_person(matched_region: Path) -> None:
    with connect(str(matched_region / "warehouse.duckdb")) as store:
        row = store.table("person_crosswalk").limit(1).to_pyarrow().to_pylist()[0]
    people = _people(matched_region, row["data_source"], matched_region / "model.json")
    key = (row["data_source"], row["source_person_id"])
    found = people.resolve([_encounter(*key, {})])
    assert (found[key].person_id, found[key].provisional) == (row["person_id"], False)


def test_a_new_patient_id_is_the_person_the_saved_model_matches(matched_region: Path) -> None:
    person = _known_person(matched_region / "warehouse.duckdb")
    people = _people(matched_region, "lakeside-general-hospital", matched_region / "model.json")
    key = ("lakeside-general-hospital", "NEW-MRN-9")
    found = people.resolve([_encounter(*key, _arrival(person))])
    assert (found[key].person_id, found[key].provisional) == (person["person_id"], False)


def test_a_new_patient_nobody_matches_gets_a_provisional_id(matched_region: Path) -> None:
    people = _people(matched_region, "lakeside-general-hospital", matched_region / "model.json")
    key = ("lakeside-general-hospital", "NEW-MRN-10")
    found = people.resolve([_encounter(*key, {"first_name": "Zebulon", "last_name": "Quixotez"})])
    assert found[key].provisional
    assert found[key].person_id.startswith("N")
