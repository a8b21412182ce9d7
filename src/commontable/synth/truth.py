"""The ground truth kept apart from the sources: who is who, where, and what was planted.

Written under OUT/truth/, never inside OUT/sources/.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from commontable.synth.conditions import CONDITIONS, NAMES
from commontable.synth.frame import Frame, to_table
from commontable.synth.measures_planted import PLANTED
from commontable.synth.organizations import Roster
from commontable.synth.people import age_on
from commontable.synth.world import World
from commontable.synth.writers import Sink


def person_table(world: World) -> pa.Table:
    people = world.people
    frame: Frame = {
        "person_key": people["person_key"],
        "first_name": people["first_name"],
        "last_name": people["last_name"],
        "sex": people["sex"],
        "birth_date": people["birth_date"],
        "death_date": world.death,
        "race": people["race"],
        "ethnicity": people["ethnicity"],
        "address": people["address"],
        "city": people["city"],
        "state": np.full(len(people["person"]), "NY"),
        "zip_code": people["zip_code"],
        "county": people["county"],
        "phone": people["phone"],
        "social_security_number": people["ssn"],
        "planted_case": np.asarray(people["planted"], dtype=str),
        "look_alike_of": np.where(
            people["look_alike_of"] >= 0,
            people["person_key"].take(pa.array(np.maximum(people["look_alike_of"], 0))),
            None,
        ),
    }
    frame["look_alike_of"] = pa.array(frame["look_alike_of"], type=pa.string())
    for name in NAMES:
        frame[name.replace(" ", "_")] = world.conditions[name]
    return to_table(frame)


def attribution_table(world: World) -> pa.Table:
    clinics = world.roster.clinics
    groups = {g.id: g for g in world.roster.groups}
    years = world.years
    person, y = np.nonzero(world.clinic >= 0)
    clinic = world.clinic[person, y]
    staff = world.roster.practitioners["npi"]
    return to_table(
        {
            "person_key": world.people["person_key"].take(pa.array(person)),
            "year": np.array(list(years))[y],
            "clinic_id": np.array([c.id for c in clinics])[clinic],
            "clinic_name": np.array([c.name for c in clinics])[clinic],
            "medical_group_id": np.array([c.parent for c in clinics])[clinic],
            "medical_group": np.array([groups[c.parent].slug for c in clinics if c.parent])[clinic],
            "practitioner_npi": staff[world.practitioner[person, y]],
        }
    )


@dataclass
class Tally:
    """Counts summed over the chunks of a run, for planted.json."""

    people: int = 0
    adults: int = 0
    adult_cases: dict[str, int] = field(default_factory=dict)
    planted: dict[str, int] = field(default_factory=dict)
    deaths: int = 0
    stays: int = 0
    readmissions: int = 0
    discharges: int = 0

    def add(self, world: World) -> None:
        people = world.people
        end = np.datetime64(f"{world.years[-1]}-12-31")
        adult = age_on(people, end) >= 18
        self.people += len(people["person"])
        self.adults += int(adult.sum())
        for c in CONDITIONS:
            cases = int(world.conditions[c.name][adult].sum())
            self.adult_cases[c.name] = self.adult_cases.get(c.name, 0) + cases
        kinds = np.asarray(people["planted"])
        for kind in ("twin", "namesake", "common name"):
            self.planted[kind] = self.planted.get(kind, 0) + int((kinds == kind).sum())
        stays = world.stays
        self.deaths += int((~np.isnat(world.death)).sum())
        self.stays += len(stays["person"])
        self.readmissions += int(stays["readmission"].sum())
        self.discharges += int((stays["disposition"] != "20").sum())


def planted(
    seed: int,
    years: range,
    roster: Roster,
    rates: dict[str, np.ndarray],
    tally: Tally,
    seconds: dict[str, float],
) -> dict[str, object]:
    """How the region was planted: per-clinic measure rates, prevalence, events."""
    clinics = roster.clinics
    return {
        "seed": seed,
        "people": tally.people,
        "years": [years[0], years[-1]],
        "measurement_year": years[-1],
        "measures": {
            measure: {
                "cms": cms,
                "how": how,
                "low": low,
                "high": high,
                "by_clinic": {c.id: float(rates[measure][k]) for k, c in enumerate(clinics)},
            }
            for measure, (cms, low, high, how) in PLANTED.items()
        },
        "clinic_group": {c.id: c.parent for c in clinics},
        "adult_prevalence": {
            c.name: round(tally.adult_cases[c.name] / max(tally.adults, 1), 4) for c in CONDITIONS
        },
        "prevalence_sources": {c.name: c.source for c in CONDITIONS},
        "planted_people": tally.planted,
        "deaths": tally.deaths,
        "inpatient_stays": tally.stays,
        "readmissions": tally.readmissions,
        "readmission_share_of_discharges": round(tally.readmissions / max(tally.discharges, 1), 4),
        "seconds": seconds,
    }


def write_chunk(world: World, out: Path, source_person: list[pa.Table], sink: Sink) -> None:
    """Append one chunk's people, source ids and attribution to the truth files."""
    folder = out / "truth"
    sink.table(person_table(world), folder / "person.parquet")
    sink.table(pa.concat_tables(source_person), folder / "source_person.parquet")
    sink.table(attribution_table(world), folder / "attribution.parquet")


def write_planted(out: Path, facts: dict[str, object]) -> dict[str, int]:
    folder = out / "truth"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "planted.json").write_text(json.dumps(facts, indent=2, sort_keys=True) + "\n")
    return {"truth/planted.json": 1}
