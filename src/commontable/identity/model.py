"""The Splink model for people: comparisons, blocking, training, prediction and clustering."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on
from splink.internals.database_api import DatabaseAPISubClass

log = logging.getLogger(__name__)

# Blocking: each rule only pairs records that agree exactly on a selective key, so the
# number of pairs grows roughly with the number of records, not with its square. The
# rules back each other up: a typo in one field (a surname, a birth date, a postcode)
# still leaves the pair reachable through another rule.
BLOCKING = (
    ("ssn",),
    ("birth_date", "last_name_soundex"),
    ("birth_date", "zip"),
    ("birth_date", "substr(address, 1, 4)"),
    # A birth date typed wrong: the full name with the year, with the month and day, or the ZIP.
    ("first_name", "last_name", "substr(birth_date, 1, 4)"),
    ("first_name", "last_name", "substr(birth_date, 6, 5)"),
    ("first_name", "last_name", "zip"),
    ("last_name", "address"),
    ("phone",),
)
# Rules left out on purpose: at 1,000,000 people, ZIP with the surname's first three letters
# pairs 857M records and the full name alone 84M; each rule above pairs 1-8M.
# EM trains m on pairs from these rules; each leaves the other fields free to be learned.
TRAINING = (
    ("first_name", "last_name"),
    ("birth_date", "zip"),
    ("ssn",),
)
# Pairs almost certainly the same person, to estimate how often two records match.
DETERMINISTIC = (("first_name", "last_name", "birth_date"), ("ssn", "birth_date"))
# Derived columns (see fields.person_table) and the field they come from.
DERIVED = {"first_name_forms": "first_name", "last_name_soundex": "last_name"}


def _columns(rule: Sequence[str]) -> set[str]:
    names = {c.removeprefix("substr(").split(",")[0] for c in rule}
    return {DERIVED.get(n, n) for n in names}


def _first_name(with_last_name: bool) -> Any:
    swapped = [
        cll.ColumnsReversedLevel("first_name", "last_name").configure(
            label_for_charts="given and family names swapped"
        )
    ]
    return cl.CustomComparison(
        [
            cll.NullLevel("first_name"),
            cll.ExactMatchLevel("first_name").configure(tf_adjustment_column="first_name"),
            cll.ArrayIntersectLevel("first_name_forms", 1).configure(
                label_for_charts="nickname of the same name"
            ),
            cll.JaroWinklerLevel("first_name", 0.92),
            *(swapped if with_last_name else []),
            cll.JaroWinklerLevel("first_name", 0.80),
            cll.ElseLevel(),
        ],
        output_column_name="first_name",
    )


def _last_name() -> Any:
    return cl.CustomComparison(
        [
            cll.NullLevel("last_name"),
            cll.ExactMatchLevel("last_name").configure(tf_adjustment_column="last_name"),
            cll.JaroWinklerLevel("last_name", 0.92),
            cll.ExactMatchLevel("last_name_soundex").configure(label_for_charts="sounds alike"),
            cll.JaroWinklerLevel("last_name", 0.80),
            cll.ElseLevel(),
        ],
        output_column_name="last_name",
    )


BIRTH_DATE_EXACT = 3  # gamma of the exact level below: levels count down to "all other" = 0


def _birth_date() -> Any:
    # ISO text YYYY-MM-DD: the same year with day and month swapped is a common entry error.
    swapped = (
        "substr(birth_date_l, 1, 4) = substr(birth_date_r, 1, 4) "
        "and substr(birth_date_l, 6, 2) = substr(birth_date_r, 9, 2) "
        "and substr(birth_date_l, 9, 2) = substr(birth_date_r, 6, 2)"
    )
    return cl.CustomComparison(
        [
            cll.NullLevel("birth_date"),
            cll.ExactMatchLevel("birth_date"),
            cll.CustomLevel(swapped, label_for_charts="day and month swapped"),
            cll.DamerauLevenshteinLevel("birth_date", 1).configure(
                label_for_charts="one digit typed wrong or two transposed"
            ),
            cll.ElseLevel(),
        ],
        output_column_name="birth_date",
    )


def comparisons(fields: set[str]) -> dict[str, Any]:
    """One comparison per mapped field: names with nicknames and Soundex, dates with typos."""
    library: dict[str, Any] = {
        "first_name": _first_name(with_last_name="last_name" in fields),
        "last_name": _last_name(),
        "birth_date": _birth_date(),
        "sex": cl.ExactMatch("sex"),
        "address": cl.JaroWinklerAtThresholds("address", [0.95, 0.85]),
        "city": cl.JaroWinklerAtThresholds("city", [0.92]),
        "zip": cl.LevenshteinAtThresholds("zip", [1]),
        "phone": cl.LevenshteinAtThresholds("phone", [1]),
        # Exact only: twins often hold consecutive SSNs, one digit apart.
        "ssn": cl.ExactMatch("ssn"),
    }
    return {field: comparison for field, comparison in library.items() if field in fields}


def settings(
    fields: set[str], link: bool, parameters: dict[str, Any] | None = None
) -> SettingsCreator:
    """Splink settings for the mapped fields: dedupe one table, or link two (and dedupe each).

    `parameters` (see `_parameters`) sets the prior and every level's m and u probabilities.
    """
    chosen = comparisons(fields)
    prior: dict[str, Any] = {}
    if parameters is not None:
        prior["probability_two_random_records_match"] = parameters["prior"]
        for field, comparison in chosen.items():
            saved = parameters["comparisons"][field]
            comparison.configure(m_probabilities=saved["m"], u_probabilities=saved["u"])
    return SettingsCreator(
        link_type="link_and_dedupe" if link else "dedupe_only",
        unique_id_column_name="record_id",
        comparisons=list(chosen.values()),
        **prior,
        blocking_rules_to_generate_predictions=[
            block_on(*rule) for rule in BLOCKING if _columns(rule) <= fields
        ],
        retain_matching_columns=True,  # with the gamma_* levels, which `twins` reads
    )


def twins(scored: ir.Table) -> ir.BooleanValue:
    """Scored pairs that are two people born together: same birth date, unrelated given names.

    Twins share a surname, a birth date, an address and often a phone, so the evidence that
    sums independently in the model swamps their different given names (and even sexes).
    Such a pair is never linked on the model's score; an agreeing SSN still links it.
    """
    unrelated_given_names = scored.gamma_first_name == 0  # the "all other" level
    same_birth_date = scored.gamma_birth_date == BIRTH_DATE_EXACT
    return unrelated_given_names & same_birth_date


def _train(linker: Linker, fields: set[str], seed: int) -> None:
    """u by random sampling, the prior from near-certain pairs, m by EM on each blocking pass."""
    deterministic: list[Any] = [block_on(*r) for r in DETERMINISTIC if _columns(r) <= fields]
    if deterministic:
        linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=seed)
    for rule in TRAINING:
        if _columns(rule) <= fields:
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(block_on(*rule))
            except ValueError as error:
                # Splink 5 refuses an m of 0, which EM reaches on very clean data (a level
                # no true match ever shows); the other passes' estimates then stand.
                log.warning("EM pass blocked on %s skipped: %s", ", ".join(rule), error)


def train(inputs: Any, fields: set[str], records: int, seed: int = 7) -> dict[str, Any]:
    """Estimate the model's parameters on registered `inputs` (`records` rows): prior, m, u."""
    linker = Linker(inputs, settings(fields, isinstance(inputs, list)), log_level=logging.ERROR)
    _train(linker, fields, seed)
    return {**_parameters(linker), "records": records}


def make_linker(inputs: Any, fields: set[str], parameters: dict[str, Any], records: int) -> Linker:
    """A linker with saved parameters, its prior rescaled from the training size to `records`.

    Two random records match with a chance that falls as 1/N (each person has a few
    records, the pairs grow as N^2), so a model trained on fewer records is corrected.
    """
    trained_on = parameters.get("records") or records
    prior = min(parameters["prior"] * trained_on / max(records, 1), 0.5)
    scaled = {**parameters, "prior": prior}
    link = isinstance(inputs, list)
    return Linker(inputs, settings(fields, link, scaled), log_level=logging.ERROR)


def register(db_api: DatabaseAPISubClass, tables: list[str]) -> Any:
    """Splink's handle on the engine's tables: one table to dedupe, or a list to link."""
    inputs = [db_api.register(t, dataset_display_name=t) for t in tables]
    return inputs if len(inputs) > 1 else inputs[0]


def save(parameters: dict[str, Any], model: Path) -> None:
    """Write trained parameters where the next run finds them."""
    model.parent.mkdir(parents=True, exist_ok=True)
    model.write_text(json.dumps(parameters, indent=2) + "\n")


MODEL_FORMAT = "commontable-person-model/1"


def _parameters(linker: Linker) -> dict[str, Any]:
    """The trained parameters, without SQL: the comparisons themselves live in this module,
    so a model trained on DuckDB serves Spark too."""
    trained = linker.misc.save_model_to_json()
    levels = {
        c["output_column_name"]: [
            lv for lv in c["comparison_levels"] if not lv.get("is_null_level")
        ]
        for c in trained["comparisons"]
    }
    return {
        "format": MODEL_FORMAT,
        "prior": trained["probability_two_random_records_match"],
        "comparisons": {
            name: {
                "levels": [lv.get("label_for_charts") for lv in found],
                "m": [lv.get("m_probability") for lv in found],
                "u": [lv.get("u_probability") for lv in found],
            }
            for name, found in levels.items()
        },
    }


def load(model: Path | None, fields: set[str]) -> dict[str, Any] | None:
    """Saved parameters that fit today's comparisons, else None (the model is trained again)."""
    if model is None or not model.exists():
        return None
    saved: dict[str, Any] = json.loads(model.read_text())
    expected = set(comparisons(fields))
    if saved.get("format") != MODEL_FORMAT or set(saved.get("comparisons", {})) != expected:
        log.warning("%s was saved for other comparisons; estimating the model again", model)
        return None
    return saved


def train_and_predict(
    db_api: DatabaseAPISubClass,
    tables: list[str],
    fields: set[str],
    threshold: float,
    records: int,
) -> tuple[Any, Any]:
    """Train, score blocked pairs, cluster at `threshold` (for linking files outside the store)."""
    inputs = register(db_api, tables)
    linker = make_linker(inputs, fields, train(inputs, fields, records), records)
    pairs = linker.inference.predict(threshold_match_probability=min(threshold, 0.5))
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        pairs, threshold_match_probability=threshold
    )
    return pairs, clusters
