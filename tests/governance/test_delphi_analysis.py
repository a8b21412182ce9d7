"""The results table: per round and item (and stakeholder group) the statistics, the verdict
and the stability since the round before; the stopping rule judged on the whole panel."""

from __future__ import annotations

import pandas as pd
import pytest

from commontable.governance.delphi import WHOLE_PANEL, analyse, rule_named

COS = rule_named("cos")


def ratings(rows: list[tuple[int, str, str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["round", "panelist", "group", "item", "rating"])


TWO_ROUNDS = ratings(
    [
        (1, "ann", "patients", "A1c control", 8),
        (1, "bob", "patients", "A1c control", 9),
        (1, "cy", "employers", "A1c control", 5),
        (1, "dee", "employers", "A1c control", 7),
        (2, "ann", "patients", "A1c control", 8),
        (2, "bob", "patients", "A1c control", 9),
        (2, "cy", "employers", "A1c control", 7),
        (2, "dee", "employers", "A1c control", 7),
    ]
)


def test_one_row_per_round_and_item_for_the_whole_panel() -> None:
    table = analyse(TWO_ROUNDS, COS).results
    assert table[["round", "group", "n"]].values.tolist() == [
        [1, WHOLE_PANEL, 4],
        [2, WHOLE_PANEL, 4],
    ]
    assert table["pct_7_9"].tolist() == [75.0, 100.0]
    assert table["verdict"].tolist() == ["consensus in", "consensus in"]


def test_by_group_adds_each_stakeholder_groups_rows() -> None:
    table = analyse(TWO_ROUNDS, COS, by_group=True).results
    first = table[table["round"] == 1].set_index("group")
    assert first.loc["patients", "verdict"] == "consensus in"
    assert first.loc["employers", "verdict"] == "no consensus"  # one of two rates 7–9
    assert first.loc["employers", "median"] == 6.0


def test_the_second_round_says_how_much_the_ratings_moved() -> None:
    table = analyse(TWO_ROUNDS, COS).results
    assert pd.isna(table.loc[0, "change"])  # nothing to compare the first round with
    assert table.loc[1, "change"] == pytest.approx(0.25)  # cy moved from 5 to 7
    assert table.loc[1, "stable"] is False


def test_consensus_on_every_item_stops_the_study() -> None:
    stopping = analyse(TWO_ROUNDS, COS).stopping
    assert stopping.stop
    assert "every item reached consensus in round 2" in stopping.reason


def test_the_rand_rule_reports_in_its_own_words() -> None:
    table = analyse(TWO_ROUNDS, rule_named("rand")).results
    assert table["verdict"].tolist() == ["appropriate", "appropriate"]
    # Round 1 rates 5, 7, 8, 9: P30 6.8 and P70 8.1 centre on 7.45, AI 2.45.
    # Round 2 rates 7, 7, 8, 9: P30 7.0 and P70 8.1 centre on 7.55, AI 2.55.
    assert table["p30"].tolist() == pytest.approx([6.8, 7.0])
    assert table["ipras"].tolist() == pytest.approx([2.35 + 1.5 * 2.45, 2.35 + 1.5 * 2.55])
