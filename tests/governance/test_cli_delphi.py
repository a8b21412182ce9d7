"""`commontable delphi analyze RATINGS.csv [--rule cos|rand] [--format csv|json] [--by-group]`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from commontable.cli import app

runner = CliRunner()
RATINGS = """round,panelist,group,item,rating
1,ann,patients,CMS125,8
1,bob,patients,CMS125,9
1,cy,employers,CMS125,5
1,dee,employers,CMS125,7
1,ann,patients,ED visits,2
1,bob,patients,ED visits,3
1,cy,employers,ED visits,5
1,dee,employers,ED visits,8
2,ann,patients,CMS125,8
2,bob,patients,CMS125,9
2,cy,employers,CMS125,7
2,ann,patients,ED visits,3
2,bob,patients,ED visits,3
2,cy,employers,ED visits,4
"""


@pytest.fixture
def ratings_file(tmp_path: Path) -> Path:
    path = tmp_path / "ratings.csv"
    path.write_text(RATINGS)
    return path


def analyze(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["delphi", "analyze", *args])
    return result.exit_code, result.stdout, result.stderr


def test_csv_has_a_row_per_item_and_round_with_every_statistic(ratings_file: Path) -> None:
    code, out, _ = analyze(str(ratings_file))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [
        "round", "item", "n", "median", "q1", "q3", "pct_7_9", "pct_1_3", "p30", "p70",
        "ipr", "ipras", "disagreement", "verdict", "consensus", "change", "wilcoxon_p", "stable",
    ]  # fmt: skip
    first = rows[0]
    assert (first["round"], first["item"], first["n"], first["median"]) == (
        "1",
        "CMS125",
        "4",
        "7.5",
    )
    assert first["verdict"] == "consensus in"
    assert [r["verdict"] for r in rows if r["round"] == "2"] == ["consensus in", "no consensus"]


def test_attrition_and_the_stopping_rule_go_to_standard_error(ratings_file: Path) -> None:
    _, out, err = analyze(str(ratings_file))
    assert "round 2: 3 of 4 panelists answered (75%), 1 dropped" in err
    assert "stopping rule: another round" in err
    assert "stopping rule" not in out


def test_by_group_adds_the_group_column(ratings_file: Path) -> None:
    code, out, _ = analyze(str(ratings_file), "--by-group")
    assert code == 0
    groups = {row["group"] for row in csv.DictReader(io.StringIO(out))}
    assert groups == {"(whole panel)", "patients", "employers"}


def test_json_holds_results_attrition_and_the_stopping_rule(ratings_file: Path) -> None:
    code, out, _ = analyze(str(ratings_file), "--rule", "rand", "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["rule"] == "rand"
    assert document["results"][0]["verdict"] == "appropriate"
    assert document["results"][0]["ipras"] == pytest.approx(6.025)
    assert [r["responded"] for r in document["attrition"]] == [4, 3]
    # ED visits ends with median 3 (inappropriate): under RAND every item has a verdict.
    assert document["stopping"] == {
        "stop": True,
        "reason": "every item reached consensus in round 2",
    }


def test_a_bad_file_exits_1_saying_what_to_fix(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("round,panelist,group,item,rating\n1,ann,patients,CMS125,12\n")
    code, out, err = analyze(str(bad))
    assert code == 1
    assert "line 2: rating '12' is not a whole number from 1 to 9" in err
    assert out == ""


def test_an_unknown_rule_or_format_is_refused(ratings_file: Path) -> None:
    assert "choose one of: cos, rand" in analyze(str(ratings_file), "--rule", "vote")[2]
    assert (
        "--format 'xml' is not one of: csv, json"
        in analyze(str(ratings_file), "--format", "xml")[2]
    )
