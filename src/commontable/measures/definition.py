"""What a measure is: its metadata, the codes it reads, and one function per population.

A measure module declares one `Measure`. Each population function takes the run's `Records`
and returns an Ibis table with a `person_id` column (duplicates allowed); the engine turns them
into per-patient flags and aggregates them, so no measure does its own counting:

* proportion: `initial_population`, `denominator` (default: the initial population),
  `denominator_exclusion`, `denominator_exception`, `numerator` return the people in each.
  A measure counted per event (`unit=EVENT`, e.g. index stays of a readmission measure) returns
  an `event_id` column too; its initial population also gives `event_date` and `facility_npi`,
  the NPI the engine attributes the event's hospital from.
* rate per 1,000 or per 100,000: `initial_population` returns person_id and `member_years`
  (exposure, one row per person); `numerator` returns one row per event (person_id), counted by
  the engine.
* cost: `initial_population` returns person_id and `member_months`; `numerator` returns
  person_id and `paid_amount`, one row per payment, summed by the engine (rate: paid PMPM);
  with a `provider_npi` column (the NPI paid) its figures also count their providers
  (providers.py, the Statement 6 safety zone).

Rates and costs are compared age/sex standardised (`standardised`, adjustment.py) unless a
measure says otherwise; a proportion is compared crude, or by its risk model (`risk_adjustment`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ibis.expr.types as ir

from commontable.measures.codes import CodeList
from commontable.measures.entities import (
    CLINIC,
    COUNTY,
    ENTITY_TYPES,
    HEALTH_PLAN,
    HOSPITAL,
    MEDICAL_GROUP,
)
from commontable.measures.records import Records

PROPORTION = "proportion"
RATE_PER_1000 = "rate per 1,000"
RATE_PER_100000 = "rate per 100,000"
COST = "cost PMPM"
TYPES = (PROPORTION, RATE_PER_1000, RATE_PER_100000, COST)
PER = 1_000  # events per 1,000 member-years
# Events per this many member-years, by type (AHRQ PQIs: per 100,000 population).
PER_TYPE = {RATE_PER_1000: PER, RATE_PER_100000: 100_000}

PERSON = "person"
EVENT = "event"
UNITS = (PERSON, EVENT)


Population = Callable[[Records], ir.Table]


@dataclass(frozen=True)
class RiskAdjustment:
    """Indirect standardisation: a logistic model of the numerator on each event's risk factors.

    `factors` returns event_id and the predictor columns; `numeric` enter the model as numbers
    (0/1 for a condition category), `categorical` one-hot against their most frequent level.
    `random_intercept` names an entity column (e.g. hospital) to fit a hierarchical model with a
    random intercept per entity, whose results are then predicted/expected with shrinkage.
    """

    factors: Population
    numeric: tuple[str, ...]
    categorical: tuple[str, ...] = ()
    random_intercept: str | None = None


@dataclass(frozen=True)
class Measure:
    """One measure: metadata, code lists, populations, and the entities it reports on."""

    id: str
    title: str
    steward: str
    version: str
    source: str  # where the specification is published
    type: str  # one of TYPES
    higher_is_better: bool
    codes: tuple[CodeList, ...]
    initial_population: Population
    numerator: Population
    denominator: Population | None = None
    denominator_exclusion: Population | None = None
    denominator_exception: Population | None = None
    # Entity types with results besides the whole collaborative, which every measure has.
    reports: tuple[str, ...] = (CLINIC, MEDICAL_GROUP, HEALTH_PLAN, COUNTY)
    unit: str = PERSON  # what the denominator counts: people, or events (a proportion only)
    risk_adjustment: RiskAdjustment | None = None  # expected numerators (a proportion only)
    # A rate or cost compared by indirect age/sex standardisation (adjustment.py); False: crude.
    standardised: bool = True
    # Whether a person in its denominator who does not meet it has a care gap (care/gaps.py);
    # False for measures of the collaborative's own work (a late notification).
    care_gaps: bool = True

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"measure {self.id}: type {self.type!r} is not one of {TYPES}")
        unknown = set(self.reports) - set(ENTITY_TYPES)
        if unknown:
            raise ValueError(f"measure {self.id}: unknown entity types {sorted(unknown)}")
        if self.unit not in UNITS:
            raise ValueError(f"measure {self.id}: unit {self.unit!r} is not one of {UNITS}")
        if self.type != PROPORTION and (self.unit == EVENT or self.risk_adjustment):
            raise ValueError(f"measure {self.id}: only a proportion counts events or is adjusted")
        if HOSPITAL in self.reports and self.unit != EVENT:
            raise ValueError(f"measure {self.id}: only events (stays) have a hospital")
        random = self.risk_adjustment.random_intercept if self.risk_adjustment else None
        if random is not None and random not in self.reports:
            raise ValueError(f"measure {self.id}: random intercept by {random}, not reported")

    @property
    def is_rate(self) -> bool:
        """A rate of events over member-years (per 1,000 or per 100,000)."""
        return self.type in PER_TYPE

    @property
    def is_cost(self) -> bool:
        return self.type == COST

    @property
    def is_standardised(self) -> bool:
        """A rate or cost with expected amounts by age/sex standardisation (adjustment.py)."""
        return (self.is_rate or self.is_cost) and self.standardised

    @property
    def per(self) -> int:
        """The member-years a rate is expressed per (1 for other types)."""
        return PER_TYPE.get(self.type, 1)

    @property
    def per_event(self) -> bool:
        return self.unit == EVENT
