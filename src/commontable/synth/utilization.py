"""Visits and stays: office and preventive visits, ED visits, inpatient stays and readmissions."""

from __future__ import annotations

import numpy as np

from commontable.synth import codes
from commontable.synth.conditions import CONDITIONS, NAMES
from commontable.synth.coverage import MEDICAID, UNINSURED, state_on
from commontable.synth.frame import Frame, concat, dates, days
from commontable.synth.market import OUT_OF_AREA_SHARES
from commontable.synth.organizations import Roster
from commontable.synth.people import age_on
from commontable.synth.randomness import weighted, weighted_rows

# Visits per person-year by age (CDC NAMCS 2019: physician office visits per person by age),
# for people with a usual source of care; each chronic condition adds 30%.
OFFICE_AGE_EDGES = np.array([5, 18, 45, 65])
OFFICE_RATE = np.array([3.2, 1.5, 1.9, 2.7, 3.8])
PREVENTIVE_RATE = np.array([0.85, 0.7, 0.45, 0.55, 0.7])
# ED visits per person-year (CDC NHAMCS 2021: 43 per 100 persons; higher on Medicaid).
ED_RATE = np.array([0.30, 0.28, 0.42, 0.30, 0.45])
# Inpatient stays per person-year by age (HCUP NIS 2019 discharges per population, no births).
IP_RATE = np.array([0.012, 0.01, 0.03, 0.065, 0.17])
IP_CONDITION_RATE = {"heart failure": 0.35, "copd": 0.18, "diabetes": 0.04}
VIA_ED_SHARE = 0.65  # share of admissions through the ED (HCUP: ~2/3 of non-birth stays)
TRANSFER_SHARE = 0.12  # stays with a unit transfer (A02)
HOSPITAL_LOYALTY = 0.8
# Care outside the region: an assumption, of the order of the Dartmouth Atlas's hospital
# referral region loyalty (most regions' residents have 85-95% of their stays at home); the
# hospitals are market.OUT_OF_AREA_SHARES's, numbered after the members'.
OUT_OF_AREA_STAY, OUT_OF_AREA_ED = 0.08, 0.04


def _band(age: np.ndarray) -> np.ndarray:
    return np.searchsorted(OFFICE_AGE_EDGES, age, side="right")


def _spread(
    rng: np.random.Generator,
    person: np.ndarray,
    counts: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """`counts[i]` random days in [lo[i], hi[i]] for each person i: (person, date)."""
    who = np.repeat(person, counts)
    start, length = np.repeat(lo, counts), np.repeat(hi - lo + 1, counts)
    return who, dates(start + (rng.random(len(who)) * length).astype(np.int64))


def _window(people: Frame, death: np.ndarray, year: int) -> tuple[np.ndarray, np.ndarray]:
    """First and last day each person is alive in the year (last < first when never)."""
    lo = np.maximum(days(np.array([f"{year}-01-01"], "datetime64[D]")), days(people["birth_date"]))
    hi = np.full(len(lo), days(np.array([f"{year}-12-31"], "datetime64[D]"))[0])
    hi = np.where(np.isnat(death), hi, np.minimum(hi, days(death) - 1))
    return lo, hi


def office_visits(
    rng: np.random.Generator,
    people: Frame,
    death: np.ndarray,
    chronic: np.ndarray,
    clinic: np.ndarray,
    practitioner: np.ndarray,
    years: range,
) -> Frame:
    """Problem-oriented and preventive visits at each person's PCP clinic, by year."""
    frames = []
    for y, year in enumerate(years):
        lo, hi = _window(people, death, year)
        age = age_on(people, np.datetime64(f"{year}-07-01"))
        band = _band(age)
        has = (clinic[:, y] >= 0) & (hi >= lo)
        rate = OFFICE_RATE[band] * (1 + 0.3 * chronic)
        count = np.where(has, 1 + rng.poisson(np.maximum(rate - 1, 0.05)), 0)
        count = np.minimum(count, 14)
        who, day = _spread(rng, people["person"], count, lo, hi)
        problem = np.where(
            rng.random(len(who)) < codes.NEW_PATIENT_SHARE,
            codes.NEW_EM[weighted(rng, codes.NEW_EM_WEIGHTS, len(who))],
            codes.ESTABLISHED_EM[weighted(rng, codes.ESTABLISHED_EM_WEIGHTS, len(who))],
        )
        preventive = has & (rng.random(len(has)) < PREVENTIVE_RATE[band])
        p_who, p_day = _spread(rng, people["person"], preventive.astype(np.int64), lo, hi)
        p_age = age[p_who]
        p_code = codes.PREVENTIVE_EM[np.searchsorted(codes.PREVENTIVE_AGE_EDGES, p_age, "right")]
        p_code = np.where(p_age >= 65, codes.ANNUAL_WELLNESS, p_code)
        who = np.concatenate([who, p_who])
        frames.append(
            {
                "person": who,
                "start": np.concatenate([day, p_day]),
                "kind": np.where(np.arange(len(who)) < len(day), "office", "preventive"),
                "cpt": np.concatenate([problem, p_code]),
                "clinic": clinic[who, y],
                "practitioner": practitioner[who, y],
            }
        )
    visits = concat(frames)
    visits["end"] = visits["start"]
    return visits


def ed_and_inpatient(
    rng: np.random.Generator,
    roster: Roster,
    people: Frame,
    death: np.ndarray,
    conditions: Frame,
    chronic: np.ndarray,
    coverage: Frame,
    years: range,
    away: np.random.Generator,
) -> tuple[Frame, Frame]:
    """Treat-and-release ED visits, and inpatient stays (many through the ED) with readmissions;
    `away` draws which go to hospitals outside the region."""
    count = len(people["person"])
    hospitals = len(roster.hospitals)
    favourite = np.where(people["urban"], 0, 1)
    favourite = np.where(rng.random(count) < 0.3, rng.integers(0, hospitals, count), favourite)
    ed_frames, stay_frames = [], []
    for year in years:
        lo, hi = _window(people, death, year)
        band = _band(age_on(people, np.datetime64(f"{year}-07-01")))
        state, _ = state_on(
            coverage, people["person"], np.full(count, np.datetime64(f"{year}-07-01"))
        )
        payer = np.where(state == MEDICAID, 1.8, np.where(state == UNINSURED, 1.3, 1.0))
        rate = ED_RATE[band] * payer * (1 + 0.35 * chronic)
        who, day = _spread(rng, people["person"], np.where(hi >= lo, rng.poisson(rate), 0), lo, hi)
        ed_frames.append({"person": who, "start": day, "end": day})
        ip = IP_RATE[band] + sum(
            np.where(conditions[n], r, 0.0) for n, r in IP_CONDITION_RATE.items()
        )
        who, day = _spread(rng, people["person"], np.where(hi >= lo, rng.poisson(ip), 0), lo, hi)
        stay_frames.append({"person": who, "start": day})
    ed = concat(ed_frames)
    ed["cpt"] = codes.ED_EM[weighted(rng, codes.ED_EM_WEIGHTS, len(ed["person"]))]
    stays = _stays(rng, concat(stay_frames), conditions, death)
    stays = _with_readmissions(rng, stays, conditions, death)
    stays = concat([stays, _terminal_stays(rng, people, death, conditions)])
    stays["hospital"] = np.where(
        stays["readmission"] | (rng.random(len(stays["person"])) < HOSPITAL_LOYALTY),
        favourite[stays["person"]],
        rng.integers(0, hospitals, len(stays["person"])),
    )
    share = np.where(stays["readmission"], 0.0, OUT_OF_AREA_STAY)  # readmitted at home
    stays["hospital"] = _away(away, stays["hospital"], hospitals, share)
    stays = concat([stays, _transfers(rng, stays, conditions, death, hospitals)])
    ed["hospital"] = np.where(
        rng.random(len(ed["person"])) < HOSPITAL_LOYALTY,
        favourite[ed["person"]],
        rng.integers(0, hospitals, len(ed["person"])),
    )
    ed["hospital"] = _away(away, ed["hospital"], hospitals, OUT_OF_AREA_ED)
    ed["dx"] = codes.ACUTE_ED_DX[rng.integers(0, len(codes.ACUTE_ED_DX), len(ed["person"]))]
    return ed, stays


def _away(
    rng: np.random.Generator, hospital: np.ndarray, members: int, share: float | np.ndarray
) -> np.ndarray:
    """Some visits moved to the hospitals outside the region (numbered from `members` on)."""
    moved = rng.random(len(hospital)) < share
    elsewhere = members + weighted(rng, OUT_OF_AREA_SHARES, len(hospital))
    return np.where(moved, elsewhere, hospital)


def _family_weights(conditions: Frame, person: np.ndarray) -> np.ndarray:
    weights = np.tile(codes.DRG_BASE_WEIGHTS, (len(person), 1))
    for name, boosts in codes.DRG_CONDITION_BOOST.items():
        has = conditions[name][person]
        for family, boost in boosts:
            weights[:, family] += np.where(has, boost, 0.0)
    return weights


def _stays(
    rng: np.random.Generator,
    stays: Frame,
    conditions: Frame,
    death: np.ndarray,
    family: np.ndarray | None = None,
) -> Frame:
    """DRG, length of stay, discharge disposition; stays that would outlast life are dropped."""
    person = stays["person"]
    n = len(person)
    if family is None:
        family = weighted_rows(rng, _family_weights(conditions, person))
    severity = weighted(rng, np.array([0.25, 0.35, 0.40]), n)
    gmlos = np.array([f[4] for f in codes.DRG_FAMILIES])[family, severity]
    los = 1 + rng.poisson(np.maximum(gmlos - 1, 0.2))
    start = stays["start"]
    end = start + los
    alive = np.isnat(death[person]) | (end < death[person])
    out = {
        "person": person,
        "start": start,
        "end": end,
        "family": family,
        "drg": np.array([f[2] for f in codes.DRG_FAMILIES])[family, severity],
        "weight": np.array([f[3] for f in codes.DRG_FAMILIES])[family, severity],
        "dx": np.array([f[1] for f in codes.DRG_FAMILIES])[family],
        "disposition": codes.DISPOSITIONS[weighted(rng, codes.DISPOSITION_WEIGHTS, n)],
        "via_ed": (rng.random(n) < VIA_ED_SHARE) & (family != 10) & (family != codes.CHEMOTHERAPY),
        "readmission": np.zeros(n, bool),
        "transfer_in": np.zeros(n, bool),
    }
    out.update({k: v for k, v in stays.items() if k.startswith("_")})  # carried along
    return {k: v[alive] for k, v in out.items()}


def _with_readmissions(
    rng: np.random.Generator, stays: Frame, conditions: Frame, death: np.ndarray
) -> Frame:
    """Readmissions within 30 days of a discharge, two generations deep."""
    frames, index = [stays], stays
    for _ in range(2):
        n = len(index["person"])
        back = (rng.random(n) < codes.READMIT_RATE[index["family"]]) & (
            index["disposition"] != "07"
        )
        gap = 1 + np.minimum(rng.exponential(8.0, n).astype(np.int64), 28)
        again = {"person": index["person"][back], "start": index["end"][back] + gap[back]}
        chemotherapy = index["family"][back] == codes.CHEMOTHERAPY  # the next cycle
        same = (rng.random(len(again["person"])) < 0.5) | chemotherapy
        family = np.where(
            same,
            index["family"][back],
            weighted_rows(rng, _family_weights(conditions, again["person"])),
        )
        index = _stays(rng, again, conditions, death, family)
        index["readmission"][:] = True
        frames.append(index)
    return concat(frames)


def _transfers(
    rng: np.random.Generator, stays: Frame, conditions: Frame, death: np.ndarray, hospitals: int
) -> Frame:
    """Stays discharged to another acute hospital (status 02) go on there the same day."""
    moved = stays["disposition"] == codes.TRANSFERRED
    again = {
        "person": stays["person"][moved],
        "start": stays["end"][moved],
        "_origin": stays["hospital"][moved],
        "_readmission": stays["readmission"][moved],
    }
    kept = _stays(rng, again, conditions, death, stays["family"][moved])
    kept["transfer_in"][:] = True
    kept["via_ed"][:] = False
    kept["readmission"] = kept.pop("_readmission")
    kept["disposition"] = np.where(
        kept["disposition"] == codes.TRANSFERRED, "01", kept["disposition"]
    )
    kept["hospital"] = (kept.pop("_origin") + 1) % max(hospitals, 1)
    return kept


def _terminal_stays(
    rng: np.random.Generator, people: Frame, death: np.ndarray, conditions: Frame
) -> Frame:
    """About 30% of deaths happen in hospital: a stay that ends on the day of death."""
    dead = np.flatnonzero(~np.isnat(death))
    dead = dead[rng.random(len(dead)) < codes.IN_HOSPITAL_DEATH_SHARE]
    los = 1 + rng.poisson(3.5, len(dead))
    start = np.maximum(death[dead] - los, people["birth_date"][dead])
    stays = _stays(
        rng, {"person": dead, "start": start}, conditions, np.full(len(death), np.datetime64("NaT"))
    )
    stays["end"] = death[dead]
    stays["disposition"][:] = codes.EXPIRED
    return stays


def chronic_codes(rng: np.random.Generator, conditions: Frame) -> np.ndarray:
    """Each person's ICD-10-CM code for each condition (people x conditions; '' when absent)."""
    count = len(conditions[NAMES[0]])
    out = np.full((count, len(CONDITIONS)), "", dtype="<U8")
    for k, condition in enumerate(CONDITIONS):
        pick = weighted(rng, np.array(condition.icd10_weights), count)
        out[:, k] = np.where(conditions[condition.name], np.array(condition.icd10)[pick], "")
    return out


def diagnoses(
    rng: np.random.Generator,
    person: np.ndarray,
    day: np.ndarray,
    first: np.ndarray,
    person_codes: np.ndarray,
    onset: np.ndarray,
    slots: int = 4,
) -> np.ndarray:
    """Diagnosis slots for events: `first` (if not '') then the person's active chronic codes."""
    active = (person_codes[person] != "") & (onset[person] <= day[:, None])
    order = np.argsort(rng.random(active.shape, dtype=np.float32) + ~active, axis=1)
    chronic = np.take_along_axis(np.where(active, person_codes[person], ""), order, axis=1)
    stacked = np.column_stack([first, chronic])
    # drop a chronic code equal to the principal one, keep order, left-pack the filled slots
    dup = (stacked[:, 1:] == stacked[:, :1]) & (stacked[:, :1] != "")
    stacked[:, 1:] = np.where(dup, "", stacked[:, 1:])
    pack = np.argsort(stacked == "", axis=1, kind="stable")
    return np.take_along_axis(stacked, pack, axis=1)[:, :slots]


def follow_up_visits(
    rng: np.random.Generator,
    stays: Frame,
    death: np.ndarray,
    clinic: np.ndarray,
    practitioner: np.ndarray,
    years: range,
) -> Frame:
    """Primary care visits after discharges home (01, 06), at the person's clinic of that year:
    within 7 days, or on days 8-14, with the planted shares (codes.FOLLOW_UP_*)."""
    home = np.isin(stays["disposition"], ["01", "06"])
    person, end = stays["person"][home], stays["end"][home]
    year = end.astype("datetime64[Y]").astype(int) + 1970 - years[0]
    inside = (year >= 0) & (year < len(years))
    person, end, year = person[inside], end[inside], year[inside]
    n = len(person)
    draw = rng.random(n)
    early = draw < codes.FOLLOW_UP_WITHIN_7
    late = ~early & (draw < codes.FOLLOW_UP_WITHIN_7 + codes.FOLLOW_UP_8_TO_14)
    start = end + np.where(early, rng.integers(1, 8, n), rng.integers(8, 15, n))
    last_day = np.datetime64(f"{years[-1]}-12-31")
    alive = np.isnat(death[person]) | (start < death[person])
    keep = (early | late) & (clinic[person, year] >= 0) & alive & (start <= last_day)
    tcm = early & (rng.random(n) < codes.TCM_SHARE)
    office = codes.ESTABLISHED_EM[weighted(rng, codes.ESTABLISHED_EM_WEIGHTS, n)]
    visits = {
        "person": person,
        "start": start,
        "kind": np.full(n, "office"),
        "cpt": np.where(tcm, "99496", office),
        "clinic": clinic[person, year],
        "practitioner": practitioner[person, year],
        "end": start,
    }
    return {k: v[keep] for k, v in visits.items()}
