"""Each person's primary care clinic and clinician per year (the truth attribution)."""

from __future__ import annotations

import numpy as np

from commontable.synth import geography
from commontable.synth.coverage import UNINSURED, state_on
from commontable.synth.frame import Frame
from commontable.synth.organizations import Roster
from commontable.synth.randomness import weighted_rows

# Share of people with a usual source of primary care in a year (AHRQ MEPS 2021: ~75% of
# people have a usual source of care; higher with chronic illness, lower when uninsured).
ENGAGED_BASE, ENGAGED_CHRONIC, ENGAGED_CHILD, UNINSURED_PENALTY = 0.68, 0.90, 0.86, 0.30
KEEP_CLINIC = 0.94  # a year-to-year clinic change of ~6%


def clinic_weights(roster: Roster) -> np.ndarray:
    """Weight of each clinic for residents of each ZIP: same ZIP 20, same county 6, else 1."""
    place = geography.region()
    zips = place.zip_code.to_pylist()
    counties = place.county.to_pylist()
    weights = np.ones((len(zips), len(roster.clinics)))
    for k, clinic in enumerate(roster.clinics):
        county = counties[zips.index(clinic.zip_code)]
        weights[np.array(counties) == county, k] = 6.0
        weights[np.array(zips) == clinic.zip_code, k] = 20.0
    return weights


def attribute(
    rng: np.random.Generator,
    roster: Roster,
    people: Frame,
    death: np.ndarray,
    chronic: np.ndarray,
    coverage: Frame,
    years: range,
) -> tuple[np.ndarray, np.ndarray]:
    """(clinic, practitioner) per person and year, -1 when the person had no PCP that year."""
    count = len(people["person"])
    clinic_orgs = [roster.orgs.index(c) for c in roster.clinics]
    staff = roster.practitioners["org"]
    first_staff = np.array([np.flatnonzero(staff == o)[0] for o in clinic_orgs])
    staff_count = np.array([(staff == o).sum() for o in clinic_orgs])
    weights = clinic_weights(roster)[people["zip_index"]]
    home = weighted_rows(rng, weights)
    slot = rng.integers(0, 1 << 30, count)
    clinic = np.full((count, len(years)), -1)
    practitioner = np.full((count, len(years)), -1)
    previous = np.full(count, -1)
    for y, year in enumerate(years):
        mid = np.full(count, np.datetime64(f"{year}-07-01"))
        start, end = np.datetime64(f"{year}-01-01"), np.datetime64(f"{year}-12-31")
        alive = (people["birth_date"] <= end) & (np.isnat(death) | (death >= start))
        state, _ = state_on(coverage, people["person"], mid)
        child = people["birth_date"] > np.datetime64(f"{year - 18}-01-01")
        p = np.where(chronic > 0, ENGAGED_CHRONIC, np.where(child, ENGAGED_CHILD, ENGAGED_BASE))
        p = np.where(state == UNINSURED, p - UNINSURED_PENALTY, p)
        p = np.where(previous >= 0, np.maximum(p, 0.9), p)
        engaged = alive & (rng.random(count) < p)
        move = (previous >= 0) & (rng.random(count) > KEEP_CLINIC)
        home = np.where(move, weighted_rows(rng, weights), home)
        clinic[:, y] = np.where(engaged, home, -1)
        practitioner[:, y] = np.where(engaged, first_staff[home] + slot % staff_count[home], -1)
        previous = clinic[:, y]
    return clinic, practitioner
