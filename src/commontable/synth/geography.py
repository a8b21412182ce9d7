"""The region's places and the name lists people are drawn from (files under synth/data)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pyarrow as pa

STATE = "NY"
# Most common US street names (US Census 1993 street-name tabulation as reported by the National
# League of Cities) plus local names of the Rochester region.
STREETS = (
    "Second",
    "Third",
    "First",
    "Fourth",
    "Park",
    "Fifth",
    "Main",
    "Sixth",
    "Oak",
    "Seventh",
    "Pine",
    "Maple",
    "Cedar",
    "Eighth",
    "Elm",
    "View",
    "Washington",
    "Ninth",
    "Lake",
    "Hill",
    "Genesee",
    "East",
    "Monroe",
    "Culver",
    "Clinton",
    "Lyell",
    "Dewey",
    "Chili",
    "Winton",
    "Ridge",
    "Highland",
    "University",
    "Jefferson",
    "Lincoln",
    "Church",
    "Mill",
    "Spring",
    "Willow",
    "Chestnut",
    "Walnut",
    "Orchard",
    "Meadow",
    "Sunset",
    "Hickory",
    "Birch",
)
SUFFIXES = ("St", "Ave", "Rd", "Dr", "Ln", "Ct", "Pl", "Way", "Blvd", "Ter")
SUFFIX_WEIGHTS = np.array([30, 22, 18, 12, 6, 4, 3, 2, 2, 1], dtype=float)
# Surnames of the Census list most common among Hispanic or Latino people (Census 2010 surnames).
HISPANIC_SURNAMES = (
    "Garcia",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Perez",
    "Sanchez",
    "Ramirez",
    "Torres",
    "Flores",
    "Rivera",
    "Gomez",
    "Diaz",
    "Cruz",
    "Reyes",
    "Morales",
    "Ortiz",
    "Gutierrez",
    "Chavez",
    "Ramos",
    "Ruiz",
    "Alvarez",
    "Mendoza",
    "Vasquez",
    "Castillo",
    "Jimenez",
    "Moreno",
    "Romero",
    "Herrera",
    "Medina",
    "Aguilar",
    "Vargas",
    "Guzman",
    "Mendez",
    "Santiago",
    "Soto",
    "Vazquez",
    "Delgado",
    "Figueroa",
    "Acosta",
    "Marquez",
    "Rosario",
    "Colon",
)


@dataclass(frozen=True)
class Region:
    """ZIP codes of the region with their city, county, area code and population weight."""

    zip_code: pa.Array
    city: pa.Array
    county: pa.Array
    county_fips: pa.Array
    area_code: np.ndarray
    population: np.ndarray
    urban: np.ndarray

    def index(self, zip_code: str) -> int:
        return self.zip_code.to_pylist().index(zip_code)


def _rows(name: str) -> list[dict[str, str]]:
    path = resources.files("commontable.synth").joinpath("data").joinpath(name)
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


@cache
def region() -> Region:
    """The Rochester, NY region (data/region.csv; see data/README.md for sources)."""
    rows = _rows("region.csv")
    return Region(
        zip_code=pa.array([r["zip_code"] for r in rows]),
        city=pa.array([r["city"] for r in rows]),
        county=pa.array([r["county"] for r in rows]),
        county_fips=pa.array([r["county_fips"] for r in rows]),
        area_code=np.array([int(r["area_code"]) for r in rows]),
        population=np.array([float(r["population"]) for r in rows]),
        urban=np.array([r["urban"] == "true" for r in rows]),
    )


@cache
def first_names(sex: str) -> tuple[pa.Array, np.ndarray]:
    """First names of one sex and their frequency weights (SSA via Faker)."""
    rows = [r for r in _rows("first_names.csv") if r["sex"] == sex]
    return pa.array([r["name"] for r in rows]), np.array([float(r["weight"]) for r in rows])


@cache
def last_names() -> tuple[pa.Array, np.ndarray]:
    """The 1,000 commonest US surnames and their weights (Census 2000 via Faker)."""
    rows = _rows("last_names.csv")
    return pa.array([r["name"] for r in rows]), np.array([float(r["weight"]) for r in rows])


@cache
def nicknames() -> tuple[pa.Array, pa.Array]:
    """Pairs (formal name, nickname)."""
    rows = _rows("nicknames.csv")
    return pa.array([r["name"] for r in rows]), pa.array([r["nickname"] for r in rows])
