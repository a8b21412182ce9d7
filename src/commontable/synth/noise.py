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
    rng: np.random.Generator,
    people: Frame,
    persons: np.ndarray,
    profile: Profile,
    id_range: tuple[int, int] = (10**7, 10**8),
) -> Frame:
    """A source's roster of the given people (true indices), with its ids and its errors.

    Ids are drawn from `id_range`, the chunk's own share of the 8-digit numbers.
    """
    view = take(people, persons)
    n = len(persons)
    view["person_id"] = ids(profile.id_prefix, distinct(rng, *id_range, n), 8)
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
    """1-2 character edits (substitution, deletion, transposition) in a share of the names.

    The first letter is kept and only lower-case letters are written, so an edit never leaves
    an empty slot or a control character in a name.
    """
    hit = np.flatnonzero(rng.random(len(names)) < rate)
    if not len(hit):
        return names
    kinds = rng.integers(0, 3, (len(hit), 2))
    where = rng.random((len(hit), 2))
    letters = LETTERS[rng.integers(0, 26, (len(hit), 2))]
    twice = rng.random(len(hit)) < 0.5
    edited = [
        _edit(name, kinds[i], where[i], letters[i], 1 + int(twice[i]))
        for i, name in enumerate(names.take(pa.array(hit)).to_pylist())
    ]
    return _set_text(names, hit, pa.array(edited, pa.string()))


def _edit(
    name: str | None, kinds: np.ndarray, where: np.ndarray, letters: np.ndarray, times: int
) -> str | None:
    """A name after `times` edits; names under two characters are left alone."""
    if name is None:
        return None
    for k in range(times):
        size = len(name)
        if size < 2:
            break
        pos = 1 + int(where[k] * (size - 1))  # in [1, size - 1]: never the first letter
        kind = int(kinds[k]) if size >= 3 else 0
        if kind == 1:
            name = name[:pos] + name[pos + 1 :]
        elif kind == 2:
            a = min(pos, size - 2)
            name = name[:a] + name[a + 1] + name[a] + name[a + 2 :]
        else:
            name = name[:pos] + chr(int(letters[k])) + name[pos + 1 :]
    return name


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
