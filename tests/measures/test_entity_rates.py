"""`entity_rates`: a per-entity table in, the same table with its rate statistics out."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

from commontable.errors import UserError
from commontable.measures.statistics import entity_rates, reliability, wilson_interval

ENTITIES = {
    "entity_id": ["north", "south", "east", "west", "tiny"],
    "numerator": [90, 40, 60, 62, 5],
    "denominator": [150, 150, 150, 150, 10],
}


def test_an_arrow_table_comes_back_with_the_documented_columns() -> None:
    result = entity_rates(pa.table(ENTITIES))
    assert result.column_names == [
        *ENTITIES,
        "rate",
        "ci_low",
        "ci_high",
        "reliability",
        "status",
        "comparison",
    ]
    assert result.schema.field("status").type == pa.string()
    assert result.schema.field("comparison").type == pa.string()
    assert result["rate"].to_pylist()[0] == pytest.approx(0.6)


def test_a_dataframe_comes_back_as_a_dataframe_with_the_same_values() -> None:
    frame = entity_rates(pd.DataFrame(ENTITIES))
    table = entity_rates(pa.table(ENTITIES))
    assert isinstance(frame, pd.DataFrame)
    assert frame["ci_low"].tolist() == pytest.approx(table["ci_low"].to_pylist())
    assert frame["comparison"].tolist() == table["comparison"].to_pylist()


def test_columns_are_the_wilson_interval_and_beta_binomial_reliability() -> None:
    result = entity_rates(pa.table(ENTITIES), confidence=0.9)
    low, high = wilson_interval(ENTITIES["numerator"], ENTITIES["denominator"], confidence=0.9)
    assert result["ci_low"].to_pylist() == pytest.approx(low.tolist())
    assert result["ci_high"].to_pylist() == pytest.approx(high.tolist())
    expected = reliability(ENTITIES["numerator"], ENTITIES["denominator"])
    assert result["reliability"].to_pylist() == pytest.approx(expected.tolist())


def test_entities_are_compared_with_the_pooled_rate_by_default() -> None:
    # Pooled: 257 / 610 = 0.42; north (0.60) is above it, south (0.27) below.
    result = entity_rates(pa.table(ENTITIES))
    assert result["comparison"].to_pylist()[:4] == ["better", "worse", "average", "average"]


def test_a_given_overall_rate_replaces_the_pooled_rate() -> None:
    result = entity_rates(pa.table(ENTITIES), overall_rate=0.2)
    assert result["comparison"].to_pylist()[:4] == ["better", "better", "better", "better"]


def test_lower_is_better_turns_the_flags_round() -> None:
    result = entity_rates(pa.table(ENTITIES), higher_is_better=False)
    assert result["comparison"].to_pylist()[:2] == ["worse", "better"]


def test_an_entity_with_too_few_cases_is_marked_and_not_compared() -> None:
    result = entity_rates(pa.table(ENTITIES), overall_rate=0.01)
    assert result["status"].to_pylist() == ["reported"] * 4 + ["too few"]
    assert result["comparison"].to_pylist()[4] is None
    assert entity_rates(pa.table(ENTITIES), min_denominator=5)["status"][4].as_py() == "reported"


def test_an_entity_without_cases_has_no_rate_interval_or_reliability() -> None:
    table = pa.table(
        {"entity_id": ["a", "b", "c"], "numerator": [0, 10, 20], "denominator": [0, 50, 50]}
    )
    result = entity_rates(table)
    assert result["rate"][0].as_py() is None
    assert result["ci_low"][0].as_py() is None
    assert result["reliability"][0].as_py() is None
    assert result["status"][0].as_py() == "too few"


def test_a_table_without_the_needed_columns_is_a_user_error() -> None:
    with pytest.raises(UserError, match="needs columns \\['denominator'\\]"):
        entity_rates(pa.table({"entity_id": ["a"], "numerator": [1]}))


def test_a_missing_count_is_a_user_error() -> None:
    table = pa.table({"entity_id": ["a"], "numerator": [None], "denominator": [10]})
    with pytest.raises(UserError, match="needs a numerator and a denominator"):
        entity_rates(table)
