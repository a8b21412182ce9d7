"""People: realistic prevalence, the same person under several ids with noise, planted twins."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

from commontable.synth.conditions import CONDITIONS


def test_diabetes_prevalence_is_realistic(truth: Path) -> None:
    planted = json.loads((truth / "planted.json").read_text())
    # CDC National Diabetes Statistics Report 2023: diagnosed diabetes ~11% of adults
    assert 0.07 < planted["adult_prevalence"]["diabetes"] < 0.17
    assert 0.22 < planted["adult_prevalence"]["hypertension"] < 0.45
    assert set(planted["adult_prevalence"]) == {c.name for c in CONDITIONS}


def test_deaths_end_coverage(truth: Path, sources: Path) -> None:
    people = pq.read_table(truth / "person.parquet")
    dead = people.filter(pc.is_valid(people["death_date"]))
    assert 0 < dead.num_rows < people.num_rows * 0.06
    import pyarrow.csv as pacsv

    spans = pacsv.read_csv(sources / "genesee-senior-advantage" / "eligibility.csv")
    ended = spans.filter(pc.is_valid(spans["death_date"]))
    assert ended.num_rows > 0
    assert pc.all(pc.less_equal(ended["enrollment_end_date"], ended["death_date"])).as_py()


def test_same_person_appears_in_several_sources_with_noise(truth: Path) -> None:
    links = pq.read_table(truth / "source_person.parquet").to_pylist()
    people = {p["person_key"]: p for p in pq.read_table(truth / "person.parquet").to_pylist()}
    sources_per_person: dict[str, set[str]] = {}
    for link in links:
        sources_per_person.setdefault(link["person_key"], set()).add(link["data_source"])
    assert sum(len(s) >= 3 for s in sources_per_person.values()) > 500
    ids = {(link["data_source"], link["source_person_id"]) for link in links}
    assert len(ids) == len(links)  # every source id names one person
    assert len({link["source_person_id"] for link in links}) > len(people)


def test_source_demographics_carry_typos_and_nicknames(sources: Path, truth: Path) -> None:
    import pyarrow.csv as pacsv

    links = pq.read_table(truth / "source_person.parquet")
    clinic = links.filter(pc.equal(links["data_source"], "lake-country-physicians")).to_pylist()
    key_of = {link["source_person_id"]: link["person_key"] for link in clinic}
    people = {p["person_key"]: p for p in pq.read_table(truth / "person.parquet").to_pylist()}
    patients = pacsv.read_csv(sources / "lake-country-physicians" / "patient.csv").to_pylist()
    differ = [
        p for p in patients if p["first_name"] != people[key_of[p["person_id"]]]["first_name"]
    ]
    assert 0.03 < len(differ) / len(patients) < 0.3
    missing_ssn = sum(p["social_security_number"] is None for p in patients)
    assert missing_ssn > len(patients) / 2


def test_twins_are_planted(truth: Path) -> None:
    people = {p["person_key"]: p for p in pq.read_table(truth / "person.parquet").to_pylist()}
    twins = [p for p in people.values() if p["planted_case"] == "twin"]
    assert len(twins) >= 20
    for twin in twins:
        other = people[twin["look_alike_of"]]
        assert other["birth_date"] == twin["birth_date"]
        assert other["address"] == twin["address"]
        assert other["last_name"] == twin["last_name"]
        assert other["first_name"] != twin["first_name"]
    namesakes = [p for p in people.values() if p["planted_case"] == "namesake"]
    for person in namesakes:
        other = people[person["look_alike_of"]]
        assert (other["first_name"], other["birth_date"]) == (
            person["first_name"],
            person["birth_date"],
        )
        assert other["social_security_number"] != person["social_security_number"]
