"""The ground truth kept apart from the sources: who is who, where, and what was planted.

Written under OUT/truth/, never inside OUT/sources/.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa

from commontable.synth.conditions import CONDITIONS, NAMES
from commontable.synth.frame import Frame, to_table
from commontable.synth.measures_planted import PLANTED
from commontable.synth.people import age_on
from commontable.synth.world import World
from commontable.synth.writers import write


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


def planted(world: World, seconds: dict[str, float]) -> dict[str, object]:
    """How the region was planted: per-clinic measure rates, prevalence, events."""
    people = world.people
    end = np.datetime64(f"{world.years[-1]}-12-31")
    adult = age_on(people, end) >= 18
    stays = world.stays
    discharges = stays["disposition"] != "20"
    clinics = world.roster.clinics
    return {
        "seed": world.seed,
        "people": len(people["person"]),
        "years": [world.years[0], world.years[-1]],
        "measurement_year": world.years[-1],
        "measures": {
            measure: {
                "cms": cms,
                "how": how,
                "low": low,
                "high": high,
                "by_clinic": {c.id: float(world.rates[measure][k]) for k, c in enumerate(clinics)},
            }
            for measure, (cms, low, high, how) in PLANTED.items()
        },
        "clinic_group": {c.id: c.parent for c in clinics},
        "adult_prevalence": {
            c.name: round(float(world.conditions[c.name][adult].mean()), 4) for c in CONDITIONS
        },
        "prevalence_sources": {c.name: c.source for c in CONDITIONS},
        "planted_people": {
            kind: int((np.asarray(people["planted"]) == kind).sum())
            for kind in ("twin", "namesake", "common name")
        },
        "deaths": int((~np.isnat(world.death)).sum()),
        "inpatient_stays": int(len(stays["person"])),
        "readmissions": int(stays["readmission"].sum()),
        "readmission_share_of_discharges": round(
            float(stays["readmission"].sum() / max(discharges.sum(), 1)), 4
        ),
        "seconds": seconds,
    }


def write_truth(
    world: World, out: Path, source_person: list[pa.Table], seconds: dict[str, float]
) -> dict[str, int]:
    folder = out / "truth"
    folder.mkdir(parents=True, exist_ok=True)
    written = {
        "truth/person.parquet": write(person_table(world), folder / "person.parquet"),
        "truth/source_person.parquet": write(
            pa.concat_tables(source_person), folder / "source_person.parquet"
        ),
        "truth/attribution.parquet": write(
            attribution_table(world), folder / "attribution.parquet"
        ),
    }
    facts = planted(world, seconds)
    (folder / "planted.json").write_text(json.dumps(facts, indent=2, sort_keys=True) + "\n")
    written["truth/planted.json"] = 1
    return written
