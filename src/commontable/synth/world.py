"""Simulate the region once: people, coverage, care, results, drugs (no files yet)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from commontable.synth import clinical, medications, utilization
from commontable.synth.attribution import attribute
from commontable.synth.conditions import CONDITIONS, assign_conditions, condition_count
from commontable.synth.coverage import monthly_states, spans
from commontable.synth.frame import Frame, concat
from commontable.synth.market import Market
from commontable.synth.mortality import assign_deaths
from commontable.synth.numbering import Part
from commontable.synth.organizations import Roster
from commontable.synth.people import age_on, make_people
from commontable.synth.randomness import stream as _stream

Step = Callable[[str], None]
# ICD-10-CM reason billed with each kind of result (Z12.x screening encounters, Z23 vaccines).
RESULT_DX = {
    "mammography": "Z12.31",
    "colonoscopy": "Z12.11",
    "fit": "Z12.11",
    "sdna": "Z12.11",
    "pap": "Z12.4",
    "hpv": "Z12.4",
    "hba1c": "E11.9",
    "ldl": "E78.5",
    "depression_screen": "Z13.31",
    "follow_up_adult": "F32.A",
    "follow_up_adolescent": "F32.A",
    "immunization": "Z23",
}
CHUNK = 200_000


@dataclass
class World:
    """Everything one chunk of people's sources are cut from, with the truth to check them."""

    seed: int
    part: Part
    years: range
    roster: Roster
    people: Frame
    conditions: Frame
    death: np.ndarray
    coverage: Frame
    clinic: np.ndarray
    practitioner: np.ndarray
    rates: dict[str, np.ndarray]
    visits: Frame
    ed: Frame
    stays: Frame
    records: Frame
    bp: Frame
    courses: Frame
    fills: Frame
    market: Market  # the providers outside the roster (region-wide)

    def stream(self, step: str) -> np.random.Generator:
        """The random stream of a named step for this chunk."""
        return _stream(self.seed, step, self.part.index)


def simulate(
    people_count: int,
    seed: int,
    years: range,
    step: Step,
    roster: Roster,
    rates: dict[str, np.ndarray],
    part: Part,
    market: Market,
) -> World:
    """Run every step of the simulation for one chunk of people (roster and rates region-wide)."""
    start, end = np.datetime64(f"{years[0]}-01-01"), np.datetime64(f"{years[-1]}-12-31")

    def stream(name: str) -> np.random.Generator:
        return _stream(seed, name, part.index)

    step("people")
    people = make_people(stream("people"), people_count, end, part.first)
    conditions = assign_conditions(stream("conditions"), people, start, end)
    chronic = condition_count(conditions)
    death = assign_deaths(stream("deaths"), people, conditions, years)
    people["death_date"] = death
    step("coverage")
    states = monthly_states(stream("coverage"), people, death, years)
    coverage = spans(states, people, death, years)
    del states
    clinic, practitioner = attribute(
        stream("attribution"), roster, people, death, chronic, coverage, years
    )
    step("visits")
    rng = stream("utilization")
    visits = utilization.office_visits(rng, people, death, chronic, clinic, practitioner, years)
    ed, stays = utilization.ed_and_inpatient(
        rng, roster, people, death, conditions, chronic, coverage, years, stream("out of area")
    )
    follow_up = utilization.follow_up_visits(
        stream("follow-up"), stays, death, clinic, practitioner, years
    )
    visits = concat([visits, follow_up])
    person_codes = utilization.chronic_codes(stream("codes"), conditions)
    onset = np.column_stack([conditions[c.name + "_onset"] for c in CONDITIONS])
    rng = stream("diagnoses")
    acute = utilization.codes.ACUTE_OFFICE_DX[rng.integers(0, 10, len(visits["person"]))]
    exam = np.where(age_on_visit(people, visits) < 18, "Z00.129", "Z00.00")
    has_chronic = (person_codes[visits["person"]] != "").any(axis=1)
    first = np.where(
        visits["kind"] == "preventive",
        exam,
        np.where(has_chronic & (rng.random(len(acute)) < 0.7), "", acute),
    )
    visits["dx"] = _diagnoses(rng, visits["person"], visits["start"], first, person_codes, onset)
    visits["dx"][:, 0] = np.where(visits["dx"][:, 0] == "", acute, visits["dx"][:, 0])
    ed["dx"] = _diagnoses(rng, ed["person"], ed["start"], ed["dx"], person_codes, onset)[:, :4]
    stays["dx_all"] = _diagnoses(
        rng, stays["person"], stays["start"], stays["dx"], person_codes, onset
    )
    step("clinical results")
    rng = stream("clinical")
    mp = years[-1]
    clinic_mp = clinic[:, -1]
    child_clinic = np.max(clinic, axis=1)
    ages = age_on_visit(people, visits)
    records = concat(
        [
            clinical.screenings(rng, people, death, clinic_mp, rates, mp),
            clinical.visit_results(rng, people, conditions, visits, rates, years),
            clinical.depression_screens(rng, conditions, visits, ages, rates),
            clinical.immunizations(rng, people, death, child_clinic, rates, years),
        ]
    )
    records["dx"] = np.column_stack(
        [np.vectorize(RESULT_DX.get, otypes=["<U8"])(records["kind"])]
        + [np.full(len(records["kind"]), "", "<U8")] * 3
    )
    bp = clinical.blood_pressure(rng, conditions, visits, ages, clinic_mp, rates, mp)
    step("medications")
    rng = stream("medications")
    courses = medications.prescriptions(rng, people, conditions, death, clinic_mp, rates, years)
    fills = medications.fills(rng, courses)
    return World(
        seed,
        part,
        years,
        roster,
        people,
        conditions,
        death,
        coverage,
        clinic,
        practitioner,
        rates,
        visits,
        ed,
        stays,
        records,
        bp,
        courses,
        fills,
        market,
    )


def age_on_visit(people: Frame, visits: Frame) -> np.ndarray:
    """Age in whole years at each visit."""
    birth = people["birth_date"][visits["person"]]
    return ((visits["start"] - birth).astype(np.int64) / 365.25).astype(np.int64)


def _diagnoses(
    rng: np.random.Generator,
    person: np.ndarray,
    day: np.ndarray,
    first: np.ndarray,
    person_codes: np.ndarray,
    onset: np.ndarray,
) -> np.ndarray:
    """Diagnosis slots computed in chunks to bound memory."""
    parts = [
        utilization.diagnoses(
            rng,
            person[i : i + CHUNK],
            day[i : i + CHUNK],
            first[i : i + CHUNK],
            person_codes,
            onset,
        )
        for i in range(0, len(person), CHUNK)
    ]
    return np.concatenate(parts) if parts else np.zeros((0, 4), "<U8")


__all__ = ["World", "age_on", "simulate"]
