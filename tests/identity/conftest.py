"""Person files for identity tests: a small synthetic population, and FEBRL when present."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from commontable.synth import geography
from tests.app_fixtures import app_db, db
from tests.web.conftest import (  # the page tests' app, client and personas
    app,
    client,
    empty_warehouse,
    quick_password_hashes,
    region,
    settings,
)

__all__ = [
    "app",
    "app_db",
    "client",
    "db",
    "empty_warehouse",
    "quick_password_hashes",
    "region",
    "settings",
]

FEBRL = Path(__file__).resolve().parents[3] / "shared" / "data" / "febrl"
FEBRL_MAP = {
    "first_name": ["given_name"],
    "last_name": ["surname"],
    "address": ["street_number", "address_1"],
    "address_2": ["address_2"],
    "city": ["suburb"],
    "zip": ["postcode"],
    "state": ["state"],
    "birth_date": ["date_of_birth"],
    "ssn": ["soc_sec_id"],
}
PEOPLE_MAP = {
    "first_name": ["first"],
    "last_name": ["last"],
    "birth_date": ["dob"],
    "sex": ["sex"],
    "address": ["street"],
    "zip": ["zip"],
    "phone": ["phone"],
    "ssn": ["ssn"],
}


@pytest.fixture
def febrl() -> Path:
    """The FEBRL benchmark folder, or a skip when ../shared/data is absent."""
    if not FEBRL.is_dir():
        pytest.skip(f"FEBRL benchmark not found at {FEBRL} (reference data lives beside the repo)")
    return FEBRL


def population(count: int = 600, seed: int = 3) -> pa.Table:
    """`count` distinct people, one record each, ids p<n>, columns as in PEOPLE_MAP."""
    rng = np.random.default_rng(seed)
    female = rng.random(count) < 0.5
    firsts = []
    for sex in ("female", "male"):
        names, weights = geography.first_names(sex)
        firsts.append(rng.choice(np.asarray(names), size=count, p=weights / weights.sum()))
    lasts, weights = geography.last_names()
    days = rng.integers(0, 30_000, count).astype("timedelta64[D]") + np.datetime64("1930-01-01")
    streets = np.array(["OAK ST", "MAIN ST", "ELM AVE", "PARK RD", "LAKE DR", "HILL CT"])
    return pa.table(
        {
            "id": [f"p{i}" for i in range(count)],
            "first": np.where(female, firsts[0], firsts[1]),
            "last": rng.choice(np.asarray(lasts), size=count, p=weights / weights.sum()),
            "dob": np.datetime_as_string(days).astype(str),
            "sex": np.where(female, "F", "M"),
            "street": np.char.add(
                rng.integers(1, 9999, count).astype(str),
                np.char.add(" ", rng.choice(streets, count)),
            ),
            "zip": rng.integers(10000, 99999, count).astype(str),
            "phone": rng.integers(2_000_000_000, 9_999_999_999, count).astype(str),
            "ssn": rng.integers(100_000_000, 899_999_999, count).astype(str),
        }
    )


def with_duplicates(people: pa.Table, share: float = 0.3, seed: int = 4) -> pa.Table:
    """Add duplicates (ids d<n>) of a share of people, each with the birth date written US-style."""
    rng = np.random.default_rng(seed)
    picked = people.take(np.flatnonzero(rng.random(people.num_rows) < share))
    dob = np.array(picked["dob"].to_pylist(), dtype="datetime64[D]").astype(object)
    us = [f"{d.month}/{d.day}/{d.year}" for d in dob]
    dups = picked.set_column(0, "id", pa.array([f"d{i}" for i in picked["id"].to_pylist()]))
    dups = dups.set_column(3, "dob", pa.array(us))
    # Every third duplicate misspells the surname's last letter, every fourth has a new phone.
    lasts = np.array(dups["last"].to_pylist(), dtype=str)
    n = np.arange(dups.num_rows)
    typo = np.char.add(np.array([x[:-1] for x in lasts]), "Q")
    dups = dups.set_column(2, "last", pa.array(np.where(n % 3 == 0, typo, lasts)))
    phones = rng.integers(2_000_000_000, 9_999_999_999, dups.num_rows).astype(str)
    dups = dups.set_column(7, "phone", pa.array(np.where(n % 4 == 0, phones, dups["phone"])))
    return pa.concat_tables([people, dups])


def write(table: pa.Table, path: Path) -> Path:
    """Write a person table as CSV and return its path."""
    pacsv.write_csv(table, path)
    return path


MATCH_PEOPLE, MATCH_SEED = 2_000, 5


@pytest.fixture(scope="session")
def matched_region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic region loaded into a DuckDB warehouse and matched once (model saved).

    Folder layout: region/ (synth output), warehouse.duckdb, model.json.
    """
    from commontable.identity.match import match_people
    from commontable.synth import generate_region
    from commontable.warehouse import connect, load_submission, submissions_in

    root = tmp_path_factory.mktemp("matched")
    generate_region(people=MATCH_PEOPLE, seed=MATCH_SEED, out=root / "region", errors=False)
    with connect(str(root / "warehouse.duckdb")) as store:
        for name, folder in submissions_in(root / "region" / "sources"):
            load_submission(store, folder, name)
        match_people(store, root / "model.json")
    return root


@pytest.fixture
def region_copy(matched_region: Path, tmp_path: Path) -> Path:
    """A private copy of the matched region's warehouse file, for a test to add to."""
    import shutil

    target = tmp_path / "warehouse.duckdb"
    shutil.copy(matched_region / "warehouse.duckdb", target)
    return target
