"""Matching people: typos still link, twins stay apart, two files link into shared ids."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from commontable.identity import link_files, score, truth_from_ids
from tests.identity.conftest import PEOPLE_MAP, population, with_duplicates, write


def _person_of(clusters: pa.Table) -> dict[str, str]:
    return dict(
        zip(clusters["record_id"].to_pylist(), clusters["person_id"].to_pylist(), strict=True)
    )


def _extra(rows: list[dict[str, str]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=population(1).schema)


BASE = {"dob": "1984-03-07", "sex": "M", "street": "41 BIRCH LN", "zip": "55104"}
HOME = {"last": "KOWALCZYK", "phone": "6515550101", **BASE}
MARGARET = {"first": "MARGARET", "sex": "F", "street": "9 CEDAR RD", "zip": "55411"}
TWINS_AND_TYPO = [
    # Twins: one home, one birth date, consecutive SSNs; only the first name tells them apart.
    {"id": "twin1", "first": "JAMES", "ssn": "471223344", **HOME},
    {"id": "twin2", "first": "ROBERT", "ssn": "471223345", **HOME},
    {"id": "typo1", "last": "HENDERSON", "dob": "1951-11-30", **MARGARET},
    {"id": "typo2", "last": "HENDRESON", "dob": "11/30/1951", **MARGARET},
]


@pytest.fixture(scope="module")
def deduped(tmp_path_factory: pytest.TempPathFactory) -> pa.Table:
    people = pa.concat_tables([with_duplicates(population()), _extra(TWINS_AND_TYPO)])
    path = write(people, tmp_path_factory.mktemp("people") / "people.csv")
    return link_files(path, None, "id", PEOPLE_MAP, threshold=0.9)


def test_typo_in_last_name_still_links(deduped: pa.Table) -> None:
    person = _person_of(deduped)
    assert person["typo1"] == person["typo2"]


def test_twins_do_not_merge(deduped: pa.Table) -> None:
    person = _person_of(deduped)
    assert person["twin1"] != person["twin2"]


def test_duplicates_with_reformatted_dates_are_found(deduped: pa.Table) -> None:
    truth = truth_from_ids(deduped, r"^d?(.*)$")
    scores = score(deduped, truth)
    assert scores.f1 >= 0.95, scores.summary()
    assert set(deduped["source"].to_pylist()) == {"a"}


def test_two_files_link_into_shared_person_ids(tmp_path: Path) -> None:
    people = population(400, seed=5)
    both = with_duplicates(people, share=0.5, seed=6)
    a = write(people, tmp_path / "a.csv")
    b = write(both.slice(people.num_rows), tmp_path / "b.csv")
    clusters = link_files(a, b, "id", PEOPLE_MAP, threshold=0.9)
    assert set(clusters["source"].to_pylist()) == {"a", "b"}
    assert clusters.num_rows == both.num_rows
    scores = score(clusters, truth_from_ids(clusters, r"^d?(.*)$"))
    assert scores.f1 >= 0.95, scores.summary()
