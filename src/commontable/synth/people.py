"""The region's residents: clean demographics, names and addresses, with planted look-alikes."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from commontable.synth import geography
from commontable.synth.frame import Frame, dates, ids, join, padded, pick
from commontable.synth.identifiers import phones, ssns
from commontable.synth.randomness import weighted

# Age bands at the end of the period and their shares: ACS 2018-2022 5-year, table S0101,
# Monroe County, NY (rounded).
AGE_BANDS = np.array([0, 5, 10, 15, 20, 25, 35, 45, 55, 65, 75, 85, 100])
AGE_SHARES = np.array(
    [0.052, 0.055, 0.058, 0.066, 0.072, 0.135, 0.118, 0.115, 0.135, 0.110, 0.058, 0.026]
)
FEMALE_SHARE = 0.515  # ACS 2018-2022 DP05, Monroe County: 51.5% female
RACES = np.array(
    [
        "white",
        "black or african american",
        "asian",
        "american indian or alaska native",
        "native hawaiian or other pacific islander",
        "other race",
        "unknown",
    ]
)
# Race among non-Hispanic residents, ACS 2018-2022 DP05 (rounded): City of Rochester ZIPs
# ("urban") and the rest of the region; "other race" includes two or more races.
RACE_URBAN = np.array([0.45, 0.46, 0.035, 0.003, 0.001, 0.04, 0.011])
RACE_SUBURBAN = np.array([0.87, 0.06, 0.035, 0.002, 0.001, 0.025, 0.007])
RACE_HISPANIC = np.array([0.35, 0.12, 0.0, 0.0, 0.0, 0.45, 0.08])
HISPANIC_URBAN, HISPANIC_SUBURBAN = 0.19, 0.05
TWIN_SHARE = 0.004  # pairs of twins planted (about 3% of US births are twins: CDC NVSS)
NAMESAKE_SHARE = 0.0005  # different people given the same name and birth date
COMMON_NAME_SHARE = 0.003  # people given one of the very commonest full names
COMMON_NAMES = {
    "female": [("Mary", "Smith"), ("Maria", "Garcia"), ("Jennifer", "Johnson")],
    "male": [("James", "Smith"), ("Michael", "Johnson"), ("Robert", "Williams")],
}


def make_people(rng: np.random.Generator, count: int, end: np.datetime64, first: int = 0) -> Frame:
    """`count` residents alive at some time in the period, as of its last day `end`; their
    person keys number on from `first` (the people of earlier chunks)."""
    place = geography.region()
    zip_index = weighted(rng, place.population, count)
    urban = place.urban[zip_index]
    band = weighted(rng, AGE_SHARES, count)
    lo, hi = AGE_BANDS[band] * 365.25, AGE_BANDS[band + 1] * 365.25
    birth = end - (lo + rng.random(count) * (hi - lo)).astype(np.int64)
    female = rng.random(count) < FEMALE_SHARE
    hispanic = rng.random(count) < np.where(urban, HISPANIC_URBAN, HISPANIC_SUBURBAN)
    race = np.where(
        hispanic,
        weighted(rng, RACE_HISPANIC, count),
        np.where(urban, weighted(rng, RACE_URBAN, count), weighted(rng, RACE_SUBURBAN, count)),
    )
    ethnicity = np.where(hispanic, "hispanic or latino", "not hispanic or latino")
    ethnicity[rng.random(count) < 0.02] = "unknown"
    people: Frame = {
        "person": np.arange(count),
        "person_key": ids("CT", first + np.arange(1, count + 1), 8),
        "sex": np.where(female, "female", "male"),
        "birth_date": dates(birth),
        "race": RACES[race],
        "ethnicity": ethnicity,
        "zip_index": zip_index,
        "urban": urban,
        "planted": np.full(count, "", dtype=object),
        "look_alike_of": np.full(count, -1),
    }
    people["first_name"] = _first_names(rng, female)
    people["last_name"] = _last_names(rng, hispanic)
    people["address"] = _addresses(rng, urban)
    people["phone"] = phones(rng, place.area_code[zip_index])
    people["ssn"] = ssns(rng, count)
    _plant_look_alikes(rng, people)
    people["zip_code"] = pick(place.zip_code, people["zip_index"])
    people["city"] = pick(place.city, people["zip_index"])
    people["county"] = pick(place.county, people["zip_index"])
    return people


def _first_names(rng: np.random.Generator, female: np.ndarray) -> pa.Array:
    names_f, weights_f = geography.first_names("female")
    names_m, weights_m = geography.first_names("male")
    f = pick(names_f, weighted(rng, weights_f, len(female)))
    m = pick(names_m, weighted(rng, weights_m, len(female)))
    return pc.if_else(pa.array(female), f, m)


def _last_names(rng: np.random.Generator, hispanic: np.ndarray) -> pa.Array:
    names, weights = geography.last_names()
    general = weighted(rng, weights, len(hispanic))
    listed = names.to_pylist()
    latin = np.array([listed.index(n) for n in geography.HISPANIC_SURNAMES if n in listed])
    from_latin = latin[weighted(rng, weights[latin], len(hispanic))]
    chosen = np.where(hispanic & (rng.random(len(hispanic)) < 0.7), from_latin, general)
    return pick(names, chosen)


def _addresses(rng: np.random.Generator, urban: np.ndarray) -> pa.Array:
    count = len(urban)
    number = np.where(urban, rng.integers(1, 1000, count), rng.integers(1, 9000, count))
    last, _ = geography.last_names()
    streets = pa.concat_arrays([pa.array(list(geography.STREETS)), last.slice(0, 300)])
    street = pick(streets, rng.integers(0, len(streets), count))
    suffix = pick(list(geography.SUFFIXES), weighted(rng, geography.SUFFIX_WEIGHTS, count))
    base = join(pc.cast(pa.array(number), pa.string()), " ", street, " ", suffix)
    apartment = urban & (rng.random(count) < 0.25)
    unit = join(base, " Apt ", pc.cast(pa.array(rng.integers(1, 40, count)), pa.string()))
    return pc.if_else(pa.array(apartment), unit, base)


def _plant_look_alikes(rng: np.random.Generator, people: Frame) -> None:
    """Twins (same birth date, address and surname), namesakes and very common names."""
    count = len(people["person"])
    order = rng.permutation(count)
    twins = max(1, int(count * TWIN_SHARE))
    namesakes = max(1, int(count * NAMESAKE_SHARE))
    common = int(count * COMMON_NAME_SHARE)
    second, first = order[:twins], order[twins : 2 * twins]
    _copy(people, second, first, ["birth_date", "zip_index", "urban", "race", "ethnicity"])
    for column in ("address", "phone", "last_name"):
        people[column] = _copy_text(people[column], second, first)
    names_f, weights_f = geography.first_names("female")
    names_m, weights_m = geography.first_names("male")
    new_f = weighted(rng, weights_f, twins)
    new_m = weighted(rng, weights_m, twins)
    female = people["sex"][second] == "female"
    renamed = pc.if_else(pa.array(female), pick(names_f, new_f), pick(names_m, new_m))
    same = pc.equal(renamed, people["first_name"].take(pa.array(first))).to_numpy(False)
    shifted = pc.if_else(
        pa.array(female),
        pick(names_f, (new_f + 1) % len(names_f)),
        pick(names_m, (new_m + 1) % len(names_m)),
    )
    people["first_name"] = _set_text(
        people["first_name"], second, pc.if_else(pa.array(same), shifted, renamed)
    )
    people["planted"][second] = "twin"
    people["planted"][first] = "twin"
    people["look_alike_of"][second] = first
    people["look_alike_of"][first] = second
    start = 2 * twins
    copy, source = (
        order[start : start + namesakes],
        order[start + namesakes : start + 2 * namesakes],
    )
    _copy(people, copy, source, ["birth_date", "sex"])
    for column in ("first_name", "last_name"):
        people[column] = _copy_text(people[column], copy, source)
    people["planted"][copy] = "namesake"
    people["look_alike_of"][copy] = source
    start += 2 * namesakes
    chosen = order[start : start + common]
    for sex, names in COMMON_NAMES.items():
        of_sex = chosen[people["sex"][chosen] == sex]
        pair = rng.integers(0, len(names), len(of_sex))
        people["first_name"] = _set_text(
            people["first_name"], of_sex, pick([n[0] for n in names], pair)
        )
        people["last_name"] = _set_text(
            people["last_name"], of_sex, pick([n[1] for n in names], pair)
        )
        people["planted"][of_sex] = "common name"


def _copy(people: Frame, to: np.ndarray, source: np.ndarray, columns: list[str]) -> None:
    for column in columns:
        people[column][to] = people[column][source]


def _copy_text(values: pa.Array, to: np.ndarray, source: np.ndarray) -> pa.Array:
    return _set_text(values, to, values.take(pa.array(source)))


def _set_text(values: pa.Array, to: np.ndarray, new: pa.Array) -> pa.Array:
    """values with positions `to` replaced by `new` (vectorised scatter through a take)."""
    index = np.arange(len(values))
    index[to] = len(values) + np.arange(len(to))
    return pa.concat_arrays([values, new.cast(values.type)]).take(pa.array(index))


def age_on(people: Frame, day: np.datetime64) -> np.ndarray:
    """Whole years of age on a day."""
    birth = people["birth_date"]
    years = day.astype("datetime64[Y]").astype(int) - birth.astype("datetime64[Y]").astype(int)
    birthday_later = (day - day.astype("datetime64[Y]")) < (birth - birth.astype("datetime64[Y]"))
    return years - birthday_later.astype(int)


__all__ = ["age_on", "make_people", "padded"]
