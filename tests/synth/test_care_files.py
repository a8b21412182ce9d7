"""The region's care coordination files: the hospital's opt-outs, a CBO's roster for its
community health workers, and the hospital's Part 2 program on its ADT feed."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from commontable.synth.adt import PART2_DIAGNOSIS

HOSPITAL, CBO = "lakeside-general-hospital", "foodlink-pantry-network"


def _ids(path: Path, column: str) -> list[str]:
    with path.open(newline="") as handle:
        return [row[column] for row in csv.DictReader(handle)]


def _feed(sources: Path) -> str:
    return (sources / HOSPITAL / "adt.hl7").read_text()


def test_opt_outs_are_a_few_of_the_hospitals_own_patient_ids(sources: Path) -> None:
    opted = _ids(sources.parent / "care" / HOSPITAL / "opt_outs.csv", "patient_id")
    patients = set(re.findall(r"^PID\|1\|\|([^^|]+)", _feed(sources), flags=re.MULTILINE))
    assert opted
    assert set(opted) <= patients
    assert len(opted) < 0.05 * len(patients)


def test_the_cbo_roster_lists_its_clients_by_its_own_ids(sources: Path) -> None:
    roster = _ids(sources.parent / "care" / CBO / "roster.csv", "patient_id")
    clients = _ids(sources / CBO / "patient.csv", "person_id")
    assert roster == clients


def test_the_part2_programs_stays_are_on_the_hospital_feed_with_their_diagnosis(
    sources: Path,
) -> None:
    messages = _feed(sources).split("MSH|")
    in_unit = [m for m in messages if "|SUD^201^A|" in m]
    assert in_unit
    assert all(f"|{PART2_DIAGNOSIS}^" in m for m in in_unit)
