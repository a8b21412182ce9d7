"""A medical group's EHR extract as canonical tables (patient, encounter, condition, ...)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from commontable.synth.conditions import CONDITIONS
from commontable.synth.frame import Frame, ids, pick, take
from commontable.synth.medications import ALL_DRUGS
from commontable.synth.numbering import Serials

LAB_KINDS = ("hba1c", "ldl", "fit", "sdna", "pap", "hpv")
PROCEDURE_KINDS = ("colonoscopy", "follow_up_adult", "follow_up_adolescent")
# Reference intervals (Mayo Clinic Laboratories test catalog, adults).
REFERENCE = {"hba1c": ("4.0", "5.6"), "ldl": ("0", "99")}


def _source_ids(row_of: np.ndarray, person: np.ndarray, view: Frame) -> pa.Array:
    return view["person_id"].take(pa.array(row_of[person]))


def extract(
    serials: Serials,
    prefix: str,
    view: Frame,
    row_of: np.ndarray,
    visits: Frame,
    records: Frame,
    bp: Frame,
    courses: Frame,
    conditions: Frame,
    npi: dict[str, np.ndarray],
    clinic_names: list[str],
) -> dict[str, Frame]:
    """The group's tables, keyed by canonical table name; every frame uses contract columns."""
    tables: dict[str, Frame] = {}
    person_ids = view["person_id"]
    tables["patient"] = {
        "person_id": person_ids,
        "first_name": view["first_name"],
        "last_name": view["last_name"],
        "sex": view["sex"],
        "race": view["race"],
        "ethnicity": view["ethnicity"],
        "birth_date": view["birth_date"],
        "death_date": view["death_date"],
        "death_flag": ~np.isnat(view["death_date"]),
        "social_security_number": view["ssn"],
        "address": view["address"],
        "city": view["city"],
        "state": np.full(len(person_ids), "NY"),
        "zip_code": view["zip_code"],
        "county": view["county"],
        "phone": view["phone"],
        "primary_care_npi": view["pcp_npi"],
    }
    n = len(visits["person"])
    encounter_ids = ids(f"{prefix}E", serials.take(f"{prefix}E", n), 9)
    tables["encounter"] = {
        "encounter_id": encounter_ids,
        "person_id": _source_ids(row_of, visits["person"], view),
        "encounter_type": np.full(n, "office visit"),
        "encounter_start_date": visits["start"],
        "encounter_end_date": visits["start"],
        "encounter_code_type": np.where(visits["cpt"] == "G0439", "hcpcs", "cpt"),
        "encounter_code": visits["cpt"],
        "attending_provider_id": npi["practitioner"][visits["practitioner"]],
        "facility_id": npi["clinic"][visits["clinic"]],
        "facility_name": np.array(clinic_names)[visits["clinic"]],
        "primary_diagnosis_code_type": np.full(n, "icd-10-cm"),
        "primary_diagnosis_code": visits["dx"][:, 0],
    }
    tables["condition"] = _problems(serials, prefix, view, row_of, conditions)
    tables["lab_result"] = _labs(serials, prefix, view, row_of, records)
    tables["procedure"] = _procedures(serials, prefix, view, row_of, records, npi)
    tables["observation"] = _observations(serials, prefix, view, row_of, records, bp)
    tables["medication"] = _medications(serials, prefix, view, row_of, courses, npi)
    tables["immunization"] = _immunizations(serials, prefix, view, row_of, records)
    return tables


def _problems(
    serials: Serials, prefix: str, view: Frame, row_of: np.ndarray, conditions: Frame
) -> Frame:
    frames = []
    persons = view["person"]
    for condition in CONDITIONS:
        has = conditions[condition.name][persons]
        who = persons[has]
        onset = conditions[condition.name + "_onset"][who]
        frames.append(
            {
                "person": who,
                "onset_date": onset,
                "source_code": np.array(condition.icd10)[np.zeros(len(who), np.int64)],
                "source_description": np.full(len(who), condition.display),
                "snomed": np.full(len(who), condition.snomed),
            }
        )
    from commontable.synth.frame import concat

    problems = concat(frames)
    n = len(problems["person"])
    return {
        "condition_id": ids(f"{prefix}C", serials.take(f"{prefix}C", n), 9),
        "person_id": _source_ids(row_of, problems["person"], view),
        "recorded_date": problems["onset_date"],
        "onset_date": problems["onset_date"],
        "status": np.full(n, "active"),
        "condition_type": np.full(n, "problem"),
        "source_code_type": np.full(n, "icd-10-cm"),
        "source_code": problems["source_code"],
        "source_description": problems["source_description"],
        "snomed": problems["snomed"],
    }


def _of_kinds(records: Frame, kinds: tuple[str, ...]) -> Frame:
    return take(records, np.isin(records["kind"], kinds))


def _labs(serials: Serials, prefix: str, view: Frame, row_of: np.ndarray, records: Frame) -> Frame:
    labs = _of_kinds(records, LAB_KINDS)
    n = len(labs["person"])
    numeric = ~np.isnan(labs["value"])
    text = np.where(numeric, np.char.mod("%.1f", np.nan_to_num(labs["value"])), "Negative")
    text = np.where(labs["kind"] == "ldl", np.char.mod("%.0f", np.nan_to_num(labs["value"])), text)
    low = np.select([labs["kind"] == k for k in REFERENCE], [v[0] for v in REFERENCE.values()], "")
    high = np.select([labs["kind"] == k for k in REFERENCE], [v[1] for v in REFERENCE.values()], "")
    flag = np.where(
        numeric & (high != "") & (labs["value"] > np.where(high == "", "0", high).astype(float)),
        "H",
        np.where(numeric, "N", ""),
    )
    return {
        "lab_result_id": ids(f"{prefix}L", serials.take(f"{prefix}L", n), 9),
        "person_id": _source_ids(row_of, labs["person"], view),
        "source_code_type": labs["system"],
        "source_code": labs["code"],
        "source_description": labs["display"],
        "status": np.full(n, "final"),
        "result": text,
        "result_numeric": labs["value"],
        "result_date": labs["date"],
        "collection_date": labs["date"],
        "source_units": labs["unit"],
        "source_reference_range_low": low,
        "source_reference_range_high": high,
        "abnormal_flag": flag,
    }


def _procedures(
    serials: Serials,
    prefix: str,
    view: Frame,
    row_of: np.ndarray,
    records: Frame,
    npi: dict[str, np.ndarray],
) -> Frame:
    done = _of_kinds(records, PROCEDURE_KINDS)
    n = len(done["person"])
    return {
        "procedure_id": ids(f"{prefix}P", serials.take(f"{prefix}P", n), 9),
        "person_id": _source_ids(row_of, done["person"], view),
        "procedure_date": done["date"],
        "source_code_type": done["system"],
        "source_code": done["code"],
        "source_description": done["display"],
        "status": np.full(n, "completed"),
        "practitioner_id": npi["clinic"][np.maximum(done["clinic"], 0)],
    }


def _observations(
    serials: Serials, prefix: str, view: Frame, row_of: np.ndarray, records: Frame, bp: Frame
) -> Frame:
    from commontable.synth.clinical import DIASTOLIC, SYSTOLIC
    from commontable.synth.frame import concat

    n = len(bp["person"])
    panel = ids(f"{prefix}BP", serials.take(f"{prefix}BP", n), 9)
    readings = []
    for (code, name), values in ((SYSTOLIC, bp["systolic"]), (DIASTOLIC, bp["diastolic"])):
        readings.append(
            {
                "person": bp["person"],
                "panel_id": panel,
                "observation_date": bp["date"],
                "observation_type": np.full(n, "vital-signs"),
                "source_code_type": np.full(n, "loinc"),
                "source_code": np.full(n, code),
                "source_description": np.full(n, name),
                "result": np.char.mod("%.0f", values),
                "result_numeric": values,
                "result_code": np.full(n, ""),
                "source_units": np.full(n, "mm[Hg]"),
            }
        )
    other = _of_kinds(records, ("depression_screen", "mammography"))
    m = len(other["person"])
    screen = other["kind"] == "depression_screen"
    readings.append(
        {
            "person": other["person"],
            "panel_id": pa.nulls(m, pa.string()),
            "observation_date": other["date"],
            "observation_type": np.where(screen, "survey", "imaging"),
            "source_code_type": other["system"],
            "source_code": other["code"],
            "source_description": other["display"],
            "result": np.where(screen, other["value_display"], "BI-RADS 1: Negative"),
            "result_numeric": other["value"],
            "result_code": other["value_code"],
            "source_units": np.where(screen, "{score}", ""),
        }
    )
    both = concat(readings)
    k = len(both["person"])
    both["observation_id"] = ids(f"{prefix}O", serials.take(f"{prefix}O", k), 10)
    both["person_id"] = _source_ids(row_of, both.pop("person"), view)
    both["status"] = np.full(k, "final")
    return both


def _medications(
    serials: Serials,
    prefix: str,
    view: Frame,
    row_of: np.ndarray,
    courses: Frame,
    npi: dict[str, np.ndarray],
) -> Frame:
    """One order per course and calendar year it runs in (a yearly renewal)."""
    first = courses["start"].astype("datetime64[Y]").astype(np.int64)
    last = courses["end"].astype("datetime64[Y]").astype(np.int64)
    count = last - first + 1
    row = np.repeat(np.arange(len(count)), count)
    k = np.arange(len(row)) - np.repeat(np.cumsum(count) - count, count)
    year_start = (first[row] + k).astype("datetime64[Y]").astype("datetime64[D]")
    day = np.maximum(courses["start"][row], year_start)
    n = len(row)
    drug = courses["drug"][row]
    ended = courses["end"][row] < np.datetime64("2200-01-01")
    return {
        "medication_id": ids(f"{prefix}M", serials.take(f"{prefix}M", n), 9),
        "person_id": _source_ids(row_of, courses["person"][row], view),
        "prescribing_date": day,
        "source_code_type": np.full(n, "rxnorm"),
        "source_code": np.array([d.rxnorm for d in ALL_DRUGS])[drug],
        "source_description": np.array([d.name for d in ALL_DRUGS])[drug],
        "rxnorm_code": np.array([d.rxnorm for d in ALL_DRUGS])[drug],
        "status": np.where(ended & (k < count[row] - 1), "completed", "active"),
        "quantity": courses["supply"][row].astype(float),
        "days_supply": courses["supply"][row],
        "practitioner_id": npi["pcp"][courses["person"][row]],
    }


def _immunizations(
    serials: Serials, prefix: str, view: Frame, row_of: np.ndarray, records: Frame
) -> Frame:
    shots = _of_kinds(records, ("immunization",))
    n = len(shots["person"])
    lots = pick([f"{c}{d}" for c in "ABCDEFGHJK" for d in range(1000, 1010)], np.arange(n) % 100)
    return {
        "immunization_id": ids(f"{prefix}I", serials.take(f"{prefix}I", n), 9),
        "person_id": _source_ids(row_of, shots["person"], view),
        "source_code_type": np.full(n, "cvx"),
        "source_code": shots["code"],
        "source_description": shots["display"],
        "status": np.full(n, "completed"),
        "occurrence_date": shots["date"],
        "lot_number": lots,
    }
