"""A hospital's ADT event feed: ED registrations, admissions, transfers, updates, discharges."""

from __future__ import annotations

import numpy as np

from commontable.synth.frame import Frame, concat, ids, take
from commontable.synth.numbering import Serials

HOUR = np.timedelta64(3600, "s")
TRANSFER_SHARE, UPDATE_SHARE = 0.12, 0.25
ED_UNITS = np.array(["ED^01^A", "ED^02^B", "ED^03^A", "ED^04^B"])
WARDS = np.array(["MED^301^A", "MED^302^B", "SURG^401^A", "TELE^501^A", "MED^303^A"])
ICU = "ICU^101^A"
# Hospital 1's Part 2 program (PV1-3 point of care "SUD"), a synthetic share of its stays.
PART2_UNIT, PART2_SHARE = "SUD^201^A", 0.04
PART2_DIAGNOSIS = "F10.239"  # ICD-10-CM: alcohol dependence with withdrawal, unspecified


def _seconds(day: np.ndarray) -> np.ndarray:
    return day.astype("datetime64[s]")


def visits(
    rng: np.random.Generator, hospital: int, ed: Frame, stays: Frame, doctor: np.ndarray
) -> Frame:
    """One row per hospital visit (treat-and-release ED visits and stays) at this hospital."""
    e = take(ed, ed["hospital"] == hospital)
    s = take(stays, stays["hospital"] == hospital)
    n_e, n_s = len(e["person"]), len(s["person"])
    arrive_e = _seconds(e["start"]) + rng.integers(0, 24 * 3600, n_e).astype("timedelta64[s]")
    arrive_s = _seconds(s["start"]) + rng.integers(6 * 3600, 22 * 3600, n_s).astype(
        "timedelta64[s]"
    )
    leave_s = _seconds(s["end"]) + rng.integers(10 * 3600, 17 * 3600, n_s).astype("timedelta64[s]")
    return {
        "person": np.concatenate([e["person"], s["person"]]),
        "kind": np.concatenate([np.full(n_e, "ed"), np.where(s["via_ed"], "ed-admit", "admit")]),
        "arrive": np.concatenate([arrive_e, arrive_s]),
        "leave": np.concatenate([arrive_e + rng.integers(2, 7, n_e) * HOUR, leave_s]),
        "dx": np.concatenate([e["dx"][:, 0], s["dx"]]),
        "disposition": np.concatenate([np.full(n_e, "01"), s["disposition"]]),
        "attending": doctor[rng.integers(0, len(doctor), n_e + n_s)],
        "ed_unit": ED_UNITS[rng.integers(0, len(ED_UNITS), n_e + n_s)],
        "ward": WARDS[rng.integers(0, len(WARDS), n_e + n_s)],
        "admit_source": np.concatenate([np.full(n_e, "1"), np.where(s["via_ed"], "1", "2")]),
    }


def part2_program(rng: np.random.Generator, stay: Frame) -> None:
    """Move a share of the hospital's stays to its inpatient withdrawal management unit, a
    federally assisted substance use disorder program (42 CFR Part 2): its ward and an alcohol
    dependence with withdrawal diagnosis. A stream of its own, so nothing else changes."""
    chosen = (stay["kind"] != "ed") & (rng.random(len(stay["person"])) < PART2_SHARE)
    stay["ward"] = np.where(chosen, PART2_UNIT, stay["ward"])
    stay["dx"] = np.where(chosen, PART2_DIAGNOSIS, stay["dx"])


def events(rng: np.random.Generator, stay: Frame, prefix: str, serials: Serials) -> Frame:
    """HL7 trigger events of each visit, in time order, with MSH-10 control ids."""
    n = len(stay["person"])
    visit_number = ids(f"{prefix}V", serials.take(f"{prefix}V", n), 9).to_numpy(
        zero_copy_only=False
    )
    ed_first = stay["kind"] != "admit"
    inpatient = stay["kind"] != "ed"
    admit_at = np.where(stay["kind"] == "ed-admit", stay["arrive"] + 3 * HOUR, stay["arrive"])
    transfer = inpatient & (rng.random(n) < TRANSFER_SHARE) & (stay["leave"] - admit_at > 30 * HOUR)
    update = rng.random(n) < UPDATE_SHARE
    plan = (
        ("A04", ed_first, stay["arrive"], "E", stay["ed_unit"]),
        ("A01", inpatient, admit_at, "I", stay["ward"]),
        ("A02", transfer, admit_at + 20 * HOUR, "I", np.full(n, ICU)),
        (
            "A08",
            update,
            stay["arrive"] + HOUR + 1,
            np.where(inpatient & ~ed_first, "I", "E"),
            np.where(ed_first, stay["ed_unit"], stay["ward"]),
        ),
        (
            "A03",
            np.ones(n, bool),
            stay["leave"],
            np.where(inpatient, "I", "E"),
            np.where(inpatient, stay["ward"], stay["ed_unit"]),
        ),
    )
    frames = []
    for event, mask, when, patient_class, location in plan:
        rows = np.flatnonzero(mask)
        k = len(rows)
        cls = np.broadcast_to(np.asarray(patient_class), (n,))[rows]
        frames.append(
            {
                "person": stay["person"][rows],
                "event_type": np.full(k, event),
                "event_datetime": when[rows],
                "patient_class": cls,
                "location": np.asarray(location)[rows],
                "visit_number": visit_number[rows],
                "attending_npi": stay["attending"][rows],
                "admit_source_code": stay["admit_source"][rows],
                "discharge_disposition_code": np.where(
                    event == "A03", stay["disposition"][rows], ""
                ),
                "admit_datetime": np.where(cls == "I", admit_at[rows], stay["arrive"][rows]),
                "discharge_datetime": np.where(
                    event == "A03", stay["leave"][rows], np.datetime64("NaT", "s")
                ),
                "diagnosis_code": stay["dx"][rows],
            }
        )
    feed = concat(frames)
    order = np.lexsort((feed["visit_number"], feed["event_datetime"]))
    feed = take(feed, order)
    feed["message_control_id"] = ids(prefix, serials.take(f"{prefix}/msh", len(order)), 10)
    return feed
