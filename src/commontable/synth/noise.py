"""How each source sees a person: its own id and demographics with realistic errors."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from commontable.synth import geography
from commontable.synth.frame import Frame, ids, null_where, pick, take
from commontable.synth.people import _addresses, _set_text
from commontable.synth.randomness import distinct, weighted

LETTERS = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
WIDTH = 24


@dataclass(frozen=True)
class Profile:
    """How carefully a kind of source keeps demographics (shares of records affected)."""

    id_prefix: str
    ssn_kept: float
    phone_missing: float
    typo: float
    nickname: float
    moved: float
    renamed: float
    date_swap: float
    race_unknown: float


PAYER = Profile("M", 0.97, 0.35, 0.015, 0.02, 0.10, 0.02, 0.003, 0.45)
CLINIC = Profile("MRN", 0.35, 0.08, 0.03, 0.12, 0.06, 0.03, 0.006, 0.10)
HOSPITAL = Profile("H", 0.55, 0.05, 0.04, 0.08, 0.06, 0.03, 0.008, 0.15)
CBO = Profile("C", 0.04, 0.20, 0.06, 0.20, 0.10, 0.03, 0.010, 0.25)
REGISTRY = Profile("IIS", 0.0, 0.30, 0.02, 0.0, 0.08, 0.0, 0.004, 0.30)


def source_view(
    rng: np.random.Generator, people: Frame, persons: np.ndarray, profile: Profile
) -> Frame:
    """A source's roster of the given people (true indices), with its ids and its errors."""
    view = take(people, persons)
    n = len(persons)
    view["person_id"] = ids(profile.id_prefix, distinct(rng, 10**7, 10**8, n), 8)
    view["first_name"] = _typos(rng, view["first_name"], profile.typo)
    view["last_name"] = _typos(rng, view["last_name"], profile.typo)
    view["first_name"] = _nicknames(rng, view["first_name"], profile.nickname)
    renamed = (view["sex"] == "female") & (rng.random(n) < profile.renamed)
    last, weights = geography.last_names()
    view["last_name"] = pc.if_else(
        pa.array(renamed), pick(last, weighted(rng, weights, n)), view["last_name"]
    )
    moved = rng.random(n) < profile.moved
    place = geography.region()
    new_zip = weighted(rng, place.population, n)
    view["zip_index"] = np.where(moved, new_zip, view["zip_index"])
    view["address"] = pc.if_else(
        pa.array(moved), _addresses(rng, place.urban[new_zip]), view["address"]
    )
    view["zip_code"] = pick(place.zip_code, view["zip_index"])
    view["city"] = pick(place.city, view["zip_index"])
    view["county"] = pick(place.county, view["zip_index"])
    view["birth_date"] = _swap_day_month(view["birth_date"], rng.random(n) < profile.date_swap)
    view["ssn"] = null_where(view["ssn"], rng.random(n) >= profile.ssn_kept)
    view["phone"] = null_where(view["phone"], rng.random(n) < profile.phone_missing)
    view["race"] = np.where(rng.random(n) < profile.race_unknown, "unknown", view["race"])
    view["ethnicity"] = np.where(rng.random(n) < profile.race_unknown, "unknown", view["ethnicity"])
    return view


def _typos(rng: np.random.Generator, names: pa.Array, rate: float) -> pa.Array:
    """1-2 character edits (substitution, deletion, transposition) in a share of the names."""
    hit = np.flatnonzero(rng.random(len(names)) < rate)
    if not len(hit):
        return names
    raw = np.array(names.take(pa.array(hit)).to_pylist(), dtype=f"S{WIDTH}")
    chars = raw.view(np.uint8).reshape(len(hit), WIDTH).copy()
    for _ in range(2):
        length = np.maximum((chars != 0).sum(axis=1), 2)
        pos = 1 + (rng.random(len(hit)) * (length - 1)).astype(np.int64)
        kind = rng.integers(0, 3, len(hit))
        rows = np.arange(len(hit))
        sub = kind == 0
        chars[rows[sub], np.minimum(pos[sub], WIDTH - 1)] = LETTERS[rng.integers(0, 26, sub.sum())]
        cols = np.arange(WIDTH)[None, :]
        shift = np.where((kind == 1)[:, None] & (cols >= pos[:, None]), cols + 1, cols)
        swap_at = np.maximum(np.minimum(pos, length - 1) - 1, 1)
        swap = (kind == 2)[:, None]
        shift = np.where(swap & (cols == swap_at[:, None]), cols + 1, shift)
        shift = np.where(swap & (cols == swap_at[:, None] + 1), cols - 1, shift)
        padded = np.concatenate([chars, np.zeros((len(hit), 1), np.uint8)], axis=1)
        chars = np.take_along_axis(padded, np.minimum(shift, WIDTH), axis=1)
        if rng.random() < 0.5:
            break
    edited = pa.array([b.decode() for b in chars.view(f"S{WIDTH}").ravel()])
    return _set_text(names, hit, edited)


def _nicknames(rng: np.random.Generator, names: pa.Array, rate: float) -> pa.Array:
    formal, nick = geography.nicknames()
    found = pc.index_in(names, value_set=formal).to_numpy(zero_copy_only=False)
    found = np.where(np.isnan(found.astype(float)), -1, found).astype(np.int64)
    use = (found >= 0) & (rng.random(len(names)) < rate)
    hit = np.flatnonzero(use)
    return _set_text(names, hit, nick.take(pa.array(found[hit])))


def _swap_day_month(birth: np.ndarray, swap: np.ndarray) -> np.ndarray:
    """Birth dates with day and month exchanged where that still makes a valid date."""
    month = birth.astype("datetime64[M]")
    day = (birth - month).astype(np.int64) + 1
    month_number = month.astype(np.int64) % 12 + 1
    ok = swap & (day <= 12) & (day != month_number)
    year = birth.astype("datetime64[Y]")
    swapped = (year + (day - 1).astype("timedelta64[M]")).astype("datetime64[D]") + (
        month_number - 1
    )
    return np.where(ok, swapped, birth)
