"""What a measure is: its metadata, the codes it reads, and one function per population.

A measure module declares one `Measure`. Each population function takes the run's `Records`
and returns an Ibis table with a `person_id` column (duplicates allowed); the engine turns them
into per-patient flags and aggregates them, so no measure does its own counting:

* proportion: `initial_population`, `denominator` (default: the initial population),
  `denominator_exclusion`, `denominator_exception`, `numerator` return the people in each.
* rate per 1,000: `initial_population` returns person_id and `member_years` (exposure, one row
  per person); `numerator` returns one row per event (person_id), counted by the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ibis.expr.types as ir

from commontable.measures.codes import CodeList
from commontable.measures.records import Records

PROPORTION = "proportion"
RATE_PER_1000 = "rate per 1,000"
TYPES = (PROPORTION, RATE_PER_1000)
PER = 1_000  # events per 1,000 member-years

COLLABORATIVE = "collaborative"
CLINIC = "clinic"
MEDICAL_GROUP = "medical_group"
HEALTH_PLAN = "health_plan"
COUNTY = "county"
ENTITY_TYPES = (COLLABORATIVE, CLINIC, MEDICAL_GROUP, HEALTH_PLAN, COUNTY)

Population = Callable[[Records], ir.Table]


@dataclass(frozen=True)
class Measure:
    """One measure: metadata, code lists, populations, and the entities it reports on."""

    id: str
    title: str
    steward: str
    version: str
    source: str  # where the specification is published
    type: str  # PROPORTION or RATE_PER_1000
    higher_is_better: bool
    codes: tuple[CodeList, ...]
    initial_population: Population
    numerator: Population
    denominator: Population | None = None
    denominator_exclusion: Population | None = None
    denominator_exception: Population | None = None
    # Entity types with results besides the whole collaborative, which every measure has.
    reports: tuple[str, ...] = (CLINIC, MEDICAL_GROUP, HEALTH_PLAN, COUNTY)

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"measure {self.id}: type {self.type!r} is not one of {TYPES}")
        unknown = set(self.reports) - set(ENTITY_TYPES)
        if unknown:
            raise ValueError(f"measure {self.id}: unknown entity types {sorted(unknown)}")

    @property
    def is_rate(self) -> bool:
        return self.type == RATE_PER_1000
