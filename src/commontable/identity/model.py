"""The Splink model for people: comparisons, blocking, training, prediction and clustering."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

# Blocking: each rule only pairs records that agree exactly on a selective key, so the
# number of pairs grows roughly with the number of records, not with its square. The
# rules back each other up: a typo in one field (a surname, a postcode) still leaves
# the pair reachable through another rule (birth date, SSN, full name).
BLOCKING = (
    ("birth_date",),
    ("zip", "substr(last_name, 1, 3)"),
    ("ssn",),
    ("first_name", "last_name"),
    ("phone",),
)
# EM trains m on pairs from these rules; each leaves the other fields free to be learned.
TRAINING = (("first_name", "last_name"), ("birth_date",), ("zip", "substr(last_name, 1, 3)"))
# Pairs almost certainly the same person, to estimate how often two records match.
DETERMINISTIC = (("first_name", "last_name", "birth_date"), ("ssn", "birth_date"))


def _columns(rule: Sequence[str]) -> set[str]:
    return {c.removeprefix("substr(").split(",")[0] for c in rule}


def comparisons(fields: set[str]) -> list[Any]:
    """One comparison per mapped field; names by Jaro-Winkler, dates tolerate a typo."""
    library: dict[str, Any] = {
        "first_name": cl.NameComparison("first_name"),
        "last_name": cl.NameComparison("last_name"),
        # Exact, Levenshtein <= 1 (one digit typed wrong), within a month, a year, ten years.
        "birth_date": cl.DateOfBirthComparison(
            "birth_date", input_is_string=True, datetime_format="%Y-%m-%d"
        ),
        "sex": cl.ExactMatch("sex"),
        "address": cl.JaroWinklerAtThresholds("address", [0.95, 0.85]),
        "city": cl.JaroWinklerAtThresholds("city", [0.92]),
        "zip": cl.LevenshteinAtThresholds("zip", [1]),
        "phone": cl.LevenshteinAtThresholds("phone", [1]),
        # Exact only: twins often hold consecutive SSNs, one digit apart.
        "ssn": cl.ExactMatch("ssn"),
    }
    return [comparison for field, comparison in library.items() if field in fields]


def settings(fields: set[str], link: bool) -> SettingsCreator:
    """Splink settings for the mapped fields: dedupe one file, or link two (and dedupe each)."""
    return SettingsCreator(
        link_type="link_and_dedupe" if link else "dedupe_only",
        unique_id_column_name="record_id",
        comparisons=comparisons(fields),
        blocking_rules_to_generate_predictions=[
            block_on(*rule) for rule in BLOCKING if _columns(rule) <= fields
        ],
        retain_matching_columns=False,
    )


def train_and_predict(
    db_api: DuckDBAPI, tables: list[str], fields: set[str], threshold: float, seed: int = 7
) -> tuple[Any, Any]:
    """Train (u by random sampling, m by EM), score blocked pairs, cluster at `threshold`."""
    inputs = [db_api.register(t, dataset_display_name=t) for t in tables]
    linker = Linker(
        inputs if len(inputs) > 1 else inputs[0],
        settings(fields, link=len(tables) > 1),
        log_level=logging.ERROR,
    )
    deterministic: list[Any] = [block_on(*r) for r in DETERMINISTIC if _columns(r) <= fields]
    if deterministic:
        linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    for rule in TRAINING:
        if _columns(rule) <= fields:
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(block_on(*rule))
            except ValueError:
                # Splink 5 refuses an m of 0, which EM reaches on very clean files (a level
                # no true match ever shows); the other rules' estimates then stand.
                continue
    pairs = linker.inference.predict(threshold_match_probability=min(threshold, 0.5))
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        pairs, threshold_match_probability=threshold
    )
    return pairs, clusters
