"""NPIs with a valid check digit, TINs, SSNs and phone numbers, drawn in bulk."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from commontable.synth.frame import join, padded
from commontable.synth.randomness import distinct


def npi_check_digit(base: np.ndarray) -> np.ndarray:
    """CMS NPI check digit of 9-digit bases: Luhn over 80840 + base (the constant 24)."""
    digits = (base[:, None] // 10 ** np.arange(8, -1, -1)) % 10
    doubled = digits[:, 0::2] * 2  # positions 1,3,5,7,9 from the left double (rightmost first)
    total = 24 + (doubled - 9 * (doubled > 9)).sum(axis=1) + digits[:, 1::2].sum(axis=1)
    return (10 - total % 10) % 10


def npi_valid(npi: str) -> bool:
    """True when a 10-digit NPI's last digit is its Luhn check digit."""
    if len(npi) != 10 or not npi.isdigit():
        return False
    return int(npi_check_digit(np.array([int(npi[:9])]))[0]) == int(npi[9])


def npis(rng: np.random.Generator, count: int, entity: int) -> list[str]:
    """Distinct NPIs; individuals start with 1, organizations with 1 or 2."""
    first = 1 if entity == 1 else 1 + rng.integers(0, 2)
    base = first * 10**8 + distinct(rng, 0, 10**8, count)
    return [f"{b}{c}" for b, c in zip(base, npi_check_digit(base), strict=True)]


def tins(rng: np.random.Generator, count: int) -> list[str]:
    """Distinct employer identification numbers (IRS campus prefix 16, then 7 digits)."""
    return [f"16{n:07d}" for n in distinct(rng, 0, 10**7, count)]


def ssns(rng: np.random.Generator, count: int) -> pa.Array:
    """Distinct SSNs that follow the SSA rules: area not 000, 666 or 9xx; group and serial not 0."""
    area = rng.integers(1, 900, count)
    area = np.where(area == 666, 667, area)
    group = rng.integers(1, 100, count)
    serial = rng.integers(1, 10000, count)
    number = area * 10**6 + group * 10**4 + serial
    _, first = np.unique(number, return_index=True)
    repeated = np.setdiff1d(np.arange(count), first)
    number[repeated] = 899 * 10**6 + repeated % 10**6  # the rare collisions, made distinct
    return padded(number, 9)


def phones(rng: np.random.Generator, area_codes: np.ndarray) -> pa.Array:
    """NANP numbers: the area code, an exchange 200-999 not ending in 11, a line number."""
    exchange = rng.integers(200, 1000, len(area_codes))
    exchange = np.where(exchange % 100 == 11, exchange + 1, exchange)
    line = rng.integers(0, 10000, len(area_codes))
    return join(padded(area_codes, 3), padded(exchange, 3), padded(line, 4))
