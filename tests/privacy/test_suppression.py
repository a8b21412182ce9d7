"""Small-cell suppression: cells of 1-10 hidden, and no hidden cell left recoverable from totals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from commontable.privacy.suppression import (
    COMPLEMENTARY,
    PRIMARY,
    additive_groups,
    suppress,
)


def cell(
    entity_type: str,
    entity_id: str,
    stratum_type: str,
    stratum: str,
    denominator: int,
    numerator: int,
    measure_id: str = "CMS125",
) -> dict[str, object]:
    return {
        "measure_id": measure_id,
        "period": 2025,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "stratum_type": stratum_type,
        "stratum": stratum,
        "denominator": denominator,
        "numerator": numerator,
    }


def reasons(cells: list[dict[str, object]], **options: object) -> list[str | None]:
    return list(suppress(pd.DataFrame(cells), **options))  # type: ignore[arg-type]


def test_a_numerator_of_one_to_ten_is_suppressed() -> None:
    assert reasons([cell("collaborative", "c", "all", "all", 200, 7)]) == [PRIMARY]


def test_a_denominator_of_one_to_ten_is_suppressed() -> None:
    assert reasons([cell("collaborative", "c", "all", "all", 10, 0)]) == [PRIMARY]


def test_zero_and_eleven_are_shown() -> None:
    assert reasons([cell("collaborative", "c", "all", "all", 11, 0)]) == [None]


def test_a_lone_suppressed_stratum_hides_the_next_smallest_stratum_too() -> None:
    found = reasons(
        [
            cell("clinic", "A", "all", "all", 300, 150),
            cell("clinic", "A", "sex", "female", 200, 100),
            cell("clinic", "A", "sex", "male", 95, 45),
            cell("clinic", "A", "sex", "unknown", 5, 5),
        ]
    )
    assert found == [None, None, COMPLEMENTARY, PRIMARY]


def test_two_suppressed_strata_need_no_complement() -> None:
    found = reasons(
        [
            cell("clinic", "A", "all", "all", 300, 150),
            cell("clinic", "A", "sex", "female", 290, 140),
            cell("clinic", "A", "sex", "male", 5, 5),
            cell("clinic", "A", "sex", "unknown", 5, 5),
        ]
    )
    assert found == [None, None, PRIMARY, PRIMARY]


def test_a_lone_suppressed_clinic_hides_another_clinic_of_the_same_stratum() -> None:
    found = reasons(
        [
            cell("collaborative", "c", "all", "all", 400, 200),
            cell("clinic", "A", "all", "all", 8, 4),
            cell("clinic", "B", "all", "all", 150, 80),
            cell("clinic", "C", "all", "all", 242, 116),
        ]
    )
    assert found == [None, PRIMARY, COMPLEMENTARY, None]


def test_the_complement_is_a_cell_with_people_in_it() -> None:
    found = reasons(
        [
            cell("clinic", "A", "all", "all", 100, 50),
            cell("clinic", "A", "race", "asian", 0, 0),
            cell("clinic", "A", "race", "black", 6, 3),
            cell("clinic", "A", "race", "white", 94, 47),
        ]
    )
    assert found == [None, None, PRIMARY, COMPLEMENTARY]


def test_a_medical_groups_clinics_add_up_to_it() -> None:
    found = reasons(
        [
            cell("medical_group", "G", "all", "all", 300, 150),
            cell("clinic", "A", "all", "all", 9, 4),
            cell("clinic", "B", "all", "all", 291, 146),
        ],
        medical_group_of={"A": "G", "B": "G"},
    )
    assert found == [None, PRIMARY, COMPLEMENTARY]


def test_a_county_and_the_collaboratives_stratum_of_that_county_are_hidden_together() -> None:
    found = reasons(
        [
            cell("collaborative", "c", "all", "all", 1000, 500),
            cell("collaborative", "c", "county", "Monroe", 600, 300),
            cell("collaborative", "c", "county", "Ontario", 300, 150),
            cell("collaborative", "c", "county", "Wayne", 100, 50),
            cell("county", "Monroe", "all", "all", 600, 300),
            cell("county", "Wayne", "all", "all", 100, 50),
            cell("county", "Wayne", "sex", "female", 95, 45),
            cell("county", "Wayne", "sex", "male", 5, 5),
        ]
    )
    hidden = {i for i, reason in enumerate(found) if reason}
    assert 7 in hidden  # male in Wayne: primary
    assert 5 in hidden or 6 in hidden
    assert (3 in hidden) == (5 in hidden)  # Wayne's whole population: both or neither


def test_no_additive_group_is_left_with_exactly_one_hidden_cell() -> None:
    rng = np.random.default_rng(7)
    rows: list[dict[str, object]] = []
    clinics = [f"K{i}" for i in range(12)]
    for measure_id in ("CMS125", "CMS130"):
        sizes = rng.integers(0, 40, size=(len(clinics), 3))
        for stratum_index, stratum in enumerate(("18-44", "45-64", "65+")):
            total = int(sizes[:, stratum_index].sum())
            rows.append(
                cell("collaborative", "c", "age_band", stratum, total, total // 2, measure_id)
            )
        rows.append(cell("collaborative", "c", "all", "all", int(sizes.sum()), 0, measure_id))
        for k, clinic in enumerate(clinics):
            rows.append(cell("clinic", clinic, "all", "all", int(sizes[k].sum()), 0, measure_id))
            for stratum_index, stratum in enumerate(("18-44", "45-64", "65+")):
                n = int(sizes[k, stratum_index])
                rows.append(cell("clinic", clinic, "age_band", stratum, n, n // 2, measure_id))
    frame = pd.DataFrame(rows)
    hidden = suppress(frame).notna()
    groups = additive_groups(frame)
    per_group = hidden.to_numpy()[groups["cell"].to_numpy()]
    counts = groups.assign(hidden=per_group).groupby("group")["hidden"].sum()
    assert (counts != 1).all()
    assert hidden.any()
