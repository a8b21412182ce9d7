"""Result cells for disclosure-control tests, counted from people so every relation holds: each
person has a clinic (of a medical group), a plan, a county and a sex, and meets the measure or
not; cells are counted per entity and stratum as the measure engine counts them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

MEDICAL_GROUP_OF = {"C1": "G1", "C2": "G1", "C3": "G2", "C4": "G2"}
ENTITY_COLUMNS = {"clinic": "clinic", "medical_group": "group", "health_plan": "plan"}
STRATUM_COLUMNS = {"sex": "sex", "county": "county"}


@dataclass(frozen=True)
class Person:
    clinic: str
    plan: str
    county: str
    sex: str
    met: bool
    paid: float = 0.0
    also: bool = False  # meets a second measure over the same people


def people(
    counts: dict[tuple[str, str, str, str], tuple[int, int]],
) -> list[Person]:
    """People from {(clinic, plan, county, sex): (how many, how many meet the measure)}."""
    found = []
    for (clinic, plan, county, sex), (n, met) in counts.items():
        found += [
            Person(clinic, plan, county, sex, i < met, 100.0 + i, also=i % 3 != 0) for i in range(n)
        ]
    return found


def cells(
    persons: Iterable[Person],
    measure_id: str = "CMS125",
    *,
    cost: bool = False,
    flag: str = "met",
) -> pd.DataFrame:
    """The measure's result cells: the collaborative and each entity, for everyone and by each
    stratum type (a county's own cells too), as measure_result rows; `flag` says who meets it."""
    frame = pd.DataFrame([p.__dict__ for p in persons])
    frame["group"] = frame["clinic"].map(MEDICAL_GROUP_OF)
    frame["collaborative"] = "collaborative"
    frame["all"] = "all"
    entities = {"collaborative": "collaborative", **ENTITY_COLUMNS, "county": "county"}
    strata = {"all": "all", **STRATUM_COLUMNS}
    rows = []
    for entity_type, entity_column in entities.items():
        for stratum_type, stratum_column in strata.items():
            if stratum_type == entity_type:
                continue
            grouped = frame.groupby([entity_column, stratum_column])
            for (entity_id, stratum), group in grouped:
                rows.append(
                    {
                        "measure_id": measure_id,
                        "period": 2025,
                        "entity_type": entity_type,
                        "entity_id": entity_id,
                        "stratum_type": stratum_type,
                        "stratum": stratum,
                        "denominator": len(group),
                        "numerator": int(group[flag].sum()),
                        "member_years": None,
                        "member_months": float(12 * len(group)) if cost else None,
                        "paid_amount": float(group["paid"].sum()) if cost else None,
                    }
                )
    return pd.DataFrame(rows)
