"""Planted clinic differences are recoverable from the ground truth and the sources."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq


def test_clinic_rates_are_planted_over_the_documented_range(truth: Path) -> None:
    planted = json.loads((truth / "planted.json").read_text())
    breast = planted["measures"]["breast_cancer_screening"]
    rates = list(breast["by_clinic"].values())
    assert len(rates) == 15
    assert min(rates) == breast["low"] == 0.55
    assert max(rates) == breast["high"] == 0.85
    assert breast["cms"] == "CMS125"


def test_readmissions_are_about_fifteen_percent(truth: Path) -> None:
    planted = json.loads((truth / "planted.json").read_text())
    assert 0.08 < planted["readmission_share_of_discharges"] < 0.22


def test_attribution_names_one_clinic_per_person_and_year(truth: Path) -> None:
    table = pq.read_table(truth / "attribution.parquet").to_pylist()
    pairs = [(row["person_key"], row["year"]) for row in table]
    assert len(pairs) == len(set(pairs))
    assert {row["year"] for row in table} == {2023, 2024, 2025}
