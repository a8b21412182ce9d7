"""The attacker's test of a whole publication: a synthetic region through the whole pipeline
(synth, load, match, measure run, publish), then, from the app DB's published tables alone and
every public relation, the bounds of every hidden value (tests.privacy.attacker): none is
determined (but what which results exist gives away whatever is hidden, never a count of 1-10),
none confined to 1-10, and no shown figure is a count of 1-10."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from commontable.cli import app
from tests.privacy.attacker import Knowledge, attack, beyond_structure

pytestmark = pytest.mark.slow

runner = CliRunner()
PEOPLE = 3_000


def run(*args: str) -> None:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace whose 2025 results are published."""
    workspace = tmp_path_factory.mktemp("attacked")
    region = workspace / "region"
    w = str(workspace)
    run("init", w)
    run("synth", "--people", str(PEOPLE), "--seed", "11", "--out", str(region), "-w", w)
    run("load", str(region / "sources"), "-w", w)
    run("match", "-w", w)
    run("measure", "run", "--period", "2025", "-w", w)
    run("db", "upgrade", "-w", w)
    run("org", "import-roster", "-w", w)
    run("publish", "--period", "2025", "-w", w)
    return workspace


def read_published(workspace: Path) -> tuple[pd.DataFrame, Knowledge]:
    """What any member can read: the published cells (hidden ones blank), the measures' kinds,
    the roster's medical groups."""
    with sqlite3.connect(workspace / "commontable.db") as db:
        cells = pd.read_sql(
            "SELECT r.*, m.type FROM published_results r JOIN published_measures m "
            "USING (measure_id)",
            db,
        )
        groups = pd.read_sql(
            "SELECT o.roster_id, p.roster_id AS parent FROM organizations o "
            "JOIN organizations p ON o.parent_id = p.id",
            db,
        )
    kinds = dict(zip(cells.measure_id, cells.type, strict=False))
    costs = {m for m, kind in kinds.items() if "cost" in kind}
    return cells, Knowledge(
        proportions={m for m, kind in kinds.items() if kind == "proportion"},
        rates={m for m, kind in kinds.items() if kind.startswith("rate")},
        costs=costs,
        medical_group_of=dict(zip(groups.roster_id, groups.parent, strict=True)),
        cost_total=("TCOC-PMPM", tuple(sorted(costs - {"TCOC-PMPM"}))),
        composite=("PQI-90", ("PQI-01", "PQI-05", "PQI-07", "PQI-08", "PQI-14", "PQI-15")),
        exposure_parts=("PQI-90", ("PQI-05", "PQI-15")),
    )


def true_values(workspace: Path) -> dict[tuple, float]:
    """The warehouse's results: the truth the attacker's findings are judged against."""
    with duckdb.connect(str(workspace / "warehouse.duckdb"), read_only=True) as warehouse:
        rows = warehouse.sql("SELECT * FROM measure_result WHERE period = 2025").df()
    truth = {}
    for row in rows.itertuples(index=False):
        place = (row.measure_id, row.entity_type, row.entity_id, row.stratum_type, row.stratum)
        truth[(*place, "denominator")] = row.denominator
        truth[(*place, "numerator")] = row.numerator
        truth[(*place, "remainder")] = row.denominator - row.numerator
        for amount in ("member_years", "member_months", "paid_amount"):
            value = getattr(row, amount)
            if value is not None and not np.isnan(value):
                truth[(*place, amount)] = value
    return truth


def test_the_attacker_works_out_no_hidden_value(published: Path) -> None:
    cells, knowledge = read_published(published)
    truth = true_values(published)
    findings = attack(cells, knowledge, truth)
    assert len(findings) > 1_000  # a small region: much is hidden, and all of it is attacked
    assert beyond_structure(cells, knowledge, findings, truth) == []


def test_no_shown_figure_is_a_count_of_one_to_ten(published: Path) -> None:
    cells, knowledge = read_published(published)
    shown = cells[~cells.suppressed.astype(bool)]
    counts = [shown.denominator, shown.numerator]
    proportions = shown.measure_id.isin(knowledge.proportions)
    counts.append((shown.denominator - shown.numerator)[proportions])
    small = [c[(c >= 1) & (c <= 10)] for c in counts]
    assert [len(c) for c in small] == [0, 0, 0]
