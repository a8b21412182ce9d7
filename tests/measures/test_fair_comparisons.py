"""Fair comparisons: a planted difference in age mix (or payer mix) and none in quality gives no
better/worse flag after standardisation; entities are compared with the rest of the
collaborative; rates need enough expected events; rates and costs get a reliability.

Patient rows are simulated (the same every run) and go through the engine's own steps:
standardisation (adjustment.py), counting (results.counts) and results (results.result_table).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from commontable.measures import MEASURES
from commontable.measures.adjustment import with_standardised_expected
from commontable.measures.results import counts, result_table
from commontable.measures.statistics import poisson_rates_p
from commontable.warehouse.schema import MEASURE_PATIENT

ED, TCOC, SCREENING = "ED-VISITS", "TCOC-PMPM", "CMS125"
YOUNG = ["20-24", "25-29", "30-34", "35-39", "40-44"]
OLD = ["65-69", "70-74", "75-79", "80-84", "85+"]
# Events (ED visits) per member-year and paid per member-month rise with age, the same in every
# plan and clinic: no difference in quality anywhere.
VISITS = {g: 0.25 + 0.05 * k for k, g in enumerate(YOUNG + OLD)}
PAID = {g: 150.0 + 40.0 * k for k, g in enumerate(YOUNG + OLD)}


def _members(
    rng: np.random.Generator, entity: str, count: int, ages: list[str], payer: str = "commercial"
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "health_plan": entity,
            "clinic": entity,
            "age_group": rng.choice(ages, count),
            "sex": rng.choice(["female", "male"], count),
            "payer_type": payer,
        }
    )


def _rows(measure_id: str, people: pd.DataFrame, amount: np.ndarray) -> ir.Table:
    """measure_patient rows (plus age_group) of a rate or cost measure for simulated people."""
    measure = MEASURES[measure_id]
    n = len(people)
    frame = pd.DataFrame({c: pd.Series([None] * n, dtype=object) for c in MEASURE_PATIENT.names})
    frame = frame.assign(
        person_id=[f"p{k}" for k in range(n)],
        measure_id=measure_id,
        period=2025,
        initial_population=True,
        denominator=True,
        denominator_exclusion=False,
        denominator_exception=False,
        numerator=amount > 0,
        numerator_count=amount.astype(int) if measure.is_rate else (amount > 0).astype(int),
        member_years=1.0 if measure.is_rate else np.nan,
        member_months=12.0 if measure.is_cost else np.nan,
        paid_amount=amount if measure.is_cost else np.nan,
        expected=np.nan,
        expected_payer_mix=np.nan,
        predicted=np.nan,
        age_band="unknown",
        race="unknown",
        ethnicity="unknown",
        sdoh_risk="not screened",
        county="Monroe",
        **{c: people[c].to_numpy() for c in people.columns},
    )
    schema = {**dict(MEASURE_PATIENT.items()), "age_group": "string"}
    return ibis.memtable(frame[list(schema)], schema=schema)


def _results(measure_id: str, rows: ir.Table) -> dict[tuple[str, str], dict[str, Any]]:
    measure = MEASURES[measure_id]
    standardised = with_standardised_expected(rows, measure)
    counted = counts(standardised).to_pyarrow()
    table = result_table(counted, [measure], 2025, {})
    return {
        (r["entity_type"], r["entity_id"]): r
        for r in table.to_pylist()
        if r["stratum_type"] == "all"
    }


def _age_mix(seed: int = 1) -> pd.DataFrame:
    """An old plan (Medicare-age members) and a young one, 3,000 members each, and a third,
    mixed one, all of one payer type."""
    rng = np.random.default_rng(seed)
    return pd.concat(
        [
            _members(rng, "older-plan", 3000, OLD),
            _members(rng, "younger-plan", 3000, YOUNG),
            _members(rng, "mixed-plan", 3000, OLD + YOUNG),
        ],
        ignore_index=True,
    )


def test_an_older_plan_is_not_worse_on_ed_visits_after_age_standardisation() -> None:
    people = _age_mix()
    rng = np.random.default_rng(2)
    visits = rng.poisson(people.age_group.map(VISITS).to_numpy())
    results = _results(ED, _rows(ED, people, visits))
    older, younger = (
        results[("health_plan", "older-plan")],
        results[("health_plan", "younger-plan")],
    )
    # Crude rates differ beyond chance (what the explorer used to flag)...
    crude_p = poisson_rates_p([older["numerator"]], [3000.0], [younger["numerator"]], [3000.0])[0]
    assert older["rate"] > 1.5 * younger["rate"]
    assert crude_p < 1e-6
    # ...but standardised by age and sex, neither is better or worse.
    assert older["oe_ratio"] == pytest.approx(1.0, abs=0.1)
    assert (older["comparison"], younger["comparison"]) == ("average", "average")
    assert results[("clinic", "older-plan")]["comparison"] == "average"


def test_an_older_plan_is_not_worse_on_cost_after_age_standardisation() -> None:
    people = _age_mix()
    rng = np.random.default_rng(3)
    mean = people.age_group.map(PAID).to_numpy() * 12
    paid = rng.gamma(shape=0.8, scale=mean / 0.8)  # skewed, as costs are
    results = _results(TCOC, _rows(TCOC, people, paid))
    older, younger = (
        results[("health_plan", "older-plan")],
        results[("health_plan", "younger-plan")],
    )
    assert older["rate"] > 1.5 * younger["rate"]
    assert older["oe_ratio"] == pytest.approx(1.0, abs=0.1)
    assert (older["comparison"], younger["comparison"]) == ("average", "average")
    assert older["adjustment"] == "age and sex"


def _payer_mix(seed: int = 4) -> pd.DataFrame:
    """Two plans covering both commercial and Medicaid members, in opposite proportions."""
    rng = np.random.default_rng(seed)
    ages = YOUNG + OLD
    return pd.concat(
        [
            _members(rng, "mostly-commercial", 3200, ages),
            _members(rng, "mostly-commercial", 800, ages, "medicaid"),
            _members(rng, "mostly-medicaid", 800, ages),
            _members(rng, "mostly-medicaid", 3200, ages, "medicaid"),
        ],
        ignore_index=True,
    )


def test_a_plan_with_more_medicaid_members_is_compared_by_payer_mix() -> None:
    people = _payer_mix()
    rng = np.random.default_rng(5)
    # Medicaid members use the ED twice as much, in either plan: no difference between plans.
    rate = people.age_group.map(VISITS).to_numpy() * np.where(people.payer_type == "medicaid", 2, 1)
    results = _results(ED, _rows(ED, people, rng.poisson(rate)))
    plan = results[("health_plan", "mostly-medicaid")]
    assert plan["adjustment"] == "age, sex and payer type"
    assert plan["comparison"] == "average"
    # Clinics are standardised by age and sex only: the same members there look worse.
    assert results[("clinic", "mostly-medicaid")]["comparison"] == "worse"


def test_a_plan_alone_in_its_payer_type_is_standardised_by_age_and_sex() -> None:
    rng = np.random.default_rng(6)
    people = pd.concat(
        [_members(rng, "a", 500, YOUNG), _members(rng, "b", 500, YOUNG, "medicare advantage")]
    )
    visits = rng.poisson(people.age_group.map(VISITS).to_numpy())
    plan = _results(ED, _rows(ED, people, visits))[("health_plan", "b")]
    assert plan["adjustment"] == "age and sex"


def test_a_true_difference_is_still_found_after_standardisation() -> None:
    people = _age_mix()
    rng = np.random.default_rng(7)
    rate = people.age_group.map(VISITS).to_numpy() * np.where(people.clinic == "mixed-plan", 1.3, 1)
    results = _results(ED, _rows(ED, people, rng.poisson(rate)))
    assert results[("clinic", "mixed-plan")]["comparison"] == "worse"
    assert results[("clinic", "mixed-plan")]["oe_ratio"] == pytest.approx(1.3 / 1.1, abs=0.08)


def _counted(measure: str, rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    base = {
        "measure_id": measure,
        "stratum_type": "all",
        "stratum": "all",
        "denominator_exclusion": 0,
        "denominator_exception": 0,
    }
    counted = pa.Table.from_pylist([{**base, **r} for r in rows])
    table = result_table(counted, [MEASURES[measure]], 2025, {})
    return {(r["entity_type"], r["entity_id"]): r for r in table.to_pylist()}


def _screening(kind: str, entity: str, n: int, x: int) -> dict[str, Any]:
    return {
        "entity_type": kind,
        "entity_id": entity,
        "initial_population": n,
        "denominator": n,
        "numerator": x,
    }


def test_a_large_clinic_is_compared_with_the_rest_of_the_collaborative_not_with_itself() -> None:
    # 90% of the collaborative at 50%, the other clinic at 40%: the collaborative is 49%, within
    # the large clinic's own interval, but the rest (40%) is far below it.
    results = _counted(
        SCREENING,
        [
            _screening("collaborative", "collaborative", 10_000, 4_900),
            _screening("clinic", "large", 9_000, 4_500),
            _screening("clinic", "small", 1_000, 400),
        ],
    )
    large = results[("clinic", "large")]
    assert large["ci_low"] < 0.49 < large["ci_high"]
    assert large["reference_rate"] == pytest.approx(0.40)
    assert large["comparison"] == "better"
    assert results[("clinic", "small")]["reference_rate"] == pytest.approx(0.50)


def _visits(
    kind: str, entity: str, observed: int, expected: float, members: int = 1_000
) -> dict[str, Any]:
    return {
        "entity_type": kind,
        "entity_id": entity,
        "initial_population": members,
        "denominator": members,
        "numerator": observed,
        "member_years": float(members),
        "expected": expected,
    }


def test_a_rate_needs_20_expected_events_to_be_compared() -> None:
    results = _counted(
        ED,
        [
            _visits("collaborative", "collaborative", 2_000, 2_000.0, members=50_000),
            _visits("clinic", "too-few-expected", 60, 19.5),
            _visits("clinic", "enough-expected", 60, 20.0),
        ],
    )
    assert results[("clinic", "too-few-expected")]["status"] == "reported"
    assert results[("clinic", "too-few-expected")]["comparison"] is None
    assert results[("clinic", "enough-expected")]["comparison"] == "worse"


def test_the_collaboratives_own_result_has_no_comparison() -> None:
    results = _counted(ED, [_visits("collaborative", "collaborative", 2_000, 2_000.0)])
    whole = results[("collaborative", "collaborative")]
    assert (whole["comparison"], whole["p_value"], whole["reliability"]) == (None, None, None)


def test_q_values_control_the_false_discovery_rate_within_each_entity_type() -> None:
    rng = np.random.default_rng(8)
    expected = rng.uniform(30, 300, 40)
    observed = rng.poisson(expected)
    total = (int(observed.sum()), float(expected.sum()))
    rows = [_visits("collaborative", "collaborative", *total, members=40_000)]
    rows += [
        _visits("clinic", f"c{k}", int(o), float(e))
        for k, (o, e) in enumerate(zip(observed[:20], expected[:20], strict=True))
    ]
    rows += [
        _visits("county", f"k{k}", int(o), float(e))
        for k, (o, e) in enumerate(zip(observed[20:], expected[20:], strict=True))
    ]
    results = _counted(ED, rows)
    for kind in ("clinic", "county"):
        cells = [r for (t, _), r in results.items() if t == kind]
        p = np.array([r["p_value"] for r in cells])
        order = np.argsort(p)
        ranked = p[order] * len(p) / np.arange(1, len(p) + 1)
        q = np.minimum.accumulate(ranked[::-1])[::-1]
        assert [cells[k]["q_value"] for k in order] == pytest.approx(np.minimum(q, 1))
        flagged = [r["comparison"] in ("better", "worse") for r in cells]
        assert flagged == [r["q_value"] <= 0.05 for r in cells]


def _spread_clinics(measure: str, spread: float, seed: int = 9) -> dict:
    """30 clinics of 50 to 1,500 members whose true O/E vary by `spread` (log scale)."""
    rng = np.random.default_rng(seed)
    sizes = np.round(np.geomspace(20, 2000, 30)).astype(int)
    true = np.exp(rng.normal(0, spread, 30))
    rows = []
    for k, (size, ratio) in enumerate(zip(sizes, true, strict=True)):
        expected = 0.5 * size
        observed = int(rng.poisson(expected * ratio))
        rows.append(_visits("clinic", f"c{k:02d}", observed, expected, int(size)))
    total_o = sum(r["numerator"] for r in rows)
    total_e = sum(r["expected"] for r in rows)
    rows.append(_visits("collaborative", "collaborative", total_o, total_e, int(sizes.sum())))
    results = _counted(measure, rows)
    return {k: r for (t, k), r in results.items() if t == "clinic"}


def test_rates_get_a_reliability_that_grows_with_the_clinics_size() -> None:
    clinics = _spread_clinics(ED, spread=0.3)
    reliabilities = [clinics[f"c{k:02d}"]["reliability"] for k in range(30)]
    assert all(0 < r < 1 for r in reliabilities)
    assert reliabilities[0] < 0.7 < reliabilities[-1]
    assert reliabilities == sorted(reliabilities)


def test_without_true_differences_rates_have_no_reliability_to_speak_of() -> None:
    clinics = _spread_clinics(ED, spread=0.0)
    assert max(r["reliability"] for r in clinics.values()) < 0.3


def test_costs_get_a_reliability_on_the_observed_over_expected_scale() -> None:
    people = pd.concat(
        [
            _members(np.random.default_rng(k), f"clinic-{k}", 200 + 100 * k, YOUNG + OLD)
            for k in range(12)
        ],
        ignore_index=True,
    )
    rng = np.random.default_rng(10)
    effect = people.clinic.map({f"clinic-{k}": 0.6 + 0.08 * k for k in range(12)}).to_numpy()
    mean = people.age_group.map(PAID).to_numpy() * 12 * effect
    paid = rng.gamma(shape=2.0, scale=mean / 2.0)
    results = _results(TCOC, _rows(TCOC, people, paid))
    reliabilities = [results[("clinic", f"clinic-{k}")]["reliability"] for k in range(12)]
    assert all(0.5 < r < 1 for r in reliabilities)
    assert results[("clinic", "clinic-0")]["comparison"] == "better"


def test_a_rate_that_opts_out_of_standardisation_is_compared_crude() -> None:
    crude = replace(MEASURES[ED], standardised=False)
    rows = [
        _visits("collaborative", "collaborative", 10_000, float("nan"), members=50_000),
        _visits("clinic", "busy", 300, float("nan")),
        _visits("clinic", "quiet", 200, float("nan")),
    ]
    base = {"measure_id": ED, "stratum_type": "all", "stratum": "all"}
    counted = pa.Table.from_pylist(
        [{**base, "denominator_exclusion": 0, "denominator_exception": 0, **r} for r in rows]
    )
    table = result_table(counted, [crude], 2025, {}).to_pylist()
    busy = next(r for r in table if r["entity_id"] == "busy")
    assert (busy["adjustment"], busy["expected"]) == (None, None)
    assert busy["reference_rate"] == pytest.approx(9_700 / 49_000 * 1_000)
    assert busy["comparison"] == "worse"
    assert busy["reliability"] is not None
